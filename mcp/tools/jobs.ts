// Start + poll: any tool can run in the background under a job id, for work that may outlast
// a client's request time limit.
import * as z from "zod";
import { ADDITIVE, defineTool, READ_ONLY, SECOND, ToolError } from "../tool.js";

const JobView = {
  job_id: z.string(),
  tool: z.string(),
  status: z.enum(["running", "done", "failed", "cancelled"]),
  started_at: z.string(),
  finished_at: z.string().optional(),
  progress: z.object({ progress: z.number(), total: z.number().optional(), message: z.string().optional() }).optional(),
  result: z.unknown().optional().describe("The tool's structured result, once done."),
  error: z.string().optional(),
};

export const startJobTool = defineTool({
  name: "start_job",
  title: "Start a job",
  description:
    "Run any tool (e.g. analyze, run, test_variant, benchmark_variant, optimize) in the background and return a job " +
    "id at once; read it with get_job (or the koru://jobs/{id} resource), stop it with cancel_job.",
  input: {
    tool: z.string().regex(/^[a-z_]{1,64}$/),
    arguments: z.record(z.string(), z.unknown()).optional().describe("The tool's arguments."),
  },
  output: { job_id: z.string(), tool: z.string(), status: z.literal("running") },
  annotations: ADDITIVE,
  timeoutMs: 10 * SECOND,
  async run(args, { services }) {
    if (args.tool === "start_job") throw new ToolError("start_job cannot start itself");
    const job = services.startJob(args.tool, args.arguments ?? {});
    return {
      result: { job_id: job.id, tool: args.tool, status: "running" as const },
      text: `job ${job.id} started (${args.tool}): poll get_job`,
    };
  },
});

export const getJobTool = defineTool({
  name: "get_job",
  title: "Get a job",
  description:
    "State of a background job: running (with its last progress), done (with the tool's result), failed or cancelled.",
  input: {
    job_id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
    wait_ms: z.number().int().min(0).max(50_000).optional().describe("Wait up to this long for the job to finish."),
  },
  output: JobView,
  annotations: READ_ONLY,
  timeoutMs: 55 * SECOND,
  async run(args, { services, signal }) {
    let job = services.jobs.get(args.job_id);
    if (!job)
      throw new ToolError(`no job '${args.job_id}' (jobs are kept until the server exits, the last 100 finished ones)`);
    const until = Date.now() + (args.wait_ms ?? 0);
    while (job.status === "running" && Date.now() < until && !signal.aborted) {
      await new Promise((r) => setTimeout(r, 100));
      job = services.jobs.get(args.job_id)!;
    }
    return { result: jobView(job), text: jobText(job) };
  },
});

export const cancelJobTool = defineTool({
  name: "cancel_job",
  title: "Cancel a job",
  description: "Stop a background job and kill its processes.",
  input: { job_id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/) },
  output: JobView,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  timeoutMs: 10 * SECOND,
  async run(args, { services }) {
    const job = services.jobs.cancel(args.job_id);
    if (!job) throw new ToolError(`no job '${args.job_id}'`);
    for (let i = 0; i < 50 && job.status === "running"; i++) await new Promise((r) => setTimeout(r, 100));
    return { result: jobView(job), text: jobText(job) };
  },
});

export function jobView(job: import("../jobs.js").Job) {
  return {
    job_id: job.id,
    tool: job.tool,
    status: job.status,
    started_at: job.startedAt,
    ...(job.finishedAt ? { finished_at: job.finishedAt } : {}),
    ...(job.progress ? { progress: job.progress } : {}),
    ...(job.result !== undefined ? { result: job.result } : {}),
    ...(job.error ? { error: job.error } : {}),
  };
}

function jobText(job: import("../jobs.js").Job): string {
  if (job.status === "done") return `job ${job.id} (${job.tool}) done:\n${job.text ?? ""}`;
  if (job.status === "running")
    return `job ${job.id} (${job.tool}) running${job.progress?.message ? `: ${job.progress.message}` : ""}`;
  return `job ${job.id} (${job.tool}) ${job.status}: ${job.error ?? ""}`;
}
