// Shared benchmark helpers: run commands interleaved, report medians.
import { spawnSync } from "node:child_process";

export function timeCommand(cmd: string, args: string[], opts: { cwd?: string } = {}): number {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd: opts.cwd, stdio: ["ignore", "ignore", "pipe"] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${String(r.stderr)}`);
  return performance.now() - t;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Run every contender `rounds` times, interleaved so machine noise hits them alike. */
export function interleaved(contenders: Record<string, () => number>, rounds: number): Record<string, number> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) for (const [name, run] of Object.entries(contenders)) samples[name].push(run());
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}
