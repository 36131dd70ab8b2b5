// Hotspot analysis from exact per-edge statistics (`edge_stats` records), not raw
// transitions: the cost is proportional to the number of edges (hundreds), whatever the
// number of invocations (millions). The rules are documented in docs/hotspots.md.
import type { OptimizationCandidate } from "./fields.js";
import type { MessageOf } from "./messages.js";
import type { EdgeStats } from "./records.js";

export type HotspotDetected = MessageOf<"hotspot_detected">;

/** What the analysis needs to know about the program's events. */
export interface ProgramInfo {
  events: ProgramEventInfo[];
}

export interface ProgramEventInfo {
  /** Module-qualified name, as in transitions: `input:count`. */
  name: string;
  kind: "proc" | "subflow" | "none";
  /** Lines of the proc body, or of the subflow. */
  bodyLines: number;
  /** The event anchors a `#label` loop. */
  labelLoop: boolean;
}

export interface HotspotInput {
  edges: Iterable<EdgeStats>;
  program: ProgramInfo;
  /** The program's own time (`recorder_summary.program_ns`): the denominator of shares. */
  wallNs: number;
  /** Recorder mode that produced the edges; stated on every hotspot. */
  mode?: "counts" | "timing" | "transitions";
  /** counts mode: samples the run's time rests on. */
  samples?: number;
}

/** Every threshold and assumption the analysis uses (see docs/hotspots.md). */
export const HOTSPOT_RULES = {
  /** Events with a smaller share of the run are not reported. */
  minShare: 0.02,
  variant: {
    /** A proc needs at least this share to be worth a variant. */
    minShare: 0.05,
    /** Assumed speedup of the proc's self time by a verified variant. */
    speedup: 2,
    /** Chance the strategy delivers its assumed speedup. */
    prior: 0.8,
  },
  inline: {
    maxBodyLines: 5,
    /** Mean self time per call at most this: the call is mostly dispatch overhead. */
    maxMeanSelfNs: 1000,
    /** Called at least this often: on a hot path. */
    minCalls: 1000,
    speedup: 1.5,
    prior: 0.9,
  },
  loopLower: {
    speedup: 4,
    prior: 0.9,
  },
  confidence: {
    /** Calls at which the sample-size factor reaches 1/2. */
    halfCalls: 25,
    /** Weight of log10(max / mean) in the spread penalty. */
    spreadWeight: 0.5,
  },
} as const;

export interface HotspotOptions {
  /** Report events with at least this share (default HOTSPOT_RULES.minShare). */
  minShare?: number;
  /** Report at most this many hotspots. */
  limit?: number;
  /** Set on every message. */
  runId?: string;
  id?: string | number;
}

/** Aggregated statistics of one event over every edge it is the source of. */
export interface EventStats {
  name: string;
  kind: ProgramEventInfo["kind"];
  bodyLines: number;
  labelLoop: boolean;
  calls: number;
  totalNs: number;
  selfNs: number;
  minNs: number;
  maxNs: number;
  /** selfNs / wall time, in [0, 1]. */
  share: number;
  /** Calls per branch name. */
  branches: Map<string, number>;
}

/** Per-event statistics, largest share first. */
export function eventStats(input: HotspotInput): EventStats[] {
  const info = new Map(input.program.events.map((e) => [e.name, e]));
  const byEvent = new Map<string, EventStats>();
  for (const edge of input.edges) {
    const count = finite(edge.count);
    if (count <= 0) continue;
    let s = byEvent.get(edge.source);
    if (!s) {
      const i = info.get(edge.source);
      s = {
        name: edge.source,
        kind: i?.kind ?? "none",
        bodyLines: i?.bodyLines ?? 0,
        labelLoop: i?.labelLoop ?? false,
        calls: 0,
        totalNs: 0,
        selfNs: 0,
        minNs: Number.POSITIVE_INFINITY,
        maxNs: 0,
        share: 0,
        branches: new Map(),
      };
      byEvent.set(edge.source, s);
    }
    s.calls += count;
    s.totalNs += finite(edge.total_ns);
    s.selfNs += finite(edge.self_ns);
    if (edge.min_ns !== undefined) s.minNs = Math.min(s.minNs, finite(edge.min_ns));
    if (edge.max_ns !== undefined) s.maxNs = Math.max(s.maxNs, finite(edge.max_ns));
    s.branches.set(edge.branch, (s.branches.get(edge.branch) ?? 0) + count);
  }
  const events = [...byEvent.values()];
  let wall = finite(input.wallNs);
  // Without a usable wall time, shares are relative to the time all events account for.
  if (wall <= 0) wall = events.reduce((sum, e) => sum + e.selfNs, 0);
  for (const e of events) {
    if (!Number.isFinite(e.minNs)) e.minNs = 0;
    e.share = wall > 0 ? Math.min(1, e.selfNs / wall) : 0;
  }
  return events.sort((a, b) => b.share - a.share || b.selfNs - a.selfNs || compare(a.name, b.name));
}

