// koruc passes add / review / apply / remove on a real workspace: real sandbox, real Zig
// builds and runs for the differential check.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { koruc } from "../helpers.js";

const ws = mkdtempSync(join(tmpdir(), "koru-passes-"));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

const run = (...args: string[]) => koruc(args, { cwd: ws });

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

  it("add runs the pass everywhere, review shows the diff, apply and remove change builds exactly", async () => {
    const zigBefore = (await run("emit", "app.kz")).stdout;
    const added = await run("passes", "add", "rename.js");
    expect(added.stderr + added.stdout).toContain("waiting for review");
    expect(added.status).toBe(0);
    const evidence = JSON.parse(readFileSync(join(ws, ".koru/evidence/passes/rename.json"), "utf8"));
    expect(evidence.verdict).toBe("waiting_for_review");
    expect(evidence.programs.map((p: { file: string; output: string }) => [p.file, p.output])).toEqual([
      ["app.kz", "identical"],
      ["examples/loops.kz", "not_run"],
    ]);

    const review = await run("passes", "review", "rename");
    expect(review.status).toBe(0);
    expect(review.stdout).toContain("--- a/app.kz\n+++ b/app.kz\n");
    expect(review.stdout).toContain("-~event greet { name: []const u8 }\n+~event salute { name: []const u8 }\n");
    expect(review.stdout).toContain('-~greet(name: "World")\n+~salute(name: "World")\n');

    expect((await run("emit", "app.kz")).stdout).toBe(zigBefore); // proposed is not applied
    expect((await run("passes", "apply", "rename")).status).toBe(0);
    const applied = JSON.parse(readFileSync(join(ws, "koru.passes.json"), "utf8"));
    expect(applied.passes).toEqual([
      { name: "rename", file: "rename.js", sha256: evidence.sha256, position: "after:check" },
    ]);
    const zigWith = (await run("emit", "app.kz")).stdout;
    expect(zigWith).toContain("salute");
    expect((await run("passes", "list")).stdout).toMatch(
      /check\s+built-in\nrename\s+applied \(after:check\)\nauto_discharge/,
    );

    // A changed pass file is stale: builds refuse it until it is reviewed again.
    writeFileSync(join(ws, "rename.js"), `${readFileSync(join(ws, "rename.js"), "utf8")}// edited\n`);
    const stale = await run("build", "app.kz");
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("error[PASS007]: pass 'rename' is stale");
    expect((await run("passes", "apply", "rename")).stderr).toContain("changed since it was reviewed");

    expect((await run("passes", "remove", "rename")).status).toBe(0);
    expect((await run("emit", "app.kz")).stdout).toBe(zigBefore);
  });

  it("add rejects a pass that changes a program's output, with the reason, and apply refuses it", async () => {
    const r = await run("passes", "add", "shout.js");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("pass 'shout' rejected:");
    expect(r.stderr).toContain("app.kz: output changed (std");
    expect((await run("passes", "apply", "shout")).status).toBe(1);
    expect(existsSync(join(ws, ".koru/evidence/passes/shout.json"))).toBe(true);
  });

  it("add rejects a pass that loops, naming the limit", async () => {
    writeFileSync(join(ws, "spin.js"), "export default (p) => { for (;;) {} };\n");
    const r = await run("passes", "add", "spin.js");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("PASS004 pass 'spin' ran past its time limit");
  });
});
