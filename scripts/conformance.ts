#!/usr/bin/env node
// Conformance against upstream's regression suite: runs the MUST_RUN + expected.txt and the
// EXPECT=FRONTEND_COMPILE_ERROR + expected.txt tests of an upstream checkout through our
// koruc and compares output the way upstream's runner does. Not part of CI.
//
// Usage: node dist/scripts/conformance.js <upstream checkout> [--filter <substring>]
//          [--jobs N] [--verbose] [-O <mode>]
//
// The checkout is only read: its tests/regression tree is copied into a temp folder, and
// every build (koruc's .koru/ workspace folder, executables, program output) happens there.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { findTests, RUN_KINDS, type TestCase, type TestKind } from "./conformance/classify.js";
import { firstDifference } from "./conformance/compare.js";
import { type ProcessResult, runCaptured, runMerged } from "./conformance/process.js";

const RUN_TIMEOUT_MS = 30_000;
const BUILD_TIMEOUT_MS = 300_000;
const OPTIMIZE_MODES = ["Debug", "ReleaseSafe", "ReleaseFast", "ReleaseSmall"];

interface Options {
  checkout: string;
  filter?: string;
  jobs: number;
  verbose: boolean;
  optimize: string;
}

interface Result {
  test: TestCase;
  pass: boolean;
  /** One line: why it failed. */
  reason?: string;
  /** A few lines: the first difference, or the compiler's first error lines. */
  detail?: string;
  /** Everything, for --verbose. */
  full?: string;
  ms: number;
}

const USAGE = `usage: conformance <upstream checkout> [--filter <substring>] [--jobs N] [--verbose] [-O <mode>]
  Runs upstream's MUST_RUN + expected.txt and EXPECT=FRONTEND_COMPILE_ERROR + expected.txt
  tests through dist/cli/koruc.js and prints PASS/FAIL per test and totals.
  -O <mode>  optimize mode for test builds: ReleaseSmall (default: what upstream builds
             tests with, no runtime safety checks), Debug, ReleaseFast, ReleaseSafe`;

function parseOptions(argv: string[]): Options | string {
  const o: Partial<Options> = { jobs: 2, verbose: false, optimize: "ReleaseSmall" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string | undefined => argv[++i];
    if (a === "--filter") o.filter = value();
    else if (a.startsWith("--filter=")) o.filter = a.slice("--filter=".length);
    else if (a === "--jobs" || a === "-j") o.jobs = Number(value());
    else if (a.startsWith("--jobs=")) o.jobs = Number(a.slice("--jobs=".length));
    else if (a === "--verbose" || a === "-v") o.verbose = true;
    else if (a === "-O" || a === "--optimize") o.optimize = value();
    else if (a === "-h" || a === "--help") return USAGE;
    else if (a.startsWith("-")) return `unknown option '${a}'\n${USAGE}`;
    else if (!o.checkout) o.checkout = a;
    else return `unexpected argument '${a}'\n${USAGE}`;
  }
  if (!o.checkout) return `missing the path of an upstream checkout\n${USAGE}`;
  if (o.filter === undefined && argv.includes("--filter")) return "--filter needs a value";
  if (!Number.isInteger(o.jobs) || (o.jobs ?? 0) < 1) return "--jobs needs a positive integer";
  if (!OPTIMIZE_MODES.includes(o.optimize ?? "")) return `-O must be one of ${OPTIMIZE_MODES.join(", ")}`;
  return o as Options;
}

class Runner {
  private readonly mirrorRoot: string;
  private readonly regression: string;
  private next = 0;

  constructor(
    private readonly opts: Options,
    private readonly koruc: string,
    private readonly tmp: string,
  ) {
    this.mirrorRoot = join(tmp, "checkout");
    this.regression = join(this.mirrorRoot, "tests", "regression");
    mkdirSync(join(tmp, "bin"), { recursive: true });
  }

  /** Copy `<checkout>/tests/regression` (sources and expectations only) into the temp folder. */
  mirror(source: string): void {
    const skip = /(^|[\\/])(_archive|\.zig-cache|zig-out|\.koru)([\\/]|$)/;
    cpSync(source, this.regression, { recursive: true, filter: (src) => !skip.test(src.slice(source.length)) });
  }

  async run(test: TestCase): Promise<Result> {
    const start = performance.now();
    const id = this.next++;
    const partial =
      test.kind === "frontend-error" ? await this.frontendError(test, id) : await this.runExpected(test, id);
    this.prune(test);
    return { test, ms: performance.now() - start, ...partial };
  }

  private koru(args: string[]): Promise<ProcessResult> {
    return runCaptured(process.execPath, [this.koruc, ...args], { cwd: this.mirrorRoot, timeoutMs: BUILD_TIMEOUT_MS });
  }

