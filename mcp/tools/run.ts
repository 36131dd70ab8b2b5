import * as z from "zod";
import { compile, runInstrumented } from "../../ccp/index.js";
import { runProcess } from "../../compiler/index.js";
import { diagnostics, opContext, operation, renderDiagnostics } from "../ops.js";
import {
  bounded,
  Capture,
  CaptureResult,
  Diagnostic,
  Entry,
  Flags,
  MAX_TEXT,
  Optimize,
  Pgo,
  ProgramArgs,
  TimeoutMs,
} from "../schemas.js";
import { BUILDS, defineTool, MINUTE, ToolError } from "../tool.js";

export const runTool = defineTool({
  name: "run",
  title: "Run",
  description:
    "Build and run the program. Instrumented (the default) records the run under .koru/runs/<run_id>/ (event " +
    "transitions, statistics) for get_hotspots and the koru://runs resources; `instrumented: false` runs the plain " +
    "build. Returns the exit code and the program's output (cut to 8,000 characters each). Compile errors are a " +
    "successful result with `ok` false. Sends progress; cancellation kills the program. For runs that may take " +
    "longer than a minute use start_job.",
  input: {
    entry: Entry,
    args: ProgramArgs,
    stdin: z.string().max(MAX_TEXT).optional().describe("Text written to the program's stdin."),
    optimize: Optimize.optional().describe("Default ReleaseSafe."),
    flags: Flags,
    instrumented: z.boolean().optional().describe("Record the run (default true)."),
    timeout_ms: TimeoutMs.describe("Kill the program after this long (default 120000)."),
    capture: Capture,
    pgo: Pgo,
  },
  output: {
    ok: z.boolean().describe("The program was built and exited with code 0."),
    entry: z.string(),
    run_id: z.string().optional().describe("The recorded run (instrumented runs)."),
    exit_code: z.number().int().nullable(),
    signal: z.string().optional(),
    timed_out: z.boolean(),
    wall_ms: z.number().optional(),
    stdout: z.string(),
    stderr: z.string(),
    truncated: z.boolean(),
    diagnostics: z.array(Diagnostic),
    capture: CaptureResult.optional(),
  },
  annotations: BUILDS,
  timeoutMs: 30 * MINUTE,
  async run(args, ctx) {
    const { services } = ctx;
    const entry = services.entry(args.entry);
    const rel = services.rel(entry);
    const optimize = args.optimize ?? "ReleaseSafe";
    const timeoutMs = args.timeout_ms ?? 120_000;
    const octx = opContext(services, ctx);
    let out = "";
    let err = "";
    let run:
      | { runId?: string; exitCode: number | null; signal?: string | null; timedOut: boolean; wallMs: number }
      | undefined;
    let diags: ReturnType<typeof diagnostics>;
    let capture: { event: string; file: string; records: number } | undefined;
    if (args.instrumented === false && args.capture) throw new ToolError("capture needs an instrumented run");
    if (args.instrumented === false) {
      const built = await operation(
        services,
        ctx,
        async () => {
          const c = await compile(
            {
              entry,
              build: true,
              optimize,
              ...(args.flags ? { flags: args.flags } : {}),
              ...(args.pgo !== undefined ? { pgo: args.pgo } : {}),
            },
            octx,
          );
          if (!c.ok || !c.exePath) return { c };
          ctx.progress(50, 100, "running");
          const p = await runProcess(c.exePath, args.args ?? [], {
            ...(args.stdin !== undefined ? { input: args.stdin } : {}),
            timeoutMs,
            signal: ctx.signal,
            maxBuffer: 4 * 1024 * 1024,
          });
          return { c, p };
        },
        true,
      );
      diags = diagnostics(services, built.c.diagnostics);
      if (built.p) {
        if (built.p.spawnError) throw new ToolError(`cannot run the program: ${built.p.spawnError}`);
        if (built.p.cancelled) throw new ToolError("cancelled");
        out = built.p.stdout;
        err = built.p.stderr;
        run = {
          exitCode: built.p.exitCode,
          signal: built.p.signal,
          timedOut: built.p.timedOut,
          wallMs: built.p.durationMs,
        };
      }
    } else {
      const r = await operation(
        services,
        ctx,
        () =>
          runInstrumented(
            {
              entry,
              args: args.args ?? [],
              optimize,
              timeoutMs,
              ...(args.stdin !== undefined ? { stdin: args.stdin } : {}),
              ...(args.flags ? { flags: args.flags } : {}),
              ...(args.capture ? { capture: args.capture } : {}),
              ...(args.pgo !== undefined ? { pgo: args.pgo } : {}),
            },
            {
              ...octx,
              onRecord: (m) => {
                if (m.type !== "program_output") return;
                if (m.stream === "stdout") out += String(m.text);
                else err += String(m.text);
              },
            },
          ),
        true,
      );
      diags = diagnostics(services, r.compiled.diagnostics);
      if (r.run) run = r.run;
      if (r.capture) capture = { ...r.capture, file: services.rel(r.capture.file) };
      services.notifier.resourceListChanged();
      services.notifier.resourceUpdated("koru://runs");
    }
    const o = bounded(out);
    const e = bounded(err);
    const result = {
      ok: !!run && run.exitCode === 0,
      entry: rel,
      ...(run?.runId ? { run_id: run.runId } : {}),
      exit_code: run?.exitCode ?? null,
      ...(run?.signal ? { signal: run.signal } : {}),
      timed_out: run?.timedOut ?? false,
      ...(run ? { wall_ms: run.wallMs } : {}),
      stdout: o.text,
      stderr: e.text,
      truncated: o.truncated || e.truncated,
      diagnostics: diags,
      ...(capture ? { capture } : {}),
    };
    const text = run
      ? `${rel} exited with ${run.exitCode ?? run.signal}${run.timedOut ? " (timed out)" : ""} in ${run.wallMs.toFixed(1)} ms` +
        (run.runId ? `; run ${run.runId}` : "") +
        (capture ? `; ${capture.records} inputs of ${capture.event} captured in ${capture.file}` : "") +
        (o.text ? `\nstdout:\n${o.text}` : "") +
        (e.text ? `\nstderr:\n${e.text}` : "")
      : `compile failed:\n${renderDiagnostics(diags)}`;
    return { result, text };
  },
});
