import * as z from "zod";
import { ccpCommand, diagnosticsOf, failIfError, renderDiagnostics } from "../ops.js";
import { Diagnostic, Entry, Flags, Hotspot, Optimize, ProgramArgs, TimeoutMs } from "../schemas.js";
import { BUILDS, defineTool, MINUTE } from "../tool.js";
import { programOutput } from "./run.js";

export const analyzeTool = defineTool({
  name: "analyze",
  title: "Analyze",
  description:
    "Build the program instrumented, run a workload and report its hotspots (events by share of the run's time, " +
    "with optimization candidates). The run is kept under .koru/runs/<run_id>/ for get_hotspots and the " +
    "koru://runs resources. Sends progress; cancellable; use start_job for workloads longer than a minute.",
  input: {
    entry: Entry,
    args: ProgramArgs,
    optimize: Optimize.optional().describe("Default ReleaseSafe; use ReleaseFast to measure what users get."),
    flags: Flags,
    timeout_ms: TimeoutMs.describe("Kill the program after this long (default 300000)."),
    min_share: z.number().min(0).max(1).optional().describe("Report events with at least this share (default 0.02)."),
    limit: z.number().int().min(1).max(50).optional().describe("At most this many hotspots (default 10)."),
  },
  output: {
    ok: z.boolean(),
    entry: z.string(),
    run_id: z.string().optional(),
    exit_code: z.number().int().nullable(),
    wall_ms: z.number().optional(),
    hotspots: z.array(Hotspot),
    diagnostics: z.array(Diagnostic),
  },
  annotations: BUILDS,
  timeoutMs: 30 * MINUTE,
  async run(args, { services, signal, progress }) {
    const entry = services.entry(args.entry);
    const msgs = await ccpCommand(
      services,
      {
        cmd: "analyze",
        entry,
        args: args.args ?? [],
        ...(args.optimize ? { optimize: args.optimize } : {}),
        ...(args.flags ? { flags: args.flags } : {}),
        timeout_ms: args.timeout_ms ?? 300_000,
        limit: args.limit ?? 10,
        ...(args.min_share !== undefined ? { min_share: args.min_share } : {}),
      },
      { signal, progress },
    );
    failIfError(msgs);
    const diagnostics = diagnosticsOf(services, msgs);
    const done = msgs.find((m) => m.type === "analyze_done");
    const hotspots = msgs.filter((m) => m.type === "hotspot_detected").map((m) => m.data as z.infer<typeof Hotspot>);
    services.notifier.resourceListChanged();
    services.notifier.resourceUpdated("koru://runs");
    const rel = services.rel(entry);
    if (!done) {
      return {
        result: { ok: false, entry: rel, exit_code: null, hotspots: [], diagnostics },
        text: `compile failed:\n${renderDiagnostics(diagnostics)}`,
      };
    }
    const runId = String(done.run_id);
    const exit = done.exit_code as number | null;
    const lines = hotspots.map(
      (h) =>
        `#${h.rank} ${h.event_name}: ${(h.share * 100).toFixed(1)}% of the run, ${h.call_count} calls, ${h.self_ms.toFixed(2)} ms self` +
        (h.optimization_candidates[0] ? `; best candidate ${h.optimization_candidates[0].strategy}` : ""),
    );
    const stderr = programOutput(msgs, "stderr");
    return {
      result: { ok: exit === 0, entry: rel, run_id: runId, exit_code: exit, wall_ms: Number(done.wall_ms), hotspots, diagnostics },
      text: [
        `run ${runId}: exit ${exit}, ${Number(done.wall_ms).toFixed(1)} ms`,
        hotspots.length ? lines.join("\n") : "no hotspots above the threshold",
        exit !== 0 && stderr ? `stderr: ${stderr.slice(0, 2000)}` : "",
      ]
        .filter(Boolean)
        .join("\n"),
      links: [
        { uri: `koru://runs/${runId}/hotspots`, name: `hotspots of run ${runId}`, mimeType: "application/json" },
        { uri: `koru://runs/${runId}/meta`, name: `run ${runId}`, mimeType: "application/json" },
      ],
    };
  },
});
