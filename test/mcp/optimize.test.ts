// Reading a variant out of a model's answer.
import { describe, expect, it } from "vitest";
import { extractVariant } from "../../mcp/optimize.js";

describe("extractVariant", () => {
  it("takes a whole ~proc declaration with its tag", () => {
    const r = extractVariant(
      "Here:\n```koru\n~proc advance|zig(fast_1) {\n    return .{ .done = .{} };\n}\n```\n",
      "input:advance",
    );
    expect(r).toEqual({ ok: true, body: "    return .{ .done = .{} };", tag: "fast_1" });
  });
  it("takes just a body", () => {
    const r = extractVariant("```zig\nreturn .{ .next = remaining - 1 };\n```", "advance");
    expect(r).toEqual({ ok: true, body: "return .{ .next = remaining - 1 };" });
  });
  it("keeps nested braces of the body", () => {
    const r = extractVariant("```\n~proc blur {\n  if (x) {\n    y();\n  }\n}\n```", "blur");
    expect(r.ok && r.body).toBe("  if (x) {\n    y();\n  }");
  });
  it("refuses an answer without a code block, a proc of another event, an empty body", () => {
    expect(extractVariant("just make it faster", "advance").ok).toBe(false);
    expect(extractVariant("```\n~proc energy {\n x();\n}\n```", "advance")).toMatchObject({
      ok: false,
      problem: expect.stringContaining("energy"),
    });
    expect(extractVariant("```\n\n```", "advance").ok).toBe(false);
  });
});
