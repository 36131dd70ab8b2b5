// Benchmark a variant against the baseline: one ReleaseFast harness, the same inputs for
// both (recorded ones when there are any), interleaved pairs (ABBA), warm-up discarded; the
// median of per-pair time ratios with a bootstrap 95% interval. Faster only when the whole
// interval lies below 0.98.
import { runChild } from "./process.js";

export interface BenchResult {
  pairs: { baselineNs: number; variantNs: number }[];
  inputs: number;
  reps: number;
  warmup: number;
  recorded: boolean;
  /** Median of variant/baseline time per pair: < 1 is faster. */
  medianRatio: number;
  ciLow: number;
  ciHigh: number;
  /** Baseline time / variant time at the median. */
  speedup: number;
  faster: boolean;
  /** Above 10x: flagged suspect, never accepted silently. */
  suspect: boolean;
}

export const FASTER_BELOW = 0.98;
export const SUSPECT_SPEEDUP = 10;

export async function runBench(opts: {
  exe: string;
  variantIndex: number;
  seed: bigint;
  pairs: number;
  corpusFile?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<{ ok: true; result: BenchResult } | { ok: false; message: string }> {
  const args = [
    "--mode",
    "bench",
    "--variant",
    String(opts.variantIndex),
    "--seed",
    opts.seed.toString(),
    "--pairs",
    String(Math.max(30, opts.pairs)),
  ];
  if (opts.corpusFile) args.push("--replay", opts.corpusFile);
  const child = await runChild(opts.exe, args, {
    timeoutMs: opts.timeoutMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (child.cancelled) return { ok: false, message: "cancelled" };
  if (child.timedOut) return { ok: false, message: `the benchmark ran past ${opts.timeoutMs} ms` };
  const pairs: BenchResult["pairs"] = [];
  let meta: Record<string, unknown> = {};
  for (const line of child.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const m = JSON.parse(line) as Record<string, unknown>;
    if (m.t === "bench_start") meta = m;
    if (m.t === "pair") pairs.push({ baselineNs: Number(m.baseline_ns), variantNs: Number(m.variant_ns) });
  }
  if (pairs.length < 30)
    return {
      ok: false,
      message: `the benchmark stopped after ${pairs.length} pairs: ${child.stderr.trim().split("\n").slice(0, 4).join(" ")}`,
    };
  const ratios = pairs.map((p) => p.variantNs / Math.max(1, p.baselineNs));
  const medianRatio = median(ratios);
  const [ciLow, ciHigh] = bootstrapMedianCI(ratios, 2000, 0.95);
  const speedup = 1 / medianRatio;
  return {
    ok: true,
    result: {
      pairs,
      inputs: Number(meta.inputs ?? 0),
      reps: Number(meta.reps ?? 0),
      warmup: Number(meta.warmup ?? 0),
      recorded: meta.recorded === true,
      medianRatio,
      ciLow,
      ciHigh,
      speedup,
      faster: ciHigh < FASTER_BELOW,
      suspect: speedup > SUSPECT_SPEEDUP,
    },
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Percentile bootstrap of the median; a fixed-seed generator keeps reports reproducible. */
export function bootstrapMedianCI(xs: number[], resamples: number, level: number): [number, number] {
  let state = 0x2545f491;
  const rand = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  const meds: number[] = [];
  const sample = new Array<number>(xs.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < xs.length; i++) sample[i] = xs[Math.floor(rand() * xs.length)];
    meds.push(median(sample));
  }
  meds.sort((a, b) => a - b);
  const lo = meds[Math.floor(((1 - level) / 2) * resamples)];
  const hi = meds[Math.min(resamples - 1, Math.ceil((1 - (1 - level) / 2) * resamples) - 1)];
  return [lo, hi];
}
