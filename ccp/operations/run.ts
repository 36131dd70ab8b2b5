// Run a program: instrumented with a run record (CCP `run`/`analyze`, `koruc run --ccp`,
// `koruc --ccp app.kz`), or plainly with the caller's stdio (`koruc run`).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  CAPTURE_FILE_ENV,
  COMPILER_ID,
  captureInsertion,
  capturePath,
  findZig,
  type Optimize,
  runProcess,
} from "../../compiler/index.js";
import type { CcpSpec } from "../../compiler/instrument.js";
import type { HotspotDetected } from "../hotspots.js";
import type { FlowGate } from "../lifecycle.js";
import { programInfo } from "../program-events.js";
import { writeJsonAtomic } from "../run-records.js";
import { type RunResult, runInstrumented as runRecorded } from "../runner.js";
import { type CompileOutput, compile } from "./compile.js";
import { hotspots } from "./hotspots.js";
import { type OperationContext, OperationError } from "./types.js";

export interface RunInput {
  entry: string;
  args?: readonly string[];
  stdin?: string;
  timeoutMs?: number;
  flags?: readonly string[];
  /** Default ReleaseSafe. */
  optimize?: Optimize;
  profile?: boolean;
  /** Relay every raw `transition` record (they are always kept in the run folder). */
  streamTransitions?: boolean;
  /** Maximum raw transitions the recorder writes. */
  transitionCap?: number;
  /** What the recorder measures (default: counts; transitions when streaming them). */
  ccp?: CcpSpec;
  /** Echoed on every streamed record (the CCP command id). */
  id?: string | number;
  /**
   * Record a sample of one event's inputs (reservoir of `max` records, default 1,000, at most
   * `maxBytes`, default 4 MiB) into `.koru/captures/<event>.bin`, where `koruc variants test`
   * and `bench` replay them.
   */
  capture?: { event: string; max?: number; maxBytes?: number };
  /** A run id of this workspace: lay out switches by its edge counts (the `pgo` pass). */
  pgo?: string;
}

export interface RunContext extends OperationContext {
  /** Every record of the run as a CCP message, in order (program_output, edge_stats, run_done, ...). */
  onRecord?: (message: Record<string, unknown>) => void;
  /** `transition` records as ready JSON lines (faster than onRecord for millions of them). */
  onRecordLine?: (line: string) => void;
  /** Called once the program is compiled and built, before it starts. */
  onCompiled?: (compiled: CompileOutput) => void;
  /** Output flow control: the program's pipes are not read while the consumer is blocked. */
  flow?: FlowGate;
}

export interface RunOutput {
  compiled: CompileOutput;
  /** Absent when the program did not compile. */
  run?: RunResult;
  /** With `capture`: the event's canonical name, the file and the records it holds after the run. */
  capture?: { event: string; file: string; records: number };
}

