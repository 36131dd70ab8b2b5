// koruc passes add / review / apply / remove on a real workspace: real sandbox, real Zig
// builds and runs for the differential check.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const koruc = join(process.cwd(), "dist/cli/koruc.js");
const ws = mkdtempSync(join(tmpdir(), "koru-passes-"));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

const run = (...args: string[]) =>
  spawnSync(process.execPath, [koruc, ...args], { cwd: ws, encoding: "utf8", env: { ...process.env } });

describe("workspace passes through koruc", () => {
  cpSync("examples/hello/hello.kz", join(ws, "app.kz"));
  cpSync("test/e2e/labels_loops/input.kz", join(ws, "examples", "loops.kz"), { recursive: true });
  writeFileSync(join(ws, "koru.json"), "{}\n");
  writeFileSync(join(ws, "rename.js"), 'export default (p, api) => api.renameEvent(p, "greet", "salute");\n');
  writeFileSync(
    join(ws, "shout.js"),
    [
      "// Changes what the program prints: the differential run must reject it.",
      "export default (p, api) => api.mapSteps(p, (s) =>",
      '  s.kind === "invoke" && s.args.some((a) => a.value.includes("Hello"))',
      '    ? { ...s, args: s.args.map((a) => ({ ...a, value: a.value.replace("Hello", "HELLO") })) } : s);',
    ].join("\n"),
  );

  it("add runs the pass everywhere, review shows the diff, apply and remove change builds exactly", () => {
    const zigBefore = run("emit", "app.kz").stdout;
    const added = run("passes", "add", "rename.js");
    expect(added.stderr + added.stdout).toContain("waiting for review");
    expect(added.status).toBe(0);
    const evidence = JSON.parse(readFileSync(join(ws, ".koru/evidence/passes/rename.json"), "utf8"));
    expect(evidence.verdict).toBe("waiting_for_review");
    expect(evidence.programs.map((p: { file: string; output: string }) => [p.file, p.output])).toEqual([
      ["app.kz", "identical"],
      ["examples/loops.kz", "not_run"],
    ]);

    const review = run("passes", "review", "rename");
    expect(review.status).toBe(0);
    expect(review.stdout).toContain("--- a/app.kz\n+++ b/app.kz\n");
    expect(review.stdout).toContain("-~event greet { name: []const u8 }\n+~event salute { name: []const u8 }\n");
    expect(review.stdout).toContain('-~greet(name: "World")\n+~salute(name: "World")\n');

    expect(run("emit", "app.kz").stdout).toBe(zigBefore); // proposed is not applied
    expect(run("passes", "apply", "rename").status).toBe(0);
    const applied = JSON.parse(readFileSync(join(ws, "koru.passes.json"), "utf8"));
    expect(applied.passes).toEqual([
      { name: "rename", file: "rename.js", sha256: evidence.sha256, position: "after:check" },
    ]);
    const zigWith = run("emit", "app.kz").stdout;
    expect(zigWith).toContain("salute");
    expect(run("passes", "list").stdout).toMatch(/check\s+built-in\nrename\s+applied \(after:check\)\nauto_discharge/);

    // A changed pass file is stale: builds refuse it until it is reviewed again.
    writeFileSync(join(ws, "rename.js"), `${readFileSync(join(ws, "rename.js"), "utf8")}// edited\n`);
    const stale = run("build", "app.kz");
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("error[PASS007]: pass 'rename' is stale");
    expect(run("passes", "apply", "rename").stderr).toContain("changed since it was reviewed");

    expect(run("passes", "remove", "rename").status).toBe(0);
    expect(run("emit", "app.kz").stdout).toBe(zigBefore);
  });

  it("add rejects a pass that changes a program's output, with the reason, and apply refuses it", () => {
    const r = run("passes", "add", "shout.js");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("pass 'shout' rejected:");
    expect(r.stderr).toContain("app.kz: output changed (std");
    expect(run("passes", "apply", "shout").status).toBe(1);
    expect(existsSync(join(ws, ".koru/evidence/passes/shout.json"))).toBe(true);
  });

  it("add rejects a pass that loops, naming the limit", () => {
    writeFileSync(join(ws, "spin.js"), "export default (p) => { for (;;) {} };\n");
    const r = run("passes", "add", "spin.js");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("PASS004 pass 'spin' ran past its time limit");
  });
});
