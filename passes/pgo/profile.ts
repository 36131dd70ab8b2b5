// The edge counts of one instrumented run, read from `.koru/runs/<id>/stats.json` (written by
// ccp/; docs/run-records.md). passes/ sits beside ccp/, so the file is read here by its format.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { koruDir } from "../../compiler/index.js";

/** Exact invocation counts by edge: `source`, `branch`, `destination` (null: none). */
export interface EdgeCounts {
  readonly runId: string;
  /** source -> branch -> destination ("" for none) -> count. */
  readonly bySource: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, number>>>;
}

export type ProfileResult = { ok: true; profile: EdgeCounts } | { ok: false; message: string };

interface RawEdge {
  source?: unknown;
  branch?: unknown;
  destination?: unknown;
  count?: unknown;
}

/** Run ids are folder names the recorder made: letters, digits, `-` and `_` only. */
const RUN_ID = /^[A-Za-z0-9_-]+$/;

export function readEdgeCounts(workspace: string, runId: string): ProfileResult {
  if (!RUN_ID.test(runId)) return { ok: false, message: `invalid run id '${runId}'` };
  const file = join(koruDir(workspace, "runs", runId), "stats.json");
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    return {
      ok: false,
      message: missing
        ? `run '${runId}' has no stats.json (run the program with --ccp first: koruc run --ccp app.kz)`
        : `run '${runId}': stats.json is not valid JSON`,
    };
  }
  const edges = (raw as { edges?: unknown } | null)?.edges;
  if (!Array.isArray(edges)) return { ok: false, message: `run '${runId}': stats.json has no edges list` };
  return { ok: true, profile: edgeCounts(runId, edges as RawEdge[]) };
}

/** Sum the counts per (source, branch, destination): a recorder may list one edge per site. */
export function edgeCounts(runId: string, edges: readonly RawEdge[]): EdgeCounts {
  const bySource = new Map<string, Map<string, Map<string, number>>>();
  for (const e of edges) {
    if (typeof e.source !== "string" || typeof e.branch !== "string") continue;
    if (typeof e.count !== "number" || !Number.isFinite(e.count) || e.count < 0) continue;
    const destination = typeof e.destination === "string" ? e.destination : "";
    let branches = bySource.get(e.source);
    if (!branches) bySource.set(e.source, (branches = new Map()));
    let dests = branches.get(e.branch);
    if (!dests) branches.set(e.branch, (dests = new Map()));
    dests.set(destination, (dests.get(destination) ?? 0) + e.count);
  }
  return { runId, bySource };
}