/** Compile instrumented, build, run and record under `.koru/runs/<run_id>/`. */
export async function runInstrumented(input: RunInput, ctx: RunContext): Promise<RunOutput> {
  const optimize = input.optimize ?? "ReleaseSafe";
  const ccpMode = input.ccp?.mode ?? (input.streamTransitions ? "transitions" : "counts");
  let captured: string | undefined;
  const capture = input.capture
    ? [
        captureInsertion({
          ...input.capture,
          onEvent: (c) => {
            captured = c;
          },
        }),
      ]
    : [];
  const compiled = await compile(
    {
      entry: input.entry,
      ccp: true,
      ccpMode,
      profile: input.profile ?? false,
      optimize,
      ...(input.flags ? { flags: input.flags } : {}),
      ...(capture.length ? { insert: capture } : {}),
      ...(input.pgo !== undefined ? { pgo: input.pgo } : {}),
    },
    { ...ctx, onProgress: (p) => ctx.onProgress?.({ ...p, fraction: p.fraction * 0.5 }) },
  );
  if (!compiled.ok || !compiled.exePath || !compiled.program) return { compiled };
  const captureFile = captured !== undefined ? capturePath(ctx.root, captured) : undefined;
  if (captureFile) mkdirSync(dirname(captureFile), { recursive: true });
  ctx.onCompiled?.(compiled);
  ctx.onProgress?.({ stage: "run", message: "running", fraction: 0.5 });
  const zig = findZig();
  const run = await runRecorded({
    exe: compiled.exePath,
    args: [...(input.args ?? [])],
    ...(input.stdin !== undefined ? { stdin: input.stdin } : {}),
    ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
    workspace: ctx.root,
    emit: ctx.onRecord ?? (() => {}),
    ...(ctx.onRecordLine ? { emitLine: ctx.onRecordLine } : {}),
    streamTransitions: input.streamTransitions ?? false,
    profile: input.profile ?? false,
    ...(captureFile ? { env: { [CAPTURE_FILE_ENV]: captureFile } } : {}),
    ...(input.transitionCap !== undefined ? { transitionCap: input.transitionCap } : {}),
    ...(input.ccp?.maxTransitions !== undefined ? { transitionCap: input.ccp.maxTransitions } : {}),
    ...(input.ccp?.sample ? { transitionSample: input.ccp.sample } : {}),
    knownEdges: compiled.sites ?? [],
    ...(input.id !== undefined ? { id: input.id } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.flow ? { flow: ctx.flow } : {}),
    meta: {
      program: input.entry,
      args: [...(input.args ?? [])],
      flags: [...(ctx.flags ?? []), ...(input.flags ?? [])],
      optimize,
      compile_ms: compiled.durationMs,
      compiler_version: COMPILER_ID,
      zig_version: "version" in zig ? zig.version : "unknown",
    },
  });
  // Hotspot analysis of this run later needs the program's shape, not just its numbers.
  writeJsonAtomic(join(run.dir, "program.json"), programInfo(compiled.program));
  if (run.spawnError !== undefined) {
    throw new OperationError("spawn_failed", `cannot run ${compiled.exePath}: ${run.spawnError}`);
  }
  if (captured !== undefined && captureFile) {
    return { compiled, run, capture: { event: captured, file: captureFile, records: countRecords(captureFile) } };
  }
  return { compiled, run };
}

/** Records in a capture file ([u32 length][bytes] each); 0 when the program wrote none. */
function countRecords(file: string): number {
  if (!existsSync(file)) return 0;
  const data = readFileSync(file);
  let n = 0;
  for (let pos = 0; pos + 4 <= data.length && pos + 4 + data.readUInt32LE(pos) <= data.length; n++) {
    pos += 4 + data.readUInt32LE(pos);
  }
  return n;
}

export interface AnalyzeInput extends RunInput {
  minShare?: number;
  limit?: number;
}

export interface AnalyzeOutput extends RunOutput {
  hotspots?: HotspotDetected[];
}

/** Run instrumented, then report the run's hotspots. */
export async function analyze(input: AnalyzeInput, ctx: RunContext): Promise<AnalyzeOutput> {
  const r = await runInstrumented(input, ctx);
  // A cancelled run has no workload worth analysing: it ends with its run_done.
  if (!r.run || r.run.cancelled) return r;
  ctx.onProgress?.({ stage: "analyze", message: "finding hotspots", fraction: 0.9 });
  const found = hotspots(
    {
      runId: r.run.runId,
      ...(input.minShare !== undefined ? { minShare: input.minShare } : {}),
      ...(input.limit !== undefined ? { limit: input.limit } : {}),
    },
    ctx,
  );
  return { ...r, hotspots: found };
}

export interface RunPlainInput {
  entry: string;
  args?: readonly string[];
  flags?: readonly string[];
  optimize?: Optimize;
  /** Extra environment for the program (e.g. KORU_PROFILE_FILE). */
  env?: NodeJS.ProcessEnv;
  profile?: boolean;
  timeoutMs?: number;
  /** A run id of this workspace: lay out switches by its edge counts (the `pgo` pass). */
  pgo?: string;
}

export interface RunPlainOutput {
  compiled: CompileOutput;
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
  timedOut?: boolean;
}

/** Build, then run with this process's stdin, stdout and stderr (`koruc run`). */
export async function runPlain(input: RunPlainInput, ctx: OperationContext): Promise<RunPlainOutput> {
  const compiled = await compile(
    {
      entry: input.entry,
      optimize: input.optimize ?? "Debug",
      profile: input.profile ?? false,
      ...(input.flags ? { flags: input.flags } : {}),
      ...(input.pgo !== undefined ? { pgo: input.pgo } : {}),
    },
    ctx,
  );
  if (!compiled.ok || !compiled.exePath) return { compiled };
  const r = await runProcess(compiled.exePath, input.args ?? [], {
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
    ...(input.env ? { env: input.env } : {}),
    ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (r.spawnError !== undefined)
    throw new OperationError("spawn_failed", `cannot run ${compiled.exePath}: ${r.spawnError}`);
  return { compiled, exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut };
}
