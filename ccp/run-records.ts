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
  wall_ns: number;
  /** Part of wall_ns spent writing records; hotspot shares leave it out. */
  recorder_ns?: number;
  edges: EdgeStats[];
  transitions_written: number;
  transitions_dropped: number;
  cap: number;
  threads: number;
}

/** The program's own run time: wall time less what the recorder spent writing. */
export function programNs(stats: RunStats): number {
  return Math.max(1, stats.wall_ns - (stats.recorder_ns ?? 0));
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
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
