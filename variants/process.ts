// Child processes of the variant harness go through the compiler's runProcess (an argument
// array, a time limit, cancellation, the whole process group killed; failures are values).
import { runProcess } from "../compiler/index.js";

export interface ChildResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  spawnError?: string;
}

export async function runChild(
  file: string,
  args: string[],
  opts: { cwd?: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<ChildResult> {
  const r = await runProcess(file, args, {
    stdin: "ignore",
    maxBuffer: 256 * 1024 * 1024,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return {
    exitCode: r.exitCode,
    stdout: r.stdout,
    stderr: r.stderr,
    timedOut: r.timedOut,
    cancelled: r.cancelled,
    durationMs: r.durationMs,
    ...(r.spawnError ? { spawnError: r.spawnError } : {}),
  };
}
