// The safety net behind "no orphans": every process this server started, found by walking
// the process tree under our pid (Linux /proc). Cancellation and shutdown kill them all;
// process groups are killed too, so grandchildren of a killed Zig build do not linger.
import { readdirSync, readFileSync } from "node:fs";
import { killAllProcessGroups } from "../compiler/index.js";

/** Pids of every live descendant of `root`, deepest last. */
export function descendants(root = process.pid): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const parent = new Map<number, number>();
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      // Field 4 (ppid) follows the parenthesised command name, which may itself hold spaces.
      const after = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(e), Number(after[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const [child, pp] of parent) {
      if (pp === p && !out.includes(child)) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

export function killDescendants(signal: NodeJS.Signals = "SIGKILL"): number {
  const pids = descendants();
  killAllProcessGroups(signal);
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
  return pids.length;
}
