import { afterAll, describe, expect, it } from "vitest";
import type { Program } from "../../compiler/ast.js";
import { compileSource } from "../../compiler/compile.js";
import type { PassEvent } from "../../compiler/pipeline.js";
import { mapSteps, renameEvent } from "../../passes/api.js";
import { guardPass, programPass } from "../../passes/program-pass.js";
import { sandboxedPass } from "../../passes/sandbox/agent-pass.js";
import { closeSandbox } from "../../passes/sandbox/sandbox.js";

afterAll(() => closeSandbox());

const file = "examples/hello/hello.kz";

function compileWith(pass: ReturnType<typeof programPass>, anchor: { after: string } | { before: string }) {
  const events: PassEvent[] = [];
  const r = compileSource(undefined, file, { insert: [{ pass, ...anchor }], onPass: (e) => events.push(e) });
  return { ...r, order: events.filter((e) => e.type === "pass_done").map((e) => e.pass) };
}

describe("inserted passes in the pipeline", () => {
  it("run at their anchor, and the next passes see their program", () => {
    const r = compileWith(
      programPass("rename_greet", (p) => renameEvent(p, "greet", "salute")),
      { after: "check" },
    );
    expect(r.diagnostics.filter((d) => d.level === "error")).toEqual([]);
    expect(r.order.slice(0, 4)).toEqual(["parse", "check", "rename_greet", "auto_discharge"]);
    expect(r.zig).toContain("salute");
    expect(r.program!.entry.items.some((i) => i.kind === "event" && i.path[0] === "salute")).toBe(true);
  });

  it("a pass returning garbage is a diagnostic naming it; the build stops with the previous program", () => {
    let seen: Program | undefined;
    const r = compileWith(
      programPass("garbage", (p) => {
        seen = p;
        return { ...p, entry: { ...p.entry, items: [{ kind: "host" }] } } as unknown as Program;
      }),
      { after: "check" },
    );
    expect(r.ok).toBe(false);
    expect(r.zig).toBeUndefined();
    const d = r.diagnostics.find((x) => x.code === "PASS002")!;
    expect(d.message).toContain("pass 'garbage' returned not a valid program: at entry.items.0");
    expect(r.program).toBe(seen);
    expect(r.order).toEqual(["parse", "check", "garbage"]);
  });

  it("a pass whose program fails the checks is rejected with the first check error", () => {
    const r = compileWith(
      programPass("break_it", (p) =>
        mapSteps(p, (s) =>
          s.kind === "invoke" && s.target.path[0] === "greet"
            ? { ...s, target: { ...s.target, path: ["nowhere"] } }
            : s,
        ),
      ),
      { before: "emit" },
    );
    expect(r.ok).toBe(false);
    const d = r.diagnostics.find((x) => x.code === "PASS003")!;
    expect(d.message).toMatch(/^pass 'break_it' returned a program that fails checks: KORU\d{3} /);
  });

  it("a pass that throws keeps the previous program", () => {
    const pass = guardPass({
      name: "thrower",
      run(ctx) {
        ctx.program = undefined;
        throw new Error("broken pass");
      },
    });
    const r = compileSource(undefined, file, { insert: [{ pass, after: "check" }] });
    expect(r.diagnostics.find((d) => d.code === "PASS001")?.message).toBe("pass 'thrower' threw: broken pass");
    expect(r.program).toBeDefined();
  });

  it("an agent-written pass runs sandboxed inside a synchronous compile", () => {
    const pass = sandboxedPass("agent_rename", 'export default (p, api) => api.renameEvent(p, "greet", "hail");');
    const r = compileSource(undefined, file, { insert: [{ pass, after: "check" }] });
    expect(r.diagnostics.filter((d) => d.level === "error")).toEqual([]);
    expect(r.zig).toContain("hail");
  });
});
