// Recorder modes (issue 13) on real binaries: the default mode counts exactly and samples
// time; `timing` times every call; `transitions:N[:uniform]` keeps raw lines. On nbody the
// simulation's share is >= 95% in every mode, its sampled time is within 10% of the
// uninstrumented binary's CPU time, and sampled shares agree with timed ones.
import { cpSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runProcess } from "../compiler/toolchain/process.js";
import { type Msg, messages, TICKS } from "./ccp-fixtures.js";
import { KORUC, ROOT, workspace } from "./helpers.js";

type Hot = { data: { event_name: string; share: number; self_ms: number; mode: string; samples?: number } };

// Async (not spawnSync): a cold Zig build can take minutes, and a worker blocked that long
// fails vitest with "Timeout calling onTaskUpdate".
async function koruc(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await runProcess(process.execPath, [KORUC, ...args], {
    cwd,
    env: { ...process.env, ...env },
    timeoutMs: 300_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.exitCode !== 0) throw new Error(`koruc ${args.join(" ")}: ${r.exitCode}\n${r.stdout.slice(-800)}\n${r.stderr}`);
  return messages(r.stdout);
}

const hotspots = (msgs: Msg[]) => msgs.filter((m) => m.type === "hotspot_detected") as unknown as Hot[];
const shareOf = (msgs: Msg[], name: string) => hotspots(msgs).find((h) => h.data.event_name === name)?.data.share ?? 0;

/** Two single-threaded events, the first about three times the work of the second (about 0.3 s of CPU). */
const TWO = `const std = @import("std");

~event big { n: u32 }
| next u32
| done

~proc big {
    if (n == 0) return .{ .done = .{} };
    var x: u64 = n | 1;
    for (0..600) |_| { x ^= x << 13; x ^= x >> 7; x ^= x << 17; }
    std.mem.doNotOptimizeAway(x);
    return .{ .next = n - 1 };
}

~event small { n: u32 }

~proc small {
    var x: u64 = n | 1;
    for (0..200) |_| { x ^= x << 7; x ^= x >> 9; x ^= x << 8; }
    std.mem.doNotOptimizeAway(x);
}

~#l big(n: 200000)
| next m |> small(n: m) |> @l(n: m)
| done |> _
`;

describe("recorder modes", () => {
  it("default mode: exact counts with 4 threads, no raw lines, time stated as sampled", async () => {
    const dir = workspace({ "app.kz": `${TICKS}\n~parallel(threads: 4, n: 250000)\n` });
    const msgs = await koruc(["run", "--ccp", "app.kz", "-O", "Debug"], dir);
    const next = msgs.find((m) => m.type === "edge_stats" && m.branch === "next") as Record<string, unknown>;
    expect(next).toMatchObject({ count: 1_000_000, sampled: true });
    expect(next.min_ns).toBeUndefined();
    expect(msgs.filter((m) => m.type === "transition")).toHaveLength(0);
    const summary = msgs.find((m) => m.type === "recorder_summary") as Record<string, number | string>;
    expect(summary).toMatchObject({ mode: "counts", transitions_written: 0, threads: 5 });
    expect(summary.samples).toBeGreaterThan(0);
    expect(summary.sample_period_ns).toBeGreaterThan(0);
    const runId = (msgs[msgs.length - 1] as { run_id: string }).run_id;
    const stats = JSON.parse(readFileSync(join(dir, ".koru", "runs", runId, "stats.json"), "utf8"));
    expect(stats).toMatchObject({ mode: "counts", complete: true, records_rejected: 0 });
  }, 120_000);

  it("transitions:N:uniform keeps a uniform sample of N over the whole run, stated in the records", async () => {
    const dir = workspace({ "app.kz": `${TICKS}\n~parallel(threads: 2, n: 50000)\n` });
    const msgs = await koruc(["run", "--ccp=transitions:200:uniform", "app.kz", "-O", "Debug"], dir);
    const lines = msgs.filter((m) => m.type === "transition") as unknown as { timestamp_ns: number }[];
    expect(lines).toHaveLength(200);
    const summary = msgs.find((m) => m.type === "recorder_summary") as Record<string, number | string>;
    expect(summary).toMatchObject({ mode: "transitions", transition_sample: "uniform", transitions_written: 200 });
    expect(summary.transitions_dropped).toBe(100_003 - 200); // 2 x (50,000 + 1) ticks and `parallel`
    // The first 200 of 100,002 invocations would all sit at the very start of the run.
    const ts = lines.map((l) => l.timestamp_ns).sort((a, b) => a - b);
    expect(ts[ts.length - 1] - ts[0]).toBeGreaterThan(0.3 * Number(summary.wall_ns));
    const first = await koruc(["run", "--ccp=transitions:200", "app.kz", "-O", "Debug"], dir);
    expect(first.find((m) => m.type === "recorder_summary")).toMatchObject({
      transition_sample: "first",
      transitions_written: 200,
    });
  }, 120_000);

  it("sampled shares agree with --ccp=timing within 5 points", async () => {
    const dir = workspace({ "two.kz": TWO });
    // Median of 3 runs per mode, alternated: timed durations are wall-clock, and a preemption
    // on a loaded machine lands on whichever call is running. The default sampling rate: its
    // first 1,000 samples come at about 5% of a core (here ~400 µs apart, ~700-1,000 samples
    // in this 0.3 s run, about ±1.5 points), docs/run-records.md.
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[1];
    const counts: Msg[][] = [];
    const timing: Msg[][] = [];
    for (let i = 0; i < 3; i++) {
      counts.push(await koruc(["--ccp", "two.kz", "-O", "ReleaseSafe"], dir));
      timing.push(await koruc(["--ccp=timing", "two.kz", "-O", "ReleaseSafe"], dir));
    }
    const summary = counts[0].find((m) => m.type === "recorder_summary") as Record<string, number>;
    expect(summary.samples).toBeGreaterThan(300);
    const timed = timing[0].find((m) => m.type === "recorder_summary") as Record<string, number>;
    expect(timed.clock_read_ns).toBeGreaterThan(0);
    expect(hotspots(counts[0])[0].data.mode).toBe("counts");
    expect(hotspots(timing[0])[0].data.mode).toBe("timing");
    for (const name of ["two:big", "two:small"]) {
      const c = median(counts.map((m) => shareOf(m, name)));
      const t = median(timing.map((m) => shareOf(m, name)));
      expect(c, name).toBeGreaterThan(0.1);
      expect(Math.abs(c - t), `${name}: counts ${c}, timing ${t}`).toBeLessThanOrEqual(0.05);
    }
    // `small(...) |> @l(...)`: the loop's next turn is chained to `small`, so no time between
    // them falls outside both events (the timed shares summed to 0.99 before).
    const timedSum = median(timing.map((m) => hotspots(m).reduce((sum, h) => sum + h.data.share, 0)));
    expect(timedSum).toBeGreaterThan(0.995);
  }, 400_000);

  it("nbody: the simulation is >= 95% in every mode, and its sampled time is within 10% of the plain binary's", async () => {
    // A stable folder: repeated runs reuse the Zig build cache.
    const dir = join(tmpdir(), "koru-ccp-modes-nbody");
    mkdirSync(dir, { recursive: true });
    cpSync(join(ROOT, "examples", "nbody", "nbody.kz"), join(dir, "nbody.kz"));
    const run = (mode: string) => koruc([`--ccp=${mode}`, "nbody.kz", "-O", "ReleaseFast", "--", "200000"], dir);
    const shares: Record<string, number> = {};
    for (const mode of ["counts", "timing", "transitions"]) {
      // Timed modes measure wall-clock time per call: on a loaded machine one preemption
      // inflates whichever call it hits (and only lowers this share); a 10 ms run on a loaded
      // machine can keep the sampler off the CPU (few or no samples). So the best of 3.
      for (let i = 0; i < 3 && !(shares[mode] >= 0.95); i++) {
        shares[mode] = Math.max(shares[mode] ?? 0, shareOf(await run(mode), "nbody:advance"));
      }
      expect(shares[mode], mode).toBeGreaterThanOrEqual(0.95);
    }
    expect(Math.abs(shares.counts - shares.timing)).toBeLessThanOrEqual(0.05);
    // Sampled time of the simulation against the plain binary's CPU time (bash's `times`:
    // getrusage of its children), alternated 5 times, the least of each: on a shared machine
    // contention only adds time, to either side.
    const built = await runProcess(process.execPath, [KORUC, "build", "nbody.kz", "-O", "ReleaseFast", "-o", "plain"], {
      cwd: dir,
    });
    expect(built.exitCode).toBe(0);
    let sampled = Number.POSITIVE_INFINITY;
    let plainMs = Number.POSITIVE_INFINITY;
    const raw: string[] = [];
    for (let i = 0; i < 5; i++) {
      // 3,000,000 steps (about 0.11 s) so bash's millisecond resolution is about 1%: at 40 ms
      // it was 2.5%, and a true gap of ~6% once read as 10.2% (39.7 ms against 36).
      const long = await koruc(["--ccp=counts", "nbody.kz", "-O", "ReleaseFast", "--", "3000000"], dir);
      const hot = hotspots(long).find((h) => h.data.event_name === "nbody:advance");
      sampled = Math.min(sampled, hot?.data.self_ms ?? Number.POSITIVE_INFINITY);
      const timed = await runProcess("bash", ["-c", "./plain 3000000 >/dev/null; times"], { cwd: dir });
      const children = timed.stdout.trim().split("\n")[1] ?? "";
      raw.push(children);
      const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
        (sum, m) => sum + Number(m[1]) * 60 + Number(m[2]),
        0,
      );
      if (cpu > 0) plainMs = Math.min(plainMs, cpu * 1000);
    }
    // Issue 13's target: within 10%. (It was 56 ms against 37 ms while the recorder's state sat
    // behind a heap pointer; docs/run-records.md, "Cost", says why that mattered.)
    expect(
      Math.abs(sampled - plainMs) / plainMs,
      `sampled ${sampled} ms, plain ${plainMs} ms (${raw.join("; ")})`,
    ).toBeLessThanOrEqual(0.1);
  }, 600_000);
});
