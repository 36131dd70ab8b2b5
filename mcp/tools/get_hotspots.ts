import * as z from "zod";
import { listRuns } from "../../ccp/run-records.js";
import { runHotspots } from "../ops.js";
import { Hotspot } from "../schemas.js";
import { defineTool, READ_ONLY, SECOND, ToolError } from "../tool.js";

export const getHotspotsTool = defineTool({
  name: "get_hotspots",
  title: "Get hotspots",
  description: "Hotspots of a recorded run (default: the latest run). Read-only; nothing is rebuilt or rerun.",
  input: {
    run_id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,80}$/, "a run id as analyze or run returned it")
      .optional(),
    min_share: z.number().min(0).max(1).optional().describe("Report events with at least this share (default 0.02)."),
    limit: z.number().int().min(1).max(50).optional().describe("At most this many hotspots (default 10)."),
  },
  output: { run_id: z.string(), hotspots: z.array(Hotspot) },
  annotations: READ_ONLY,
  timeoutMs: 30 * SECOND,
  async run(args, { services }) {
    const runId = args.run_id ?? listRuns(services.root)[0];
    if (!runId) throw new ToolError("no runs recorded yet: call analyze first");
    const hotspots = await runHotspots(services, runId, {
      limit: args.limit ?? 10,
      ...(args.min_share !== undefined ? { minShare: args.min_share } : {}),
    });
    return {
      result: { run_id: runId, hotspots },
      text: hotspots.length
        ? hotspots
            .map((h) => `#${h.rank} ${h.event_name}: ${(h.share * 100).toFixed(1)}%, ${h.call_count} calls`)
            .join("\n")
        : `run ${runId}: no hotspots above the threshold`,
    };
  },
});
