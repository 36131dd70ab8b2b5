import { describe, expect, it } from "vitest";
import { templateToFormat } from "./fmt.js";

describe("std.fmt:ln templates", () => {
  it("turns the issue's result template into one format string", () => {
    const t = String.raw`{\"result\":{{ r.value.toJsonBuf():s }},\"budget_used\":{{ r.used }}}`;
    expect(templateToFormat(t)).toEqual({
      format: String.raw`{{\"result\":{s},\"budget_used\":{f}}}`,
      args: ["r.value.toJsonBuf()", "__koru_rt.auto(r.used)"],
    });
  });

  it("keeps specs, maps :f to decimal, escapes literal braces", () => {
    expect(templateToFormat("a {{x:d}} b {{ y:f }} {c} {{ z:x }}")).toEqual({
      format: "a {d} b {d} {{c}} {x}",
      args: ["x", "y", "z"],
    });
  });

  it("reports an unterminated or empty placeholder", () => {
    expect(templateToFormat("a {{ x").error).toBe("std.fmt:ln: unterminated '{{' placeholder");
    expect(templateToFormat("a {{ }}").error).toBe("std.fmt:ln: empty '{{ }}' placeholder");
  });
});
