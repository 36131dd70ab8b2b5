// Tests start long child processes asynchronously (runProcess, or koruc() from test/helpers.ts):
// a synchronous spawn blocks the vitest worker's event loop, and one blocked past vitest's fixed
// 60 s RPC limit (a cold Zig build under load) fails the whole run with "Timeout calling
// onTaskUpdate" even when every test passed. Each synchronous call left is listed here, with why.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

const SYNC_CALL = /\b(?:spawnSync|execFileSync|execSync|execaSync|runProcessSync)\s*\(/;

/** file -> the lines (trimmed) allowed to call synchronously, and why. */
const ALLOWED: Record<string, { line: RegExp; why: string }[]> = {
  "compiler/toolchain/process.test.ts": [
    {
      line: /spawnSync\(process\.execPath, \["--input-type=module"/,
      why: "tests runProcess's exit hook, so its child must not be one of runProcess's; it exits after 300 ms",
    },
  ],
  "test/adversarial/front-end.test.ts": [{ line: /spawnSync\("mkfifo"/, why: "mkfifo returns at once" }],
  "test/adversarial/daemon.test.ts": [{ line: /spawnSync\("mkfifo"/, why: "mkfifo returns at once" }],
  "variants/blur.e2e.test.ts": [
    {
      line: /spawnSync\(exe, /,
      why: "times a built binary's run of ~50 ms: no build, nothing that can block for long",
    },
  ],
};

function testFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return ["node_modules", "dist", ".koru", ".tools"].includes(e.name) ? [] : testFiles(p);
    // Test helpers under test/ run inside the workers too.
    const inTest = relative(ROOT, p).startsWith("test/");
    return e.name.endsWith(".test.ts") || (inTest && e.name.endsWith(".ts")) ? [p] : [];
  });
}

function syncCalls(): { file: string; line: string }[] {
  const dirs = ["compiler", "ccp", "variants", "passes", "mcp", "cli", "zig-runtime", "examples", "scripts", "test"];
  return dirs
    .flatMap((d) => testFiles(join(ROOT, d)))
    .flatMap((p) => {
      const file = relative(ROOT, p);
      return readFileSync(p, "utf8")
        .split("\n")
        .filter((l) => SYNC_CALL.test(l) && !l.trim().startsWith("//"))
        .map((l) => ({ file, line: l.trim() }));
    });
}

describe("no test blocks its worker on a child process", () => {
  it("calls child processes synchronously only where listed", () => {
    const unlisted = syncCalls().filter(
      ({ file, line }) => !(ALLOWED[file] ?? []).some((a) => a.line.test(line)) && file !== "test/sync-spawn.test.ts",
    );
    expect(unlisted).toEqual([]);
  });

  it("finds synchronous calls where they are (the check is not vacuous)", () => {
    const found = syncCalls();
    expect(found.some((c) => c.file === "compiler/toolchain/process.test.ts")).toBe(true);
    expect(SYNC_CALL.test('const r = spawnSync("zig", ["build"]);')).toBe(true);
    expect(SYNC_CALL.test("await runProcess(zig, args)")).toBe(false);
  });
});