  private input(test: TestCase): string {
    return `tests/regression/${test.name}/input.kz`;
  }

  private expected(test: TestCase): string {
    return readFileSync(join(test.dir, "expected.txt"), "utf8");
  }

  private async frontendError(test: TestCase, id: number): Promise<Omit<Result, "test" | "ms">> {
    let r = await this.koru(["check", this.input(test), ...test.flags]);
    if (r.code === 0) {
      // Our checks found nothing; an error may still come from later stages.
      const exe = join(this.tmp, "bin", `t${id}`);
      r = await this.koru(["build", this.input(test), "-o", exe, "-O", this.opts.optimize, ...test.flags]);
      rmSync(exe, { force: true });
      if (r.code === 0) return { pass: false, reason: "expected a front-end error, but it compiled", full: r.stderr };
    }
    if (r.timedOut) return { pass: false, reason: "koruc timed out" };
    if (r.code !== 1)
      return {
        pass: false,
        reason: `koruc exited with ${r.code ?? r.signal}`,
        detail: head(r.stderr, 4),
        full: r.stderr,
      };
    const diff = firstDifference(this.expected(test), r.stderr);
    if (!diff) return { pass: true };
    return { pass: false, reason: "error output differs", detail: diff, full: r.stderr };
  }

  private async runExpected(test: TestCase, id: number): Promise<Omit<Result, "test" | "ms">> {
    const exe = join(this.tmp, "bin", `t${id}`);
    const outputFile = join(this.tmp, "bin", `t${id}.out`);
    try {
      const b = await this.koru(["build", this.input(test), "-o", exe, "-O", this.opts.optimize, ...test.flags]);
      if (b.timedOut) return { pass: false, reason: "koruc build timed out" };
      if (b.code !== 0 || !existsSync(exe)) {
        const why = b.code === 1 ? "build failed" : `koruc exited with ${b.code ?? b.signal}`;
        return { pass: false, reason: why, detail: head(errorLines(b.stderr), 3), full: b.stderr };
      }
      const p = await runMerged(exe, [], { cwd: this.mirrorRoot, timeoutMs: RUN_TIMEOUT_MS, outputFile });
      if (p.spawnError) return { pass: false, reason: `cannot run the program: ${p.spawnError}` };
      if (p.timedOut)
        return { pass: false, reason: `program timed out after ${RUN_TIMEOUT_MS / 1000} s`, detail: tail(p.stdout, 3) };
      const diff = firstDifference(this.expected(test), p.stdout);
      if (!diff) return { pass: true };
      const exit = p.signal ? `killed by ${p.signal}` : `exit ${p.code}`;
      return { pass: false, reason: `output differs (${exit})`, detail: diff, full: p.stdout };
    } finally {
      rmSync(exe, { force: true });
      rmSync(outputFile, { force: true });
    }
  }

  /**
   * koruc caches builds under <workspace>/.koru/build/<hash>/. A test with its own koru.json
   * has its own workspace: drop it. The shared one (tests/regression) keeps its zig-cache;
   * build folders older than two minutes are no longer needed by any running test.
   */
  private prune(test: TestCase): void {
    const workspace = workspaceOf(join(this.regression, ...test.name.split("/")), this.regression);
    if (workspace !== this.regression) {
      rmSync(join(workspace, ".koru"), { recursive: true, force: true });
      return;
    }
    const builds = join(workspace, ".koru", "build");
    if (!existsSync(builds)) return;
    const now = Date.now();
    for (const name of readdirSync(builds)) {
      const p = join(builds, name);
      try {
        if (!name.includes(".tmp-") && now - statSync(p).mtimeMs > 120_000) rmSync(p, { recursive: true, force: true });
      } catch {
        // Removed concurrently.
      }
    }
  }
}

function workspaceOf(dir: string, stop: string): string {
  for (let d = dir; d.startsWith(stop); d = dirname(d)) {
    if (existsSync(join(d, "koru.json"))) return d;
    if (d === stop) break;
  }
  return stop;
}

function head(text: string, n: number): string {
  return text.split("\n").filter(Boolean).slice(0, n).join("\n");
}

function tail(text: string, n: number): string {
  return text.split("\n").filter(Boolean).slice(-n).join("\n");
}

/** Lines that say what went wrong, without the caret drawings. */
function errorLines(stderr: string): string {
  const errors = stderr.split("\n").filter((l) => /error/i.test(l) || l.startsWith("  --> "));
  return errors.length > 0 ? errors.join("\n") : stderr;
}

