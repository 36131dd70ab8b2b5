// `koruc run --ccp app.kz` and `koruc --ccp app.kz`: compile instrumented, build, run,
// and report everything as CCP JSONL on stdout (hotspots at the end for `--ccp app.kz`).
import { basename, join } from "node:path";
import type { Writable } from "node:stream";
import { buildExecutable, type Optimize } from "../compiler/build/zig-build.js";
import { compileFile } from "../compiler/compile.js";
import { findZig } from "../compiler/toolchain/zig.js";
import { workspaceOf } from "../compiler/workspace.js";
import { detectHotspots } from "./hotspots.js";
import { programInfo } from "./program-events.js";
import { programNs, writeJsonAtomic } from "./run-records.js";
import { runInstrumented } from "./runner.js";

export interface RunFileOptions {
  flags?: string[];
  optimize?: string;
  args?: string[];
  hotspots: boolean;
  profile?: boolean;
  out?: Writable;
}

export async function runFileWithCcp(file: string, opts: RunFileOptions): Promise<number> {
  const out = opts.out ?? process.stdout;
  const send = (m: Record<string, unknown>) => out.write(`${JSON.stringify(m)}\n`);
  const t0 = performance.now();
  const result = compileFile(file, { flags: opts.flags ?? [], ccp: true, profile: !!opts.profile, onPass: (e) => send({ ...e }) });
  for (const d of result.diagnostics) send({ type: "diagnostic", ...d, msg: d.message });
  if (!result.ok || !result.zig || !result.program) {
    send({ type: "compile_failed", entry: file, error_count: result.diagnostics.filter((d) => d.level === "error").length });
    return 1;
  }
  const compileMs = performance.now() - t0;
  const workspace = workspaceOf(file);
  const optimize = (opts.optimize ?? "ReleaseSafe") as Optimize;
  send({ type: "pass_start", pass: "zig_build", file });
  const tb = performance.now();
  const built = await buildExecutable({
    zig: result.zig,
    runtimeFiles: result.runtimeFiles ?? [],
    optimize,
    workspace,
    sourceMap: result.sourceMap ?? [],
    name: basename(file).replace(/\.kz$/, ""),
  });
  const buildMs = performance.now() - tb;
  send({ type: "pass_done", pass: "zig_build", file, duration_ms: round(buildMs) });
  if (!built.ok) {
    for (const d of built.diagnostics) send({ type: "diagnostic", ...d, msg: d.message });
    send({ type: "compile_failed", entry: file, error_count: built.diagnostics.length });
    return 1;
  }
  send({ type: "compiled", entry: file, output: built.exePath, cached: built.cached });
  const zig = findZig();
  const run = await runInstrumented({
    exe: built.exePath,
    args: opts.args ?? [],
    workspace,
    emit: send,
    emitLine: (line) => out.write(`${line}\n`),
    // The analysis mode reports statistics and hotspots; raw transitions stay in the run folder.
    streamTransitions: !opts.hotspots,
    profile: !!opts.profile,
    meta: {
      program: file,
      args: opts.args ?? [],
      flags: opts.flags ?? [],
      optimize,
      compile_ms: round(compileMs),
      build_ms: round(buildMs),
      compiler_version: "koruc (koru-ccp)",
      zig_version: "version" in zig ? zig.version : "unknown",
    },
  });
  const info = programInfo(result.program);
  writeJsonAtomic(join(run.dir, "program.json"), info);
  if (opts.hotspots) {
    const hot = detectHotspots(
      { edges: run.stats.edges, program: info, wallNs: programNs(run.stats) },
      { runId: run.runId },
    );
    for (const h of hot) send(h as unknown as Record<string, unknown>);
  }
  return run.exitCode ?? 1;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
