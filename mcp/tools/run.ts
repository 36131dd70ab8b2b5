import * as z from "zod";
import { ccpCommand, diagnosticsOf, failIfError, type Msg, renderDiagnostics } from "../ops.js";
import { bounded, Diagnostic, Entry, Flags, MAX_TEXT, Optimize, ProgramArgs, TimeoutMs } from "../schemas.js";
import { BUILDS, defineTool, MINUTE } from "../tool.js";

export const runTool = defineTool({
  name: "run",
  title: "Run",
  description:
    "Build and run the program, recording a run under .koru/runs/<run_id>/ (event transitions, statistics). " +
    "Returns the exit code and the program's output (cut to 8,000 characters each). Compile errors are a " +
    "successful result with `ok` false. Sends progress; cancellation kills the program. For runs that may take " +
    "longer than a minute use start_job.",
  input: {
    entry: Entry,
    args: ProgramArgs,
    stdin: z.string().max(MAX_TEXT).optional().describe("Text written to the program's stdin."),
    optimize: Optimize.optional().describe("Default ReleaseSafe."),
    flags: Flags,
    timeout_ms: TimeoutMs.describe("Kill the program after this long (default 120000)."),
  },
  output: {
    ok: z.boolean().describe("The program was built and exited with code 0."),
    entry: z.string(),
    run_id: z.string().optional(),
    exit_code: z.number().int().nullable(),
    signal: z.string().optional(),
    timed_out: z.boolean(),
    wall_ms: z.number().optional(),
    stdout: z.string(),
    stderr: z.string(),
    truncated: z.boolean(),
    diagnostics: z.array(Diagnostic),
  },
  annotations: BUILDS,
  timeoutMs: 30 * MINUTE,
  async run(args, { services, signal, progress }) {
    const entry = services.entry(args.entry);
    const msgs = await ccpCommand(
      services,
      {
        cmd: "run",
        entry,
        args: args.args ?? [],
        ...(args.stdin !== undefined ? { stdin: args.stdin } : {}),
        ...(args.optimize ? { optimize: args.optimize } : {}),
        ...(args.flags ? { flags: args.flags } : {}),
        timeout_ms: args.timeout_ms ?? 120_000,
        record: "stats",
      },
      { signal, progress },
    );
    failIfError(msgs);
    services.notifier.resourceListChanged();
    services.notifier.resourceUpdated("koru://runs");
    return runResult(services.rel(entry), msgs, diagnosticsOf(services, msgs));
  },
});

export function programOutput(msgs: Msg[], stream: "stdout" | "stderr"): string {
  return msgs
    .filter((m) => m.type === "program_output" && m.stream === stream)
    .map((m) => String(m.text))
    .join("");
}

function runResult(entry: string, msgs: Msg[], diagnostics: z.infer<typeof Diagnostic>[]) {
  const done = msgs.find((m) => m.type === "run_done");
  const out = bounded(programOutput(msgs, "stdout"));
  const err = bounded(programOutput(msgs, "stderr"));
  const exit = done ? (done.exit_code as number | null) : null;
  const result = {
    ok: !!done && exit === 0,
    entry,
    ...(done ? { run_id: String(done.run_id), wall_ms: Number(done.wall_ms) } : {}),
    exit_code: exit,
    ...(done?.signal ? { signal: String(done.signal) } : {}),
    timed_out: done?.timed_out === true,
    stdout: out.text,
    stderr: err.text,
    truncated: out.truncated || err.truncated,
    diagnostics,
  };
  const text = done
    ? `${entry} exited with ${exit ?? done.signal}${result.timed_out ? " (timed out)" : ""} in ${result.wall_ms} ms; run ${result.run_id}` +
      (out.text ? `\nstdout:\n${out.text}` : "") +
      (err.text ? `\nstderr:\n${err.text}` : "")
    : `compile failed:\n${renderDiagnostics(diagnostics)}`;
  return { result, text };
}