function indent(text: string, by = "      "): string {
  return text
    .split("\n")
    .map((l) => by + l)
    .join("\n");
}

function printResult(r: Result, verbose: boolean): void {
  const time = verbose ? ` (${(r.ms / 1000).toFixed(1)} s)` : "";
  if (r.pass) {
    console.log(`PASS ${r.test.name}${time}`);
    return;
  }
  console.log(`FAIL ${r.test.name}${time}: ${r.reason}`);
  if (r.detail) console.log(indent(r.detail));
  if (verbose && r.full) console.log(indent(`--- full output ---\n${r.full.trimEnd()}`));
}

/** Run `work` over `items` with at most `jobs` at once; `report` sees results in input order. */
async function pool<T, R>(
  items: T[],
  jobs: number,
  work: (item: T) => Promise<R>,
  report: (r: R) => void,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const done: boolean[] = new Array(items.length).fill(false);
  let nextItem = 0;
  let nextReport = 0;
  const worker = async (): Promise<void> => {
    while (nextItem < items.length) {
      const i = nextItem++;
      results[i] = await work(items[i]);
      done[i] = true;
      while (nextReport < items.length && done[nextReport]) report(results[nextReport++]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

function percent(pass: number, total: number): string {
  return total === 0 ? "  -  " : `${((100 * pass) / total).toFixed(1)}%`;
}

function summarize(results: Result[], notRun: TestCase[]): void {
  const line = (label: string, rs: Result[]): string => {
    const pass = rs.filter((r) => r.pass).length;
    return `  ${label.padEnd(28)} ${`${pass}/${rs.length}`.padStart(9)}  ${percent(pass, rs.length).padStart(6)}`;
  };
  console.log("\nTotals by category (tests run: MUST_RUN + expected.txt, FRONTEND_COMPILE_ERROR + expected.txt)");
  const categories = [...new Set(results.map((r) => r.test.category))].sort();
  for (const c of categories)
    console.log(
      line(
        c,
        results.filter((r) => r.test.category === c),
      ),
    );
  console.log(line("all", results));
  console.log("\nBy kind");
  for (const k of RUN_KINDS)
    console.log(
      line(
        k,
        results.filter((r) => r.test.kind === k),
      ),
    );
  const core = results.filter((r) => r.test.core);
  console.log("\nCore tests (import nothing but $std/io and $std/control)");
  console.log(`${line("core", core)}   (aim: >= 90%)`);
  const coreFails = core.filter((r) => !r.pass);
  if (coreFails.length > 0) {
    console.log("  failing core tests:");
    for (const r of coreFails) console.log(`    ${r.test.name}: ${r.reason}`);
  }
  if (notRun.length > 0) {
    const byKind = new Map<TestKind, number>();
    for (const t of notRun) byKind.set(t.kind, (byKind.get(t.kind) ?? 0) + 1);
    const parts = [...byKind.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
    console.log(`\nNot run (${notRun.length}): ${parts.join(", ")}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  if (typeof opts === "string") {
    console.error(opts);
    return opts === USAGE ? 0 : 2;
  }
  const regression = resolve(opts.checkout, "tests", "regression");
  if (!existsSync(regression)) {
    console.error(`conformance: ${regression} does not exist (give the root of an upstream koru checkout)`);
    return 2;
  }
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const koruc = join(repo, "dist", "cli", "koruc.js");
  if (!existsSync(koruc)) {
    console.error(`conformance: ${koruc} is missing; run 'npm run build' first`);
    return 2;
  }

  const selected = findTests(regression).filter((t) => !opts.filter || t.name.includes(opts.filter));
  const toRun = selected.filter((t) => RUN_KINDS.includes(t.kind));
  const notRun = selected.filter((t) => !RUN_KINDS.includes(t.kind));
  if (opts.verbose) for (const t of notRun) console.log(`---- ${t.name}: ${t.kind}`);

  const tmp = mkdtempSync(join(tmpdir(), "koru-conformance-"));
  const cleanup = (): void => rmSync(tmp, { recursive: true, force: true });
  const onSignal = (): void => {
    cleanup();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const runner = new Runner(opts, koruc, tmp);
    runner.mirror(regression);
    console.log(
      `Running ${toRun.length} of ${selected.length} tests (${opts.jobs} jobs, -O ${opts.optimize}) from ${regression}${sep}`,
    );
    const start = performance.now();
    const results = await pool(
      toRun,
      opts.jobs,
      (t) => runner.run(t),
      (r) => printResult(r, opts.verbose),
    );
    summarize(results, notRun);
    console.log(`\n${((performance.now() - start) / 1000).toFixed(0)} s`);
    return 0;
  } finally {
    cleanup();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`conformance: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  },
);
