import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSource } from "./compile.js";

const EVENTS = `
~event check { x: i32 }
| high i32
| low i32
| ?warn []const u8
~proc check { return .{ .low = x }; }
~event show { n: i32 }
~proc show { _ = n; }
`;

function diags(src: string, file = "input.kz") {
  return compileSource(EVENTS + src, file, { checkOnly: true }).diagnostics.map((d) => `${d.code} ${d.message}`);
}

describe("checks", () => {
  it("knows a label only inside its invocation's continuations", () => {
    expect(diags("~#l show(n: 0) |> @l(n: 1)")).toEqual(["KORU041 unknown label '@l'"]);
  });

  it("allows a branch constructor in a tap handler only where it ends the handler", () => {
    const taps = '~import "$std/taps"\n';
    expect(
      diags(`${taps}~tap(check)\n| high h |> show(n: h) |> high h\n\n~check(x: 1)\n| high _ |> _\n| low _ |> _`),
    ).toEqual([]);
    expect(
      diags(`${taps}~tap(check)\n| high h |> high h |> show(n: h)\n\n~check(x: 1)\n| high _ |> _\n| low _ |> _`),
    ).toEqual(["KORU021 branch constructor 'high' is only valid inside an event implementation"]);
  });

  it("accepts a complete flow", () => {
    expect(diags("~check(x: 1)\n| high h |> show(n: h)\n| low l |> show(n: l)")).toEqual([]);
  });

  it("reports unknown events and branches, with the available ones", () => {
    expect(diags("~nope()")).toEqual(["KORU040 unknown event 'nope'"]);
    expect(diags("~check(x: 1)\n| high _ |> _\n| low _ |> _\n| mid _ |> _")).toEqual([
      "KORU021 event 'input:check' has no branch 'mid' (available: high, low, warn)",
    ]);
  });

  it("reports every unhandled required branch but not optional ones", () => {
    expect(diags("~check(x: 1)\n| high _ |> _")).toEqual([
      "KORU022 branch 'low' must be handled but no continuation found",
    ]);
    expect(diags("~show(n: 1) |> check(x: 1)")).toEqual([
      "KORU022 event 'input:check' invoked but its branches are not handled",
    ]);
  });

  it("reports payloads without binding and unused bindings", () => {
    expect(diags("~check(x: 1)\n| high |> _\n| low _ |> _")).toEqual([
      "KORU030 branch 'high' has payload but no binding",
    ]);
    // Front-end errors (unused bindings) are reported before shape checks run, as upstream does.
    expect(diags("~check(x: 1)\n| high |> _\n| low l |> _")).toEqual(["KORU100 unused binding 'l'"]);
  });

  it("counts a binding used three continuations deep, in when guards and in print templates", () => {
    const src = `~import "$std/io"
~check(x: 1)
| high a |> check(x: 2)
    | high b |> check(x: 3)
        | high c |> show(n: a + b + c)
        | low _ |> _
    | low _ |> _
| low l when l > 3 |> _
| low m |> std.io:print.ln("{{ m:d }}")`;
    expect(diags(src)).toEqual([]);
  });

  it("requires an else case for when guards and rejects duplicate handlers", () => {
    expect(diags("~check(x: 1)\n| high h when h > 1 |> _\n| low _ |> _")).toEqual([
      "KORU050 branch 'high' has multiple when-clauses but no else case - add one continuation without 'when'",
    ]);
    expect(diags("~check(x: 1)\n| high _ |> _\n| high _ |> _\n| low _ |> _")[0]).toMatch(/^SHAPE002/);
  });

  it("reports unknown labels and jumps to another flow's label", () => {
    const src = `~#top check(x: 1)
| high h |> @top(x: h)
| low _ |> _
~check(x: 2)
| high h |> @top(x: h)
| low _ |> _`;
    expect(diags(src)).toEqual(["KORU041 unknown label '@top'"]);
  });

  it("reports constructors of unknown branches in subflows", () => {
    expect(diags("~event e { v: i32 }\n| done i32\n~e = finished v")).toEqual([
      "KORU021 event 'input:e' has no branch 'finished' (available: done)",
    ]);
  });

  it("reports private events of other modules, every one", () => {
    const dir = mkdtempSync(join(tmpdir(), "koru-check-"));
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "lib", "g.kz"), "~event init {}\n~proc init {}\n~pub event draw {}\n~proc draw {}\n");
    const src = '~import "$app/lib"\n~app.lib.g:init()\n~app.lib.g:draw()\n~app.lib.g:init()';
    const result = compileSource(src, join(dir, "input.kz"), { checkOnly: true });
    expect(result.diagnostics.map((d) => `${d.code} ${d.line} ${d.message}`)).toEqual([
      "KORU044 2 cannot access private event 'app.lib.g:init' from module 'input'",
      "KORU044 4 cannot access private event 'app.lib.g:init' from module 'input'",
    ]);
  });
});
