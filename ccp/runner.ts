// Run an instrumented binary: the recorder writes JSONL on fd 3 (never stdout), the
// program's own stdout/stderr are relayed as `program_output`, and everything lands in a
// run record folder. Every line handed to `emit` is a CCP message.
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { Site } from "../compiler/instrument.js";
import { type ProcessResult, runProcess } from "../compiler/toolchain/process.js";
import type { FlowGate } from "./lifecycle.js";
import { OutputDecoder, type OutputPiece } from "./program-output.js";
import { RecordReader } from "./record-reader.js";
import { ensureRunDir, newRunId, type RunMeta, type RunStats, writeJsonAtomic } from "./run-records.js";

export interface RunOptions {
  exe: string;
  args?: string[];
  stdin?: string;
  timeoutMs?: number;
  workspace: string;
  /** Receives every message of the run, in order. */
  emit: (message: Record<string, unknown>) => void;
  /** Receives `transition` lines as JSON text (faster than `emit` for millions of lines). */
  emitLine?: (line: string) => void;
  /** Relay `transition` lines to `emit` (they are always kept in transitions.jsonl). */
  streamTransitions?: boolean;
  /** Fields of meta.json known to the caller. */
  meta: Omit<RunMeta, "run_id" | "exit_code" | "signal" | "timed_out" | "started_at" | "wall_ms">;
  /** Maximum raw transitions the recorder writes (KORU_CCP_MAX_TRANSITIONS). */
  transitionCap?: number;
  /** Raw transitions kept: the first `transitionCap` (default) or a uniform sample (KORU_CCP_SAMPLE). */
  transitionSample?: "first" | "uniform";
  /** The sites the program was instrumented with: records naming other edges are refused. */
  knownEdges?: readonly Site[];
  profile?: boolean;
  /** More environment for the program (e.g. KORU_CAPTURE_FILE for `capture`). */
  env?: Record<string, string>;
  id?: string | number;
  /** Aborting kills the program (its whole process group); the run is then `cancelled`. */
  signal?: AbortSignal;
  /** Backpressure: while the client is not reading, the program's pipes are not read. */
  flow?: FlowGate;
}

export interface RunResult {
  runId: string;
  dir: string;
  exitCode: number | null;
  signal?: string;
  timedOut: boolean;
  cancelled: boolean;
  /** Set when the program could not be started (not executable, noexec mount, ...). */
  spawnError?: string;
  wallMs: number;
  stats: RunStats;
}

