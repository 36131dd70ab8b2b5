import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FlowItem, Invocation } from "../ast.js";
import { compileFile, compileSource } from "../compile.js";
import { packageRoot } from "../modules.js";
import { runProcess } from "../toolchain/process.js";
import { findZig } from "../toolchain/zig.js";
import { parsePattern, patternMatches, tapPatterns } from "./taps.js";

const TESTS = join(packageRoot(), "test", "taps");
const work = mkdtempSync(join(tmpdir(), "koru-taps-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function tapOf(src: string): Invocation {
  const r = compileSource(`~import "$std/taps"\n${src}\n`, join(work, "input.kz"), { checkOnly: true });
  const flow = r.program!.entry.items.find((i): i is FlowItem => i.kind === "flow")!;
  return flow.body.steps[0] as Invocation;
}

describe("tap patterns", () => {
  const matches = (pattern: string, canonical: string) => patternMatches(parsePattern(pattern), canonical);

  it("matches paths, module-qualified paths and globs like upstream", () => {
    expect(matches("*", "std.io:println")).toBe(true);
    expect(matches("*:*", "koru:start")).toBe(true);
    expect(matches("hello", "input:hello")).toBe(true);
    expect(matches("hello", "input:hello.world")).toBe(false);
    expect(matches("input:*", "input:compute")).toBe(true);
    expect(matches("input:*", "app.lib:compute")).toBe(false);
    expect(matches("*:compute", "app.lib:compute")).toBe(true);
    expect(matches("http.*", "input:http.request")).toBe(true);
    expect(matches("http.*", "input:http")).toBe(false);
    expect(matches("std.io:print*", "std.io:println")).toBe(true);
    expect(matches("std.io:print*", "input:println")).toBe(false);
    expect(matches("*.io:print", "std.io:print")).toBe(true);
    expect(matches("koru:start", "koru:start")).toBe(true);
  });

  it("reads `src -> dst`, the shorthand, and a named-argument reading of `mod:ev -> dst`", () => {
    const texts = (src: string) => {
      const p = tapPatterns(tapOf(src));
      return [p.source.text, p.destination.text];
    };
    expect(texts("~tap(ping)\n| pong _ |> _")).toEqual(["ping", "*"]);
    expect(texts("~tap(* -> file.write)\n| Profile _ |> _")).toEqual(["*", "file.write"]);
    expect(texts("~tap(koru:start -> *) |> _")).toEqual(["koru:start", "*"]);
    expect(texts("~tap(input:compute -> input:format)\n| Profile _ |> _")).toEqual(["input:compute", "input:format"]);
    expect(texts("~tap(std.io:print* -> *)\n| Profile _ |> _")).toEqual(["std.io:print*", "*"]);
  });
});

describe("tap checks", () => {
  const check = (src: string) =>
    compileSource(src, join(work, "input.kz"), { checkOnly: true }).diagnostics.map((d) => `${d.code} ${d.message}`);
  const prelude = `~import "$std/taps"\n~event hello {}\n| done u32\n~proc hello { return .{ .done = 1 }; }\n~event log { n: u32 }\n~proc log {}\n`;

  it("checks handler branches against a named source event", () => {
    expect(check(`${prelude}~tap(hello -> *)\n| oops _ |> log(n: 1)\n`)).toEqual([
      "KORU021 event 'input:hello' has no branch 'oops' (available: done)",
    ]);
  });

  it("accepts metatypes, a lone `when`, no binding on a payload, and a resuming constructor", () => {
    const src = `${prelude}~tap(hello -> *)\n| done d when d > 0 |> log(n: d) |> done { done: d }\n| done |> log(n: 0)\n| Profile p |> log(n: @intCast(p.source.len))\n~tap(* -> *)\n| Transition _ |> _\n~hello()\n| done _ |> _\n`;
    expect(check(src)).toEqual([]);
  });
});

describe("tap emission", () => {
  it("emits no tap code for a program without taps", () => {
    const r = compileSource(`~import "$std/taps"\n~event hello {}\n~proc hello {}\n~hello()\n`, join(work, "input.kz"));
    expect(r.ok).toBe(true);
    expect(r.zig).not.toMatch(/__koru_tap|EventEnum|taps\.Profile|nanoTimestamp/);
  });

  it("calls a handler only where a transition matches, and drops the tap declaration itself", () => {
    const r = compileSource(
      `~import "$std/taps"\n~event a {}\n~proc a {}\n~event b {}\n~proc b {}\n~tap(a -> b) |> b()\n~a() |> b()\n~a()\n`,
      join(work, "input.kz"),
    );
    expect(r.ok).toBe(true);
    const calls = r.zig!.match(/main_module\.__koru_tap_0\(\);/g) ?? [];
    expect(calls).toHaveLength(1);
    expect(r.zig).toMatch(/pub fn __koru_tap_0\(\) void \{/);
    expect(r.zig).not.toMatch(/flow2/);
  });
});

describe("tap programs (test/taps, built with zig)", () => {
  const zig = findZig();
  const dirs = readdirSync(TESTS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

  it.each(dirs)("%s", async (name) => {
    if ("error" in zig) throw new Error(zig.error);
    const dir = join(TESTS, name);
    const r = compileFile(join(dir, "input.kz"));
    expect(r.diagnostics.map((d) => d.message)).toEqual([]);
    const out = mkdtempSync(join(work, `${name}-`));
    writeFileSync(join(out, "main.zig"), r.zig!);
    const build = await runProcess(
      zig.path,
      ["build-exe", "main.zig", "-O", "Debug", `-femit-bin=${join(out, "main")}`],
      {
        cwd: out,
      },
    );
    expect(build.exitCode, build.stderr).toBe(0);
    const run = await runProcess(join(out, "main"), [], { cwd: dir });
    const merged = `${run.stdout}${run.stderr}`.trimEnd();
    expect(merged).toBe(readFileSync(join(dir, "expected.txt"), "utf8").trimEnd());
  });
});
