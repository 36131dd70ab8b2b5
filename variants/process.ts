// Child processes of the variant harness: an argument array (never a shell), a time limit,
// cancellation, the whole process group killed. Failures are values.
import { execa } from "execa";

export interface ChildResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  spawnError?: string;
}

export async function runChild(file: string, args: string[], opts: { cwd?: string; timeoutMs?: number; signal?: AbortSignal }): Promise<ChildResult> {
  const t0 = performance.now();
  try {
    const r = await execa(file, args, {
      cwd: opts.cwd,
      reject: false,
      stdin: "ignore",
      detached: true,
      cleanup: true,
      maxBuffer: 256 * 1024 * 1024,
      ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
      ...(opts.signal ? { cancelSignal: opts.signal } : {}),
      killSignal: "SIGKILL",
    });
    const spawnError = r.failed && r.exitCode === undefined && !r.timedOut && !r.isCanceled && !r.signal ? r.shortMessage : undefined;
    return {
      exitCode: r.exitCode ?? null,
      stdout: String(r.stdout ?? ""),
      stderr: String(r.stderr ?? ""),
      timedOut: !!r.timedOut,
      cancelled: !!r.isCanceled,
      durationMs: performance.now() - t0,
      ...(spawnError ? { spawnError } : {}),
    };
  } catch (e) {
    return { exitCode: null, stdout: "", stderr: "", timedOut: false, cancelled: false, durationMs: performance.now() - t0, spawnError: String(e) };
  }
}
