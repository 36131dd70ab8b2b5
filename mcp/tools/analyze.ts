import * as z from "zod";
import { analyze } from "../../ccp/index.js";
import { diagnostics, opContext, operation, renderDiagnostics } from "../ops.js";
import {
  Capture,
  CaptureResult,
  Diagnostic,
  Entry,
  Flags,
  Hotspot,
  Optimize,
  Pgo,
  ProgramArgs,
  TimeoutMs,
} from "../schemas.js";
import { BUILDS, defineTool, MINUTE } from "../tool.js";

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
    capture: Capture,
    pgo: Pgo,
  },
  output: {
    ok: z.boolean(),
    entry: z.string(),
    run_id: z.string().optional(),
    exit_code: z.number().int().nullable(),
    wall_ms: z.number().optional(),
    hotspots: z.array(Hotspot),
    diagnostics: z.array(Diagnostic),
    capture: CaptureResult.optional(),
  },
  annotations: BUILDS,
  timeoutMs: 30 * MINUTE,
  async run(args, ctx) {
    const { services } = ctx;
    const entry = services.entry(args.entry);
    let stderr = "";
    const r = await operation(
      services,
      ctx,
      () =>
        analyze(
          {
            entry,
            args: args.args ?? [],
            optimize: args.optimize ?? "ReleaseSafe",
            timeoutMs: args.timeout_ms ?? 300_000,
            limit: args.limit ?? 10,
            ...(args.min_share !== undefined ? { minShare: args.min_share } : {}),
            ...(args.flags ? { flags: args.flags } : {}),
            ...(args.capture ? { capture: args.capture } : {}),
            ...(args.pgo !== undefined ? { pgo: args.pgo } : {}),
          },
          {
            ...opContext(services, ctx),
            onRecord: (m) => {
              if (m.type === "program_output" && m.stream === "stderr" && stderr.length < 4000)
                stderr += String(m.text);
            },
          },
        ),
      true,
    );
    const diags = diagnostics(services, r.compiled.diagnostics);
    const rel = services.rel(entry);
    if (!r.run) {
      return {
        result: { ok: false, entry: rel, exit_code: null, hotspots: [], diagnostics: diags },
        text: `compile failed:\n${renderDiagnostics(diags)}`,
      };
    }
    services.notifier.resourceListChanged();
    services.notifier.resourceUpdated("koru://runs");
    const hotspots = (r.hotspots ?? []).map((h) => h.data as z.infer<typeof Hotspot>);
    const { runId, exitCode, wallMs } = r.run;
    const lines = hotspots.map(
      (h) =>
        `#${h.rank} ${h.event_name}: ${(h.share * 100).toFixed(1)}% of the run, ${h.call_count} calls, ${h.self_ms.toFixed(2)} ms self` +
        (h.optimization_candidates[0] ? `; best candidate ${h.optimization_candidates[0].strategy}` : ""),
    );
    return {
      result: {
        ok: exitCode === 0,
        entry: rel,
        run_id: runId,
        exit_code: exitCode,
        wall_ms: wallMs,
        hotspots,
        diagnostics: diags,
        ...(r.capture ? { capture: { ...r.capture, file: services.rel(r.capture.file) } } : {}),
      },
      text: [
        `run ${runId}: exit ${exitCode}, ${wallMs.toFixed(1)} ms`,
        hotspots.length ? lines.join("\n") : "no hotspots above the threshold",
        exitCode !== 0 && stderr ? `stderr: ${stderr}` : "",
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
