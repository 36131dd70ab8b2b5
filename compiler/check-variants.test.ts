// Variant procs in the language: the checks with codes and locations, bare tag names, the
// sidecar loaded as part of its module, and koru.variants.json steering the emitter.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSource } from "./compile.js";

const BASE = `~import "$std/io"

~event add { a: u8, b: u8 }
| sum u16

~proc add {
    return .{ .sum = @as(u16, a) + b };
}

~add(a: 1, b: 2)
| sum s |> std.io:print.ln("{{ s:d }}")
`;

function ws(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "koru-variants-"));
  for (const [n, t] of Object.entries(files)) writeFileSync(join(dir, n), t);
  return join(dir, "app.kz");
}

function codes(file: string): { code: string; file: string; line: number; message: string }[] {
  return compileSource(undefined, file, { checkOnly: true }).diagnostics.map((d) => ({
    code: d.code,
    file: d.file,
    line: d.line,
    message: d.message,
  }));
}

describe("variant checks", () => {
  it("loads the sidecar as part of its module and emits every variant as its own function", () => {
    const file = ws({
      "app.kz": BASE,
      "app.variants.kz": "~proc add|zig(swap) {\n    return .{ .sum = @as(u16, b) + a };\n}\n",
    });
    const r = compileSource(undefined, file);
    expect(r.diagnostics).toEqual([]);
    expect(r.zig).toMatch(/pub fn handler__zig_swap_\(/);
    expect(r.zig).not.toMatch(/handler__baseline/);
  });

  it("reports a variant of an unknown event, a duplicate tag (bare = zig(x)), no baseline, a subflow event", () => {
    const file = ws({
      "app.kz": `${BASE}
~event sub { x: u8 }
| out u8

~sub = out x

~event lonely {}
`,
      "app.variants.kz": [
        "~proc nope|zig(a) { return .{}; }",
        "~proc add|fast { return .{ .sum = 0 }; }",
        "~proc add|zig(fast) { return .{ .sum = 1 }; }",
        "~proc lonely|zig(x) { }",
        "~proc sub|zig(y) { return .{ .out = x }; }",
      ].join("\n"),
    });
    const side = file.replace(/app\.kz$/, "app.variants.kz");
    const got = codes(file);
    expect(got).toEqual([
      expect.objectContaining({ code: "KORU120", file: side, line: 1 }),
      expect.objectContaining({ code: "KORU071", file: side, line: 3 }),
      expect.objectContaining({ code: "KORU072", file: side, line: 4 }),
      expect.objectContaining({ code: "KORU073", file: side, line: 5 }),
    ]);
  });

  it("koru.variants.json makes builds call the selected variant, by bare name too; the baseline stays", () => {
    const file = ws({
      "app.kz": BASE,
      "app.variants.kz": "~proc add|zig(swap) {\n    return .{ .sum = @as(u16, b) + a };\n}\n",
      "koru.variants.json": JSON.stringify({ selected: { "app:add": "swap" } }),
    });
    const r = compileSource(undefined, file);
    expect(r.diagnostics).toEqual([]);
    const handler =
      /pub fn handler\(__koru_event_input: Input\) Output \{[\s\S]*?\n {8}\}/.exec(r.zig ?? "")?.[0] ?? "";
    expect(handler).toContain("@as(u16, b) + a");
    expect(r.zig).toMatch(/pub fn handler__baseline\([\s\S]*@as\(u16, a\) \+ b/);
  });

  it("a selection of a variant that does not exist, or a malformed file, is a located error", () => {
    const unknown = ws({
      "app.kz": BASE,
      "koru.variants.json": JSON.stringify({ selected: { "app:add": "zig(gone)" } }),
    });
    expect(compileSource(undefined, unknown).diagnostics.map((d) => d.code)).toEqual(["KORU074"]);
    const bad = ws({ "app.kz": BASE, "koru.variants.json": "{ nope" });
    const d = compileSource(undefined, bad).diagnostics;
    expect(d.map((x) => x.code)).toEqual(["KORU075"]);
    expect(d[0].file).toMatch(/koru\.variants\.json$/);
  });
});
