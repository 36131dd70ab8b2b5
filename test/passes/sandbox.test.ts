import { describe, expect, it } from "vitest";
import type { Program } from "../../compiler/ast.js";
import { parseOnly } from "../../compiler/compile.js";
import { runAgentPass } from "../../passes/sandbox/agent-pass.js";
import { closeSandbox, runInSandbox } from "../../passes/sandbox/sandbox.js";

const file = "examples/hello/hello.kz";
const program = (): Program => parseOnly(file).program!;
// Generous time for the tests that are not about time: a loaded machine must not turn them into timeouts.
const limits = { timeMs: 3_000, memoryBytes: 32 * 1024 * 1024, stackBytes: 512 * 1024 };
const quick = { ...limits, timeMs: 300 };

async function rejected(source: string, within = limits) {
  const start = performance.now();
  const r = runAgentPass("probe", source, program(), file, within);
  if (r.ok) throw new Error("the pass was accepted");
  return { ...r.diagnostic, ms: performance.now() - start };
}

describe("agent-written passes in the QuickJS sandbox", () => {
  it("accepts a no-op pass and a pass that uses the helper API", async () => {
    const input = program();
    const noop = runAgentPass("noop", "export default (p) => p;", input, file, limits);
    expect(noop.ok).toBe(true);
    // The same JSON back is the same program: kept as it was, not read back.
    if (noop.ok) expect(noop.program).toBe(input);
    const renamed = runAgentPass(
      "rename",
      'export default (p, api) => api.renameEvent(p, "greet", "salute");',
      program(),
      file,
      limits,
    );
    expect(renamed.ok).toBe(true);
    if (renamed.ok) {
      expect(renamed.program.entry.items.some((i) => i.kind === "event" && i.path[0] === "salute")).toBe(true);
      expect(renamed.program.entry.items[0].span.file).toBe(input.entry.file);
    }
  });

  it("knows an unchanged program by its content, and sees a change made in place", async () => {
    const input = program();
    const copy = runAgentPass("copy", "export default (p) => JSON.parse(JSON.stringify(p));", input, file, limits);
    expect(copy.ok && copy.program).toBe(input);
    const inPlace = runAgentPass("in_place", 'export default (p) => { p.flags.push("seen"); return p; };', input, file);
    expect(inPlace.ok).toBe(true);
    if (inPlace.ok) {
      expect(inPlace.program).not.toBe(input);
      expect(inPlace.program.flags).toContain("seen");
    }
    expect(input.flags).not.toContain("seen");
  });

  it("stops an infinite loop at the time limit", async () => {
    const r = await rejected("export default (p) => { for (;;) {} };", quick);
    expect(r.code).toBe("PASS004");
    expect(r.message).toContain("time limit");
    expect(r.ms).toBeLessThan(quick.timeMs + 2000);
  });

  it("stops a huge allocation at the memory limit", async () => {
    for (const grab of ["new ArrayBuffer(2 ** 30)", "'x'.repeat(2 ** 28)"]) {
      const r = await rejected(`export default (p) => { ${grab}; return p; };`);
      expect(r.code, grab).toBe("PASS005");
      expect(r.message).toContain("memory limit");
    }
    // Growing a little at a time ends at whichever limit comes first, within the time limit plus a grace.
    const creep = await rejected(
      "export default (p) => { const a = []; for (;;) a.push(new Array(100000).fill(p)); };",
      quick,
    );
    expect(["PASS004", "PASS005"]).toContain(creep.code);
    expect(creep.ms).toBeLessThan(quick.timeMs + 2000);
  });

  it("stops runaway recursion at the stack limit", async () => {
    const r = await rejected("const f = (n) => f(n + 1) + 1; export default (p) => { f(0); return p; };");
    expect(r.code).toBe("PASS005");
  });

  it("finds no process, file system, network or host modules when probing globalThis", async () => {
    const probe = `export default (p) => {
      const seen = ["process", "require", "fetch", "std", "os", "XMLHttpRequest", "WebSocket", "Deno", "Bun"]
        .filter((n) => typeof globalThis[n] !== "undefined");
      const text = "// seen:" + seen.join(",") + " now:" + Date.now() + " date:" + new Date().getTime()
        + " rnd:" + Math.random();
      const line = { kind: "host", text, span: p.entry.items[0].span };
      return { ...p, entry: { ...p.entry, items: [...p.entry.items, line] } };
    };`;
    const a = runAgentPass("probe", probe, program(), file, limits);
    const b = runAgentPass("probe", probe, program(), file, limits);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    const line = (p: Program) => (p.entry.items.at(-1) as { text: string }).text;
    expect(line(a.program)).toMatch(/^\/\/ seen: now:0 date:0 rnd:0\.\d+$/);
    expect(line(a.program)).toBe(line(b.program));
    const fs = await rejected('import { readFileSync } from "fs"; export default (p) => p;');
    expect(fs.code).toBe("PASS001");
    expect(fs.message).toContain("cannot import 'fs'");
    const exit = await rejected("export default (p) => { process.exit(1); };");
    expect(exit.code).toBe("PASS001");
    expect(exit.message).toContain("process");
  });

  it("rejects a cyclic result, garbage and a throw, each for its own reason", async () => {
    const cyclic = await rejected("export default (p) => { p.entry.self = p.entry; return p; };");
    expect(cyclic.code).toBe("PASS002");
    expect(cyclic.message).toContain("cyclic");
    const garbage = await rejected("export default () => 42;");
    expect(garbage.code).toBe("PASS002");
    expect(garbage.message).toContain("not a valid program");
    const wrongKind = await rejected(
      "export default (p) => ({ ...p, entry: { ...p.entry, " +
        'items: [{ kind: "spaceship", span: p.entry.items[0].span }] } });',
    );
    expect(wrongKind.code).toBe("PASS002");
    expect(wrongKind.message).toContain("entry.items.0");
    const thrown = await rejected('export default () => { throw new Error("nope"); };');
    expect(thrown.code).toBe("PASS001");
    expect(thrown.message).toContain("nope");
    const notAFunction = await rejected("export default 3;");
    expect(notAFunction.message).toContain("not a function");
  });

  it("rejects a program that fails the checks, naming the pass and the first error", async () => {
    const r = await rejected(
      "export default (p, api) => api.mapSteps(p, (s) => " +
        's.kind === "invoke" && s.target.path[0] === "greet" ' +
        '? { ...s, target: { ...s.target, path: ["no_such_event"] } } : s);',
    );
    expect(r.code).toBe("PASS003");
    expect(r.message).toMatch(/pass 'probe' returned a program that fails checks: KORU\d+/);
  });

  it("keeps working after every kind of rejection", async () => {
    const r = runInSandbox("export default (p) => p;", '{"entry":1}', limits);
    expect(r.ok).toBe(true);
    closeSandbox();
  });
});
