// Start + poll for work that may outlast a client's request time limit (60 s in most
// clients): `start_job` runs a tool in the background under a job id, `get_job` reads it.
import { nanoid } from "nanoid";

export type JobStatus = "running" | "done" | "failed" | "cancelled";

export interface Job {
  id: string;
  tool: string;
  status: JobStatus;
  startedAt: string;
  finishedAt?: string;
  progress?: { progress: number; total?: number; message?: string };
  result?: unknown;
  text?: string;
  error?: string;
  controller: AbortController;
}

const KEEP_FINISHED = 100;

export class Jobs {
  private readonly jobs = new Map<string, Job>();

  start(tool: string, run: (job: Job) => Promise<{ result: unknown; text: string }>, onEnd?: (job: Job) => void): Job {
    const job: Job = {
      id: nanoid(12),
      tool,
      status: "running",
      startedAt: new Date().toISOString(),
      controller: new AbortController(),
    };
    this.jobs.set(job.id, job);
    run(job)
      .then(
        (out) => {
          if (job.status === "running") Object.assign(job, { status: "done", result: out.result, text: out.text });
        },
        (e: unknown) => {
          if (job.status !== "running") return;
          job.status = job.controller.signal.aborted ? "cancelled" : "failed";
          job.error = e instanceof Error ? e.message : String(e);
        },
      )
      .finally(() => {
        job.finishedAt = new Date().toISOString();
        this.prune();
        onEnd?.(job);
      });
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  list(): Job[] {
    return [...this.jobs.values()];
  }

  cancel(id: string): Job | undefined {
    const job = this.jobs.get(id);
    if (job?.status === "running") job.controller.abort(new Error("cancelled by get_job/cancel_job"));
    return job;
  }

  cancelAll(): void {
    for (const job of this.jobs.values())
      if (job.status === "running") job.controller.abort(new Error("server shutting down"));
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.status !== "running");
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(j.id);
  }
}