export async function runInstrumented(opts: RunOptions): Promise<RunResult> {
  const runId = newRunId();
  const dir = ensureRunDir(opts.workspace, runId);
  const withId = (m: Record<string, unknown>) => (opts.id !== undefined ? { ...m, id: opts.id } : m);
  const transitions = createWriteStream(join(dir, "transitions.jsonl"));
  const key = randomBytes(16).toString("hex");
  const started = new Date();
  const t0 = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, KORU_CCP_FD: "3", KORU_CCP_KEY: key };
  if (opts.transitionCap !== undefined) env.KORU_CCP_MAX_TRANSITIONS = String(opts.transitionCap);
  if (opts.transitionSample) env.KORU_CCP_SAMPLE = opts.transitionSample;
  if (opts.profile) env.KORU_PROFILE_FILE = join(dir, "trace.json");
  const relay = (stream: Readable | null, name: "stdout" | "stderr") => {
    if (!stream) return;
    const decoder = new OutputDecoder();
    const send = (p: OutputPiece | undefined) =>
      p && opts.emit(withId({ type: "program_output", run_id: runId, stream: name, ...p }));
    stream.on("data", (chunk: Buffer) => {
      send(decoder.push(chunk));
      hold(stream);
    });
    stream.on("end", () => send(decoder.end()));
  };
  // A paused pipe fills up and the program blocks on its next write, until the client reads.
  const hold = (stream: Readable) => {
    if (!opts.flow?.blocked() || stream.isPaused()) return;
    stream.pause();
    opts.flow.whenDrained(() => stream.resume());
  };
  // Transition lines are relayed as text with the run id (and command id) spliced in.
  const tail = `,"run_id":${JSON.stringify(runId)}${opts.id !== undefined ? `,"id":${JSON.stringify(opts.id)}` : ""}}`;
  let recordsDone: Promise<void> = Promise.resolve();
  const readRecords = (input: Readable) => {
    const records = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    recordsDone = new Promise<void>((resolve) => records.on("close", resolve));
    records.on("line", (line) => {
      onRecord(line);
      hold(input);
    });
  };
  const reader = new RecordReader({
    key,
    ...(opts.knownEdges ? { sites: opts.knownEdges } : {}),
    onTransition: (line) => {
      transitions.write(`${line}\n`);
      if (opts.streamTransitions === false) return;
      if (opts.emitLine) opts.emitLine(`${line.slice(0, -1)}${tail}`);
      else opts.emit(withId({ ...(JSON.parse(line) as Record<string, unknown>), run_id: runId }));
    },
    onRecord: (rec) => opts.emit(withId({ ...rec, run_id: runId })),
  });
  const onRecord = (line: string) => reader.line(line);

  const proc: ProcessResult = await runProcess(opts.exe, opts.args ?? [], {
    env,
    input: opts.stdin ?? "",
    extraPipes: 1,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onSpawn: (child) => {
      relay(child.stdout, "stdout");
      relay(child.stderr, "stderr");
      if (child.extra[0]) readRecords(child.extra[0]);
    },
  });
  const { exitCode: code, signal, timedOut, cancelled, spawnError } = proc;
  await recordsDone;
  await new Promise<void>((resolve) => transitions.end(resolve));
  const wallMs = Math.round((performance.now() - t0) * 1000) / 1000;

  const stats = runStats(runId, reader, wallMs, opts.transitionCap);
  writeJsonAtomic(join(dir, "stats.json"), stats);
  const meta: RunMeta = {
    ...opts.meta,
    run_id: runId,
    exit_code: code,
    ...(signal ? { signal } : {}),
    ...(timedOut ? { timed_out: true } : {}),
    ...(cancelled ? { cancelled: true } : {}),
    ...(spawnError !== undefined ? { spawn_error: spawnError } : {}),
    started_at: started.toISOString(),
    wall_ms: wallMs,
  };
  writeJsonAtomic(join(dir, "meta.json"), meta);
  // A program that never started has no run to report: the caller answers with an error.
  if (spawnError === undefined) {
    opts.emit(
      withId({
        type: "run_done",
        run_id: runId,
        exit_code: code,
        ...(signal ? { signal } : {}),
        ...(timedOut ? { timed_out: true } : {}),
        wall_ms: wallMs,
        ...(reader.rejected > 0 ? { records_rejected: reader.rejected } : {}),
      }),
    );
  }
  return {
    runId,
    dir,
    exitCode: code,
    ...(signal ? { signal } : {}),
    timedOut,
    cancelled,
    ...(spawnError !== undefined ? { spawnError } : {}),
    wallMs,
    stats,
  };
}

/**
 * stats.json from what was actually received: after a SIGKILL there is no summary, and
 * `transitions_written` must still count the lines transitions.jsonl holds.
 */
export function runStats(runId: string, reader: RecordReader, wallMs: number, cap?: number): RunStats {
  const s = reader.summary;
  return {
    run_id: runId,
    complete: s !== undefined,
    ...(s?.mode ? { mode: s.mode } : {}),
    wall_ns: s?.wall_ns ?? Math.round(wallMs * 1e6),
    ...(s?.program_ns !== undefined ? { program_ns: s.program_ns } : {}),
    recorder_ns: s?.recorder_ns ?? 0,
    ...(s?.samples !== undefined && s.mode === "counts"
      ? { samples: s.samples, sample_period_ns: s.sample_period_ns ?? 0 }
      : {}),
    ...(s?.clock_read_ns !== undefined && s.mode !== "counts" ? { clock_read_ns: s.clock_read_ns } : {}),
    edges: reader.edges,
    transitions_written: reader.transitions,
    transitions_dropped: s ? Math.max(0, s.transitions_written + s.transitions_dropped - reader.transitions) : 0,
    ...(s?.transition_sample ? { transition_sample: s.transition_sample } : {}),
    cap: s?.cap ?? cap ?? 1_000_000,
    threads: s?.threads ?? 1,
    records_rejected: reader.rejected,
  };
}
