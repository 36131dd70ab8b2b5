// Profile-guided builds end to end: a real instrumented run records edge counts, then a real
// build with `--pgo <run-id>` (CLI) and with the compile operation's `pgo` option emits the
// hints, and the program prints exactly what the build without them prints.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../ccp/index.js";
import type { PassEvent } from "../../compiler/index.js";
import { koruc, ROOT, workspace } from "../helpers.js";

const dir = workspace({ "branchy.kz": readFileSync(join(ROOT, "bench", "pgo", "branchy.kz"), "utf8") });
let runId = "";
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const r = await koruc(["run", "--ccp", "branchy.kz", "--", "20000"], { cwd: dir });
  expect(r.status).toBe(0);
  const done = r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .find((m) => m.type === "run_done");
  runId = done.run_id;
});

describe("koruc --pgo <run-id>", () => {
  it("emits the hints of that run", async () => {
    const r = await koruc(["emit", "branchy.kz", "--pgo", runId], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\.even => \|payload_\d+\| \{\n\s+@branchHint\(\.likely\);/);
    expect(r.stdout).toMatch(/\.overflow => \|payload_\d+\| \{\n\s+@branchHint\(\.cold\);/);
    expect(r.stdout.indexOf(".even =>")).toBeLessThan(r.stdout.indexOf(".overflow =>"));
    const plain = await koruc(["emit", "branchy.kz"], { cwd: dir });
    expect(plain.stdout).not.toContain("@branchHint");
  });

  it("builds a program that prints the same as the build without it", async () => {
    const plain = await koruc(["run", "branchy.kz", "--", "300000"], { cwd: dir });
    const pgo = await koruc(["run", "branchy.kz", `--pgo=${runId}`, "--", "300000"], { cwd: dir });
    expect(plain.status).toBe(0);
    expect(pgo.status).toBe(0);
    // print.ln writes on stderr (std.debug.print).
    expect(plain.stderr).toMatch(/^\d+\n$/);
    expect(pgo.stderr).toBe(plain.stderr);
    expect(pgo.stdout).toBe(plain.stdout);
  });

  it("is an error value for a run that does not exist", async () => {
    const r = await koruc(["build", "branchy.kz", "--pgo", "20990101T000000Z-000000"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error[PASS009]");
  });

  it("goes with --ccp too: the instrumented build reports the pass", async () => {
    const both = await koruc(["run", "--ccp", "-O", "Debug", "branchy.kz", "--pgo", runId, "--", "2000"], { cwd: dir });
    expect(both.status).toBe(0);
    const messages = both.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(messages.filter((m) => m.pass === "pgo").map((m) => m.type)).toEqual(["pass_start", "pass_done"]);
    expect(messages.at(-1)).toMatchObject({ type: "run_done", exit_code: 0 });
  });
});

describe("the compile operation's pgo option", () => {
  it("builds with the pass, reported like every pass", async () => {
    const events: PassEvent[] = [];
    const out = await compile(
      { entry: "branchy.kz", pgo: runId, build: false },
      { root: dir, onPass: (e) => events.push(e) },
    );
    expect(out.ok).toBe(true);
    expect(out.zig).toContain("@branchHint(.cold);");
    expect(events.filter((e) => e.pass === "pgo").map((e) => e.type)).toEqual(["pass_start", "pass_done"]);
    const without = await compile({ entry: "branchy.kz", build: false }, { root: dir });
    expect(without.zig).not.toContain("@branchHint");
  });
});
