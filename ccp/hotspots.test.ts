import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { confidence, detectHotspots, eventStats, HOTSPOT_RULES, type ProgramEventInfo } from "./hotspots.js";
import { Message } from "./messages.js";
import type { EdgeStats } from "./records.js";

const MS = 1_000_000;

function edge(
  source: string,
  branch: string,
  destination: string | null,
  count: number,
  selfMs: number,
  extra: Partial<EdgeStats> = {},
): EdgeStats {
  const self = selfMs * MS;
  const mean = count > 0 ? self / count : 0;
  return {
    source,
    branch,
    destination,
    count,
    total_ns: self,
    self_ns: self,
    min_ns: mean * 0.8,
    max_ns: mean * 1.5,
    ...extra,
  };
}

function ev(name: string, kind: ProgramEventInfo["kind"], bodyLines: number, labelLoop = false): ProgramEventInfo {
  return { name, kind, bodyLines, labelLoop };
}

/** A run of 1000 ms: blur 600 ms, step 150 ms (small, hot), loop 100 ms, log 10 ms (1%). */
const program = {
  events: [
    ev("input:blur", "proc", 40),
    ev("input:step", "proc", 3),
    ev("input:loop", "subflow", 6, true),
    ev("input:log", "proc", 2),
  ],
};
const edges = [
  edge("input:blur", "done", "input:step", 1_000_000, 600),
  edge("input:step", "next", "input:step", 4_000_000, 120),
  edge("input:step", "done", "input:loop", 1_000_000, 30),
  edge("input:loop", "again", "input:blur", 999_999, 99.9),
  edge("input:loop", "finished", null, 1, 0.1),
  edge("input:log", "done", null, 10_000, 10),
];
const input = { edges, program, wallNs: 1000 * MS };

