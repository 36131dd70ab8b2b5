// The front end never throws: random and mutated programs only ever produce
// diagnostics, each with a location.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileSource } from "./compile.js";

const SEEDS = [
  `~import "$std/io"
~event greet { name: []const u8 }
| greeting []const u8
| empty
~proc greet {
    if (name.len == 0) return .{ .empty = .{} };
    return .{ .greeting = name };
}
~greet(name: "World")
| greeting g |> std.io:print.ln("Hello, {{ g:s }}!")
| empty |> _
`,
  `~event count { current: i32, target: i32 }
| next { value: i32, target: i32 }
| done i32
~proc count {
    if (current >= target) return .{ .done = current };
    return .{ .next = .{ .value = current + 1, .target = target } };
}
~#loop count(current: 1, target: 5)
| next n |> @loop(current: n.value, target: n.target)
| done _ |> _
`,
  `~event add { a: i32, b: i32 }
| sum i32
~add = sum a + b
~event show { n: i32 }
~proc show { _ = n; }
~add(a: 1, b: 2)
| sum s when s > 2 |> show(n: s)
| sum s |> show(n: s) |> show(n: 0)
`,
  `~[comptime|pure]
~[
- keyword
- optimize(level: 3)
] pub event x {}
~x() |> x()
`,
  `~import "$std/control"
~capture({ total: @as(i32, 0) })
| as acc |> for(0..3)
    | each i |> captured { total: acc.total + @as(i32, @intCast(i)) }
| captured final |> _
`,
];

const TOKENS = [
  "~",
  "|",
  "|>",
  "|?",
  "(",
  ")",
  "{",
  "}",
  "[",
  "]",
  ":",
  ",",
  "\n",
  "  ",
  "_",
  "@loop",
  "#loop",
  "event ",
  "proc ",
  "pub ",
  "import ",
  '"$std/io"',
  "=",
  "when ",
  "//",
  '"',
  "'",
  ".",
  "*",
  "->",
  "done",
  "x",
  "1",
  "\t",
  "\u00e9",
  "\u0000",
];

const mutated = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.constantFrom(...TOKENS)), { minLength: 1, maxLength: 6 }),
  )
  .map(([seed, edits]) => {
    let text = seed;
    for (const [pos, del, tok] of edits) {
      const at = pos % (text.length + 1);
      text = text.slice(0, at) + tok + text.slice(at + del);
    }
    return text;
  });

const random = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(""));

describe("front end robustness", () => {
  it("never throws; every diagnostic has a location (20,000 programs)", () => {
    fc.assert(
      fc.property(fc.oneof(mutated, random, fc.string({ maxLength: 200 })), (source) => {
        const result = compileSource(source, "fuzz.kz", {});
        for (const d of result.diagnostics) {
          expect(d.file).toBeTruthy();
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.col).toBeGreaterThanOrEqual(0);
          expect(d.code).toMatch(/^[A-Z]+\d+$/);
          expect(d.message.length).toBeGreaterThan(0);
        }
        if (!result.ok) expect(result.diagnostics.some((d) => d.level === "error")).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  }, 300_000);
});
