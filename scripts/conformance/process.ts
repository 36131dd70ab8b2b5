// Child processes with a time limit; program output captured as one merged stream.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

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
export function runCaptured(cmd: string, args: string[], opts: { cwd: string; timeoutMs: number }): Promise<ProcessResult> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let settled = false;
    const finish = (r: ProcessResult): void => {
      if (settled) return;
      settled = true;
      done(r);
    };
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      finish({ code: null, signal: null, timedOut, stdout: "", stderr: "", spawnError: e.message });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      finish({ code, signal, timedOut, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}

/**
 * Run with stdout and stderr both written to `outputFile` through one file description,
 * so the two streams interleave in the order the program wrote them (like `>f 2>&1`).
 * The merged text is returned as `stdout`.
 */
export function runMerged(cmd: string, args: string[], opts: { cwd: string; timeoutMs: number; outputFile: string }): Promise<ProcessResult> {
  return new Promise((done) => {
    const fd = openSync(opts.outputFile, "w");
    let settled = false;
    const finish = (r: Omit<ProcessResult, "stdout" | "stderr">): void => {
      if (settled) return;
      settled = true;
      closeSync(fd);
      done({ ...r, stdout: readFileSync(opts.outputFile, "utf8"), stderr: "" });
    };
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ["ignore", fd, fd] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      finish({ code: null, signal: null, timedOut, spawnError: e.message });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      finish({ code, signal, timedOut });
    });
  });
}