describe("hotspot analysis", () => {
  const hotspots = detectHotspots(input, { runId: "r-1", id: 9 });
  const byName = new Map(hotspots.map((h) => [h.data.event_name, h.data]));

  it("produces valid hotspot_detected messages sorted by share", () => {
    for (const h of hotspots) expect(Message.parse(h)).toEqual(h);
    expect(hotspots.map((h) => h.data.event_name)).toEqual(["input:blur", "input:step", "input:loop"]);
    expect(hotspots.map((h) => h.data.rank)).toEqual([1, 2, 3]);
    expect(hotspots.every((h) => h.run_id === "r-1" && h.id === 9)).toBe(true);
  });

  it("proposes a variant first for a proc with a 60% share", () => {
    const blur = byName.get("input:blur")!;
    expect(blur.share).toBeCloseTo(0.6, 6);
    expect(blur.call_count).toBe(1_000_000);
    expect(blur.self_ms).toBe(600);
    expect(blur.optimization_candidates[0]?.strategy).toBe("variant");
    expect(blur.optimization_candidates[0]?.estimated_gain_ms).toBe(300);
    expect(blur.optimization_candidates[0]?.program_speedup).toBeCloseTo(1 / (0.4 + 0.6 / 2), 4);
  });

  it("ranks variant above inline for a small hot proc with a large share, and proposes both", () => {
    const step = byName.get("input:step")!;
    expect(step.optimization_candidates.map((c) => c.strategy)).toEqual(["variant", "inline"]);
    expect(step.mean_self_ns).toBe(30);
    expect(step.branch_probabilities).toEqual({ next: 0.8, done: 0.2 });
  });

  it("proposes loop_lower for the anchor of a label loop", () => {
    const loop = byName.get("input:loop")!;
    expect(loop.optimization_candidates.map((c) => c.strategy)).toEqual(["loop_lower"]);
    const c = loop.optimization_candidates[0]!;
    expect(c.assumed_speedup).toBe(HOTSPOT_RULES.loopLower.speedup);
    expect(c.estimated_gain_ms).toBe(75);
    expect(loop.branch_probabilities).toEqual({ again: 0.999999, finished: 0.000001 });
  });

  it("reports nothing for an event under 2% of the run", () => {
    expect(byName.has("input:log")).toBe(false);
    expect(eventStats(input).find((e) => e.name === "input:log")?.share).toBeCloseTo(0.01, 6);
    // ...unless asked for a lower threshold; it is small and hot enough to inline.
    const all = detectHotspots(input, { minShare: 0.005 });
    expect(all.at(-1)?.data.event_name).toBe("input:log");
    expect(all.at(-1)?.data.optimization_candidates.map((c) => c.strategy)).toEqual(["inline"]);
  });

  it("does not inline a big event, a rarely called one or a slow one", () => {
    // The event always has half of the run's time.
    const run = (e: ProgramEventInfo, ed: EdgeStats) =>
      detectHotspots({ edges: [ed], program: { events: [e] }, wallNs: 2 * ed.self_ns });
    const strategies = (hs: ReturnType<typeof run>) => hs[0]!.data.optimization_candidates.map((c) => c.strategy);
    expect(strategies(run(ev("m:a", "subflow", 30), edge("m:a", "d", null, 1e6, 50)))).toEqual([]);
    expect(strategies(run(ev("m:a", "subflow", 2), edge("m:a", "d", null, 999, 0.5)))).toEqual([]);
    expect(strategies(run(ev("m:a", "subflow", 2), edge("m:a", "d", null, 10_000, 50)))).toEqual([]);
    expect(strategies(run(ev("m:a", "subflow", 2), edge("m:a", "d", null, 1e6, 50)))).toEqual(["inline"]);
  });

  it("proposes nothing for an event the program does not implement, but still reports it", () => {
    const hs = detectHotspots({
      edges: [edge("koru:start", "done", "input:main", 1, 50)],
      program: { events: [] },
      wallNs: 100 * MS,
    });
    expect(hs[0]?.data.kind).toBe("none");
    expect(hs[0]?.data.optimization_candidates).toEqual([]);
  });

  it("limits the report", () => {
    expect(detectHotspots(input, { limit: 1 }).map((h) => h.data.event_name)).toEqual(["input:blur"]);
  });

  it("merges edges of an event: counts, times, extremes, branches", () => {
    const stats = eventStats({
      program: { events: [] },
      wallNs: 10 * MS,
      edges: [
        {
          source: "m:e",
          branch: "a",
          destination: "m:x",
          count: 2,
          total_ns: 300,
          self_ns: 200,
          min_ns: 100,
          max_ns: 200,
        },
        { source: "m:e", branch: "a", destination: "m:y", count: 1, total_ns: 50, self_ns: 50, min_ns: 50, max_ns: 50 },
        {
          source: "m:e",
          branch: "b",
          destination: null,
          count: 1,
          total_ns: 900,
          self_ns: 10,
          min_ns: 900,
          max_ns: 900,
        },
        { source: "m:e", branch: "c", destination: null, count: 0, total_ns: 0, self_ns: 0, min_ns: 0, max_ns: 0 },
      ],
    });
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ calls: 4, totalNs: 1250, selfNs: 260, minNs: 50, maxNs: 900 });
    expect(Object.fromEntries(stats[0]!.branches)).toEqual({ a: 3, b: 1 });
  });

  it("falls back to the summed self time when the wall time is unknown", () => {
    const hs = detectHotspots({ ...input, wallNs: 0 });
    expect(hs[0]?.data.share).toBeCloseTo(600 / 860, 6);
  });

  it("gives more confidence to more calls and less to a wide spread", () => {
    const at = (calls: number, spread: number) => confidence({ calls, totalNs: calls * 100, maxNs: 100 * spread });
    expect(at(10, 1)).toBeLessThan(at(1000, 1));
    expect(at(1000, 1)).toBeLessThan(at(1_000_000, 1));
    expect(at(1000, 100)).toBeLessThan(at(1000, 2));
    expect(at(1_000_000, 1)).toBeLessThanOrEqual(1);
    expect(at(0, 1)).toBe(0);
  });

  it("never estimates a gain above the event's self time, and keeps every number in range (property)", () => {
    const edgeArb = fc.record({
      source: fc.constantFrom("m:a", "m:b", "m:c", "m:d"),
      branch: fc.constantFrom("done", "next", "err"),
      destination: fc.constantFrom("m:a", "m:b", null),
      count: fc.nat({ max: 10_000_000 }),
      total_ns: fc.double({ min: 0, max: 1e12, noNaN: true }),
      self_ns: fc.double({ min: 0, max: 1e12, noNaN: true }),
      min_ns: fc.double({ min: 0, max: 1e9, noNaN: true }),
      max_ns: fc.double({ min: 0, max: 1e12, noNaN: true }),
    });
    const eventArb = (name: string) =>
      fc.record({
        name: fc.constant(name),
        kind: fc.constantFrom("proc" as const, "subflow" as const, "none" as const),
        bodyLines: fc.nat({ max: 12 }),
        labelLoop: fc.boolean(),
      });
    fc.assert(
      fc.property(
        fc.array(edgeArb, { maxLength: 20 }),
        fc.tuple(eventArb("m:a"), eventArb("m:b"), eventArb("m:c")),
        fc.double({ min: 0, max: 1e13, noNaN: true }),
        (es, evs, wallNs) => {
          const hs = detectHotspots({ edges: es, program: { events: evs }, wallNs });
          let lastShare = Number.POSITIVE_INFINITY;
          for (const h of hs) {
            expect(Message.safeParse(h).success).toBe(true);
            expect(h.data.share).toBeGreaterThanOrEqual(HOTSPOT_RULES.minShare);
            expect(h.data.share).toBeLessThanOrEqual(lastShare);
            lastShare = h.data.share;
            for (const c of h.data.optimization_candidates) {
              expect(c.estimated_gain_ms).toBeLessThanOrEqual(h.data.self_ms);
              expect(c.confidence).toBeGreaterThanOrEqual(0);
              expect(c.confidence).toBeLessThanOrEqual(1);
            }
            const p = Object.values(h.data.branch_probabilities).reduce((a, b) => a + b, 0);
            expect(p).toBeCloseTo(1, 4);
          }
        },
      ),
      { numRuns: 2000, seed: 99 },
    );
  });
});
