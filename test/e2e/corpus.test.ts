// The end-to-end corpus: every folder in test/e2e is a small Koru program built and run by
// the real koruc (dist/cli/koruc.js). See test/e2e/README.md for the folder layout.
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess } from "../../compiler/toolchain/process.js";
import { KORUC, ROOT } from "../helpers.js";

const CORPUS = join(ROOT, "test", "e2e");
const RUN_TIMEOUT_MS = 30_000;
/** Zig builds are CPU-heavy; the other test files build too. */
const MAX_PARALLEL_BUILDS = 2;

const cases = readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(CORPUS, d.name, "input.kz")))
  .map((d) => d.name)
  .sort();

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run a command; with `mergedTo`, stdout and stderr share one file, in write order. */
async function run(cmd: string, args: string[], cwd: string, mergedTo?: string): Promise<Outcome> {
  const fd = mergedTo === undefined ? undefined : openSync(mergedTo, "w");
  try {
    const r = await runProcess(cmd, args, {
      cwd,
      stdin: "ignore",
      timeoutMs: RUN_TIMEOUT_MS,
      ...(fd !== undefined ? { stdout: fd, stderr: fd } : {}),
    });
    if (r.spawnError !== undefined) throw new Error(`cannot run ${cmd}: ${r.spawnError}`);
    const merged = mergedTo === undefined ? undefined : readFileSync(mergedTo, "utf8");
    return { code: r.exitCode, signal: r.signal, stdout: merged ?? r.stdout, stderr: r.stderr };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** At most `n` holders at once. */
function limiter(n: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (active >= n) await new Promise<void>((go) => waiting.push(go));
    active++;
    try {
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

const limit = limiter(MAX_PARALLEL_BUILDS);
let work = "";

beforeAll(() => {
  // Build in a copy so nothing (.koru/ caches, executables) lands in the repository; the
  // copy keeps the `test/e2e/<name>/input.kz` paths that diagnostics print.
  work = mkdtempSync(join(tmpdir(), "koru-e2e-corpus-"));
  cpSync(CORPUS, join(work, "test", "e2e"), { recursive: true, filter: (src) => !/[\\/]\.koru([\\/]|$)/.test(src) });
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function koruc(args: string[]): Promise<Outcome> {
  return run(process.execPath, [KORUC, ...args], work);
}

function read(name: string, file: string): string | undefined {
  const p = join(CORPUS, name, file);
  return existsSync(p) ? readFileSync(p, "utf8") : undefined;
}

async function check(name: string): Promise<void> {
  const input = `test/e2e/${name}/input.kz`;
  const flags = (read(name, "flags") ?? "").split(/\s+/).filter(Boolean);
  // Inside the case folder: -o may not name a path outside the source's workspace.
  const exe = join(work, "test", "e2e", name, `${name}.exe`);
  const expectedError = read(name, "expected_error.txt");
  if (expectedError !== undefined) {
    let r = await koruc(["check", input, ...flags]);
    // Some errors (Zig's, mapped back to the .kz line) appear only when building.
    if (r.code === 0) r = await limit(() => koruc(["build", input, "-o", exe, ...flags]));
    expect(r.stderr).toBe(expectedError);
    expect(r.code).toBe(1);
    return;
  }
  const built = await limit(() => koruc(["build", input, "-o", exe, ...flags]));
  expect(built.stderr).toBe("");
  expect(built.code).toBe(0);
  const ran = await run(exe, [], work, `${exe}.out`);
  expect(ran.stdout).toBe(read(name, "expected.txt"));
  expect(ran.signal).toBeNull();
  expect(ran.code).toBe(0);
  rmSync(exe, { force: true });
}

describe.concurrent("e2e corpus", () => {
  for (const name of cases) {
    // A `known_bug` file says the compiler is known to get this case wrong (and why):
    // the test then passes while the case fails, and fails once the bug is fixed.
    const test = existsSync(join(CORPUS, name, "known_bug")) ? it.fails : it;
    test(name, () => check(name));
  }
});
