// Helpers for the process tests: find every process a test left behind by its marker (the
// test's workspace path, in the process's executable path or command line).
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export interface Proc {
  pid: number;
  exe: string;
  cmdline: string;
}

export function processesMarked(marker: string): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let exe = "";
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      exe = readlinkSync(`/proc/${pid}/exe`);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
    if (exe.includes(marker) || cmdline.includes(marker)) out.push({ pid, exe, cmdline });
  }
  return out;
}

/** Poll until no process carries `marker` (or the time is up); return what is left. */
export async function settle(marker: string, ms = 5_000): Promise<Proc[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = processesMarked(marker);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Kill what a failed test left behind, so one failure does not leak into the next. */
export function reap(marker: string): void {
  for (const p of processesMarked(marker)) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}
