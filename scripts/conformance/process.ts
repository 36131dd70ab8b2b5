// Child processes with a time limit (over the project's one process helper); program output
// captured as one merged stream when asked.
import { closeSync, openSync, readFileSync } from "node:fs";
import { runProcess } from "../../compiler/toolchain/process.js";

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Set when the process could not be started. */
  spawnError?: string;
}

/** Run with stdout and stderr captured separately. */
export async function runCaptured(
  cmd: string,
  args: string[],
  opts: { cwd: string; timeoutMs: number },
): Promise<ProcessResult> {
  const r = await runProcess(cmd, args, { cwd: opts.cwd, stdin: "ignore", timeoutMs: opts.timeoutMs });
  return {
    code: r.exitCode,
    signal: r.signal,
    timedOut: r.timedOut,
    stdout: r.stdout,
    stderr: r.stderr,
    ...(r.spawnError !== undefined ? { spawnError: r.spawnError } : {}),
  };
}

/**
 * Run with stdout and stderr both written to `outputFile` through one file description,
 * so the two streams interleave in the order the program wrote them (like `>f 2>&1`).
 * The merged text is returned as `stdout`.
 */
export async function runMerged(
  cmd: string,
  args: string[],
  opts: { cwd: string; timeoutMs: number; outputFile: string },
): Promise<ProcessResult> {
  const fd = openSync(opts.outputFile, "w");
  let r: Awaited<ReturnType<typeof runProcess>>;
  try {
    r = await runProcess(cmd, args, {
      cwd: opts.cwd,
      stdin: "ignore",
      stdout: fd,
      stderr: fd,
      timeoutMs: opts.timeoutMs,
    });
  } finally {
    closeSync(fd);
  }
  return {
    code: r.exitCode,
    signal: r.signal,
    timedOut: r.timedOut,
    stdout: readFileSync(opts.outputFile, "utf8"),
    stderr: "",
    ...(r.spawnError !== undefined ? { spawnError: r.spawnError } : {}),
  };
}
