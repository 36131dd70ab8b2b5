// Shared helpers for end-to-end tests: run the real koruc CLI from dist/.
// Asynchronous on purpose: a synchronous spawn blocks the vitest worker's event loop, and a cold
// Zig build under load can block it past vitest's 60 s RPC limit ("Timeout calling onTaskUpdate").
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runProcess } from "../compiler/toolchain/process.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const KORUC = join(ROOT, "dist", "cli", "koruc.js");

export interface KorucResult {
  /** The exit code, or null when killed by a signal (or never started). */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export async function koruc(
  args: string[],
  opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<KorucResult> {
  const r = await runProcess(process.execPath, [KORUC, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? "",
    env: opts.env,
    maxBuffer: 256 * 1024 * 1024,
    timeoutMs: opts.timeoutMs,
  });
  if (r.spawnError !== undefined) throw new Error(`koruc could not start: ${r.spawnError}`);
  return { status: r.exitCode, signal: r.signal, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut };
}

/** koruc with its output as raw bytes, for tests of what reaches the user byte for byte. */
export async function korucBytes(
  args: string[],
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<{
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
}> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const r = await runProcess(process.execPath, [KORUC, ...args], {
    cwd: opts.cwd ?? ROOT,
    timeoutMs: opts.timeoutMs,
    onSpawn: (child) => {
      child.stdout?.on("data", (b: Buffer) => out.push(b));
      child.stderr?.on("data", (b: Buffer) => err.push(b));
    },
  });
  if (r.spawnError !== undefined) throw new Error(`koruc could not start: ${r.spawnError}`);
  const stdout = Buffer.concat(out);
  const stderr = Buffer.concat(err);
  return { status: r.exitCode, signal: r.signal, stdout, stderr, timedOut: r.timedOut };
}

/** A fresh workspace folder with the given files. */
export function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "koru-e2e-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