/** `hotspot_detected` messages for every event over the share threshold, largest share first. */
export function detectHotspots(input: HotspotInput, options: HotspotOptions = {}): HotspotDetected[] {
  const minShare = options.minShare ?? HOTSPOT_RULES.minShare;
  const out: HotspotDetected[] = [];
  const stats = eventStats(input);
  for (const [index, e] of stats.entries()) {
    if (e.share < minShare || e.share === 0) break;
    if (options.limit !== undefined && out.length >= options.limit) break;
    const branchProbabilities: Record<string, number> = {};
    for (const [branch, n] of [...e.branches].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))) {
      branchProbabilities[branch] = round(n / e.calls, 6);
    }
    out.push({
      type: "hotspot_detected",
      ...(options.id !== undefined ? { id: options.id } : {}),
      ...(options.runId !== undefined ? { run_id: options.runId } : {}),
      data: {
        event_name: e.name,
        kind: e.kind,
        rank: index + 1,
        call_count: e.calls,
        total_ms: ms(e.totalNs),
        self_ms: ms(e.selfNs),
        share: round(e.share, 6),
        mean_self_ns: round(e.selfNs / e.calls, 3),
        ...(input.mode === "counts" ? {} : { max_ns: e.maxNs }),
        ...(input.mode ? { mode: input.mode } : {}),
        ...(input.samples !== undefined ? { samples: input.samples } : {}),
        branch_probabilities: branchProbabilities,
        optimization_candidates: candidates(e),
      },
    });
  }
  return out;
}

/** The strategies that apply to an event, best expected gain first. */
export function candidates(e: EventStats): OptimizationCandidate[] {
  const rules = HOTSPOT_RULES;
  const base = confidence(e);
  const out: (OptimizationCandidate & { score: number; order: number })[] = [];
  const pct = `${(e.share * 100).toFixed(1)}%`;
  const meanSelf = e.selfNs / e.calls;

  const add = (
    strategy: OptimizationCandidate["strategy"],
    speedup: number,
    prior: number,
    reason: string,
    order: number,
  ) => {
    const gainMs = ms(e.selfNs * (1 - 1 / speedup));
    const conf = round(base * prior, 3);
    out.push({
      strategy,
      estimated_gain_ms: gainMs,
      confidence: conf,
      assumed_speedup: speedup,
      program_speedup: round(1 / (1 - e.share + e.share / speedup), 4),
      reason,
      score: gainMs * conf,
      order,
    });
  };

  if (e.kind === "proc" && e.share >= rules.variant.minShare) {
    add(
      "variant",
      rules.variant.speedup,
      rules.variant.prior,
      `proc with ${pct} of the run's time; a verified variant ${rules.variant.speedup}x faster saves ` +
        `${percent(1 - 1 / rules.variant.speedup)} of its self time`,
      0,
    );
  }
  if (e.labelLoop && e.kind !== "none") {
    add(
      "loop_lower",
      rules.loopLower.speedup,
      rules.loopLower.prior,
      `anchor of a #label loop with ${pct} of the run's time; lowering the loop to a native loop ` +
        `is assumed ${rules.loopLower.speedup}x faster`,
      1,
    );
  }
  if (
    e.kind !== "none" &&
    e.bodyLines > 0 &&
    e.bodyLines <= rules.inline.maxBodyLines &&
    meanSelf <= rules.inline.maxMeanSelfNs &&
    e.calls >= rules.inline.minCalls
  ) {
    add(
      "inline",
      rules.inline.speedup,
      rules.inline.prior,
      `${e.bodyLines}-line ${e.kind} called ${e.calls} times at ${Math.round(meanSelf)} ns per call; ` +
        `inlining removes the dispatch (assumed ${rules.inline.speedup}x)`,
      2,
    );
  }
  out.sort((a, b) => b.score - a.score || a.order - b.order);
  return out.map(({ score: _score, order: _order, ...c }) => c);
}

/**
 * Confidence in the measurement, before the strategy's prior: grows with the number of
 * calls (n / (n + halfCalls)) and shrinks with the spread of invocation times
 * (1 / (1 + spreadWeight * log10(max / mean))).
 */
export function confidence(e: Pick<EventStats, "calls" | "totalNs" | "maxNs">): number {
  const { halfCalls, spreadWeight } = HOTSPOT_RULES.confidence;
  if (e.calls <= 0) return 0;
  const sample = e.calls / (e.calls + halfCalls);
  const mean = e.totalNs / e.calls;
  // Sampled runs have no max: no spread penalty.
  const ratio = mean > 0 && e.maxNs > 0 ? Math.max(1, e.maxNs / mean) : 1;
  const spread = 1 / (1 + spreadWeight * Math.log10(ratio));
  return Math.min(1, Math.max(0, sample * spread));
}

function finite(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

function ms(ns: number): number {
  return round(ns / 1e6, 6);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
