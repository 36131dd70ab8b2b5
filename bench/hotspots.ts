// Benchmark: hotspot analysis from edge aggregates vs merely reading raw transition lines,
// for a run of 10,000,000 invocations, both measured in this process.
//
//   npm run build && node dist/bench/hotspots.js            # raw side: sample, extrapolated
//   node dist/bench/hotspots.js --full                      # raw side: all 10,000,000 lines
//
// The hotspot side does all the work the `hotspots` command does with a stored run: split the
// stored `edge_stats` JSONL, parse and validate every record, aggregate, rank, build the
// messages. Target: at most 50 ms.
import { performance } from "node:perf_hooks";
import { detectHotspots, type EdgeStats, EdgeStatsRecord, JsonlSplitter, type ProgramInfo } from "../ccp/index.js";

const INVOCATIONS = 10_000_000;
const EVENTS = 100;
const TARGET_MS = 50;
const full = process.argv.includes("--full");
const SAMPLE_LINES = full ? INVOCATIONS : 500_000;
const BATCH_LINES = 50_000;

// A deterministic pseudo-random generator, so that every run measures the same data.
let seed = 0x2f6b_1a3d;
function random(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x1_0000_0000;
}

// ── the run: 100 events, 3 edges each (300 edges), 10,000,000 invocations ────────────────

const program: ProgramInfo = {
  events: Array.from({ length: EVENTS }, (_, i) => ({
    name: `input:event_${i}`,
    kind: i % 7 === 0 ? "subflow" : "proc",
    bodyLines: 1 + (i % 12),
    labelLoop: i % 10 === 3,
  })),
};

// Zipf-like weights: a few events take most of the calls.
const weights = program.events.map((_, i) => 1 / (i + 1));
const weightSum = weights.reduce((a, b) => a + b, 0);
const edges: EdgeStats[] = [];
let remaining = INVOCATIONS;
for (const [i, e] of program.events.entries()) {
  const calls = i === EVENTS - 1 ? remaining : Math.floor((INVOCATIONS * weights[i]!) / weightSum);
  remaining -= calls;
  const branchCalls = [Math.floor(calls * 0.7), Math.floor(calls * 0.2)];
  branchCalls.push(calls - branchCalls[0]! - branchCalls[1]!);
  for (const [b, count] of branchCalls.entries()) {
    const meanNs = 20 + random() * 2000;
    edges.push({
      source: e.name,
      branch: ["next", "done", "err"][b]!,
      destination: b === 2 ? null : `input:event_${(i + b + 1) % EVENTS}`,
      count,
      total_ns: Math.round(count * meanNs * 1.1),
      self_ns: Math.round(count * meanNs),
      min_ns: Math.round(meanNs * 0.5),
      max_ns: Math.round(meanNs * (2 + random() * 50)),
    });
  }
}
const totalSelf = edges.reduce((a, e) => a + e.self_ns, 0);
const wallNs = Math.round(totalSelf * 1.05);
const statsText = Buffer.from(
  edges.map((e) => `${JSON.stringify({ type: "edge_stats", run_id: "r-bench", ...e })}\n`).join(""),
);

function analyzeStored(): number {
  const splitter = new JsonlSplitter();
  const parsed: EdgeStats[] = [];
  for (const line of [...splitter.push(statsText), ...splitter.end()]) {
    if (!line.ok) throw new Error(line.error.message);
    const record = EdgeStatsRecord.parse(JSON.parse(line.text));
    parsed.push(record);
  }
  return detectHotspots({ edges: parsed, program, wallNs }).length;
}

// ── raw transitions: what reading the same run line by line costs ────────────────────────

function transitionBatch(n: number, start: number): Buffer {
  const lines: string[] = [];
  let ts = start * 150;
  for (let k = 0; k < n; k++) {
    const e = edges[Math.floor(random() * edges.length)]!;
    ts += 150;
    lines.push(
      `{"type":"transition","timestamp":1755870000123,"source":"${e.source}","branch":"${e.branch}",` +
        `"destination":${e.destination === null ? "null" : `"${e.destination}"`},"timestamp_ns":${ts},"duration_ns":${e.min_ns}}\n`,
    );
  }
  return Buffer.from(lines.join(""));
}

function readRaw(lines: number): { ms: number; parsed: number } {
  const splitter = new JsonlSplitter();
  let ms = 0;
  let parsed = 0;
  for (let done = 0; done < lines; done += BATCH_LINES) {
    const batch = transitionBatch(Math.min(BATCH_LINES, lines - done), done); // not timed
    const t0 = performance.now();
    for (let at = 0; at < batch.length; at += 64 * 1024) {
      for (const line of splitter.push(batch.subarray(at, at + 64 * 1024))) {
        if (line.ok && JSON.parse(line.text) !== null) parsed++;
      }
    }
    ms += performance.now() - t0;
  }
  splitter.end();
  return { ms, parsed };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// ── measure ──────────────────────────────────────────────────────────────────────────────

for (let i = 0; i < 20; i++) analyzeStored(); // warm-up
const hotspotTimes: number[] = [];
let hotspotCount = 0;
for (let i = 0; i < 51; i++) {
  const t0 = performance.now();
  hotspotCount = analyzeStored();
  hotspotTimes.push(performance.now() - t0);
}
const hotspotMs = median(hotspotTimes);

readRaw(Math.min(SAMPLE_LINES, 100_000)); // warm-up
const rawRuns = full ? 1 : 3;
const rawTimes: number[] = [];
for (let i = 0; i < rawRuns; i++) {
  const { ms, parsed } = readRaw(SAMPLE_LINES);
  if (parsed !== SAMPLE_LINES) throw new Error(`read ${parsed} of ${SAMPLE_LINES} lines`);
  rawTimes.push(ms);
}
const rawSampleMs = median(rawTimes);
const rawMs = (rawSampleMs * INVOCATIONS) / SAMPLE_LINES;

const fmt = (n: number, digits = 1) => n.toLocaleString("en-US", { maximumFractionDigits: digits });
console.log(`run: ${fmt(INVOCATIONS)} invocations, ${EVENTS} events, ${edges.length} edges, ${hotspotCount} hotspots`);
console.log(`hotspots from edge_stats (split + parse + validate + analyze): ${fmt(hotspotMs, 3)} ms (median of 51)`);
console.log(
  `read ${fmt(INVOCATIONS)} raw transition lines (split + JSON.parse): ${fmt(rawMs)} ms` +
    (full
      ? " (all lines)"
      : ` (extrapolated from ${fmt(SAMPLE_LINES)} lines: ${fmt(rawSampleMs)} ms, median of ${rawRuns})`),
);
console.log(`ratio raw / hotspots: ${fmt(rawMs / hotspotMs, 0)}x`);
const pass = hotspotMs <= TARGET_MS;
console.log(`target hotspots <= ${TARGET_MS} ms: ${pass ? "PASS" : "FAIL"}`);
if (!pass) process.exitCode = 1;
