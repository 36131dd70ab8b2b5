// Run records: every instrumented run gets an id and a folder `.koru/runs/<id>/` with
// meta.json, transitions.jsonl, stats.json and trace.json (when profiled). Hotspot
// analysis and the MCP resources read these; docs/run-records.md describes them.
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { EdgeStats } from "./records.js";

export interface RunMeta {
  run_id: string;
  program: string;
  args: string[];
  flags: string[];
  optimize: string;
  exit_code: number | null;
  signal?: string;
  timed_out?: boolean;
  /** The run was cancelled (CCP `cancel`, an aborted operation). */
  cancelled?: boolean;
  /** The program could not be started. */
  spawn_error?: string;
  started_at: string;
  wall_ms: number;
  compile_ms?: number;
  build_ms?: number;
  compiler_version: string;
  zig_version: string;
}

export interface RunStats {
  run_id: string;
  /** The recorder's summary arrived (false after a kill: counts are what was received). */
  complete?: boolean;
  /** Recorder mode: counts (sampled time), timing or transitions. */
  mode?: "counts" | "timing" | "transitions";
  wall_ns: number;
  /** The program's own time (CPU time of its threads, recorder excluded): hotspot shares' denominator. */
  program_ns?: number;
  /** CPU time the recorder spent; hotspot shares leave it out. */
  recorder_ns?: number;
  samples?: number;
  sample_period_ns?: number;
  /** Timed modes: the clock read cost taken off every timed invocation (calibration). */
  clock_read_ns?: number;
  edges: EdgeStats[];
  /** Lines in transitions.jsonl. */
  transitions_written: number;
  transitions_dropped: number;
  transition_sample?: "first" | "uniform";
  cap: number;
  threads: number;
  /** Lines on the record fd that were not valid recorder records. */
  records_rejected?: number;
}

/** The program's own time: the recorder's `program_ns`, else (older runs) wall time less the recorder's. */
export function programNs(stats: RunStats): number {
  if (stats.program_ns !== undefined && stats.program_ns > 0) return stats.program_ns;
  return Math.max(1, stats.wall_ns - (stats.recorder_ns ?? 0));
}

export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

export function runsDir(workspace: string): string {
  return join(workspace, ".koru", "runs");
}

export function runDir(workspace: string, runId: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(runId)) throw new Error(`invalid run id '${runId}'`);
  return join(runsDir(workspace), runId);
}

/** Write a JSON file atomically: a reader never sees half a file. */
export { writeJsonAtomic } from "../compiler/toolchain/atomic.js";

export function ensureRunDir(workspace: string, runId: string): string {
  const dir = runDir(workspace, runId);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function readRunStats(workspace: string, runId: string): RunStats | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir(workspace, runId), "stats.json"), "utf8")) as RunStats;
  } catch {
    return undefined;
  }
}

export function readRunMeta(workspace: string, runId: string): RunMeta | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir(workspace, runId), "meta.json"), "utf8")) as RunMeta;
  } catch {
    return undefined;
  }
}

/** Run ids, newest first (ids start with a UTC timestamp). */
export function listRuns(workspace: string): string[] {
  try {
    return readdirSync(runsDir(workspace)).sort().reverse();
  } catch {
    return [];
  }
}
