// Hotspots of a recorded run (CCP `hotspots`, the end of `analyze`, MCP `get_hotspots`).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { detectHotspots, type HotspotDetected, type ProgramInfo } from "../hotspots.js";
import { programNs, readRunStats, runDir } from "../run-records.js";
import { type OperationContext, OperationError } from "./types.js";

export interface HotspotsInput {
  runId: string;
  minShare?: number;
  limit?: number;
}

export function hotspots(input: HotspotsInput, ctx: OperationContext): HotspotDetected[] {
  let dir: string;
  try {
    dir = runDir(ctx.root, input.runId);
  } catch {
    throw new OperationError("invalid_field", `invalid run id '${input.runId}'`, "run_id");
  }
  const stats = readRunStats(ctx.root, input.runId);
  if (!stats)
    throw new OperationError("not_found", `no run '${input.runId}' in ${join(ctx.root, ".koru", "runs")}`, "run_id");
  let program: ProgramInfo = { events: [] };
  try {
    program = JSON.parse(readFileSync(join(dir, "program.json"), "utf8")) as ProgramInfo;
  } catch {
    // A run recorded without program.json: analyse by numbers alone.
  }
  return detectHotspots(
    {
      edges: stats.edges,
      program,
      wallNs: programNs(stats),
      ...(stats.mode ? { mode: stats.mode } : {}),
      ...(stats.samples !== undefined ? { samples: stats.samples } : {}),
    },
    {
      runId: input.runId,
      ...(input.minShare !== undefined ? { minShare: input.minShare } : {}),
      ...(input.limit !== undefined ? { limit: input.limit } : {}),
    },
  );
}
