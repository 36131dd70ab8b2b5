// The evidence record of one variant (JSON under .koru/evidence/<event>/<tag>.json) and its
// Markdown review: everything a person needs to accept or refuse the switch.

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { koruDir } from "../compiler/index.js";
import type { BenchResult } from "./bench.js";
import { writeAtomic } from "./fs.js";
import type { TierResult } from "./harness/run.js";
import type { ScanFinding } from "./harness/scan.js";

/** `inconclusive`: the baseline was outside its domain on too many inputs to decide. */
export type Verdict = "accepted" | "rejected" | "suspect" | "passed_tests" | "inconclusive";

export interface Evidence {
  version: 1;
  event: string;
  tag: string;
  file: string;
  baseline: { file: string; line: number; sha256: string; text: string };
  variant: { file: string; line: number; sha256: string; text: string };
  compiler: string;
  zig: string;
  harness: { sha256: string; builds: { tier: string; optimize: string; ms: number; cached: boolean }[] };
  float_policy: string;
  state: string[];
  tiers: TierResult[];
  edge_cases: number;
  recorded_inputs: number;
  regression_cases: number;
  counterexamples: TierResult["counterexamples"];
  incidents: TierResult["incidents"];
  out_of_domain: number;
  /** Text printed by the procs was captured and compared on every case. */
  text_compared?: boolean;
  /** Cases also run with every allocation failing (procs taking a `std.mem.Allocator`). */
  alloc_failure_cases?: number;
  max_ulp: number;
  max_abs: number;
  scan: ScanFinding[];
  bench?: BenchResult & { buildMs: number };
  verdict: Verdict;
  reasons: string[];
  time: string;
}

export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, "_");
}

export function evidencePath(workspace: string, event: string, tag: string): string {
  return koruDir(workspace, "evidence", safeName(event), `${safeName(tag)}.json`);
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function writeEvidence(workspace: string, ev: Evidence): string {
  const path = evidencePath(workspace, ev.event, ev.tag);
  writeAtomic(path, `${JSON.stringify(ev, null, 2)}\n`);
  return path;
}

export function readEvidence(workspace: string, event: string, tag: string): Evidence | undefined {
  const path = evidencePath(workspace, event, tag);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Evidence;
  } catch {
    return undefined;
  }
}

/** Stale: either source changed since the evidence was recorded. */
export function staleReason(ev: Evidence, baselineText: string, variantText: string): string | undefined {
  if (sha256(baselineText) !== ev.baseline.sha256) return "the baseline proc changed since the evidence was recorded";
  if (sha256(variantText) !== ev.variant.sha256) return "the variant proc changed since the evidence was recorded";
  return undefined;
}

export function regressionsPath(workspace: string, event: string): string {
  return join(koruDir(workspace, "variants", safeName(event)), "regressions.bin");
}

export function renderReview(ev: Evidence): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const out: string[] = [];
  out.push(`# Variant ${ev.tag} of ${ev.event}: ${ev.verdict.toUpperCase()}`, "");
  out.push(ev.reasons.map((r) => `- ${r}`).join("\n"), "");
  const cases = ev.tiers.map(
    (t) =>
      `${t.tier} (seed ${t.seed}): ${t.total} cases (${t.cases.replay} replayed, ${t.cases.edge} edge, ${t.cases.random} random, ${t.cases.exhaustive} exhaustive)`,
  );
  out.push("## Tests", "", ...cases.map((c) => `- ${c}`));
  out.push(`- float policy: ${ev.float_policy}; largest difference seen: ${ev.max_ulp} ULP, ${ev.max_abs} absolute`);
  out.push(
    `- recorded inputs replayed: ${ev.recorded_inputs}; regression cases replayed: ${ev.regression_cases}; inputs outside the baseline's domain (skipped): ${ev.out_of_domain}; printed text ${ev.text_compared ? "compared" : "not compared"}${ev.alloc_failure_cases ? `; cases also run with every allocation failing: ${ev.alloc_failure_cases}` : ""}`,
  );
  if (ev.state.length) out.push(`- module state compared after every call: ${ev.state.join(", ")}`);
  for (const c of ev.counterexamples.slice(0, 3)) {
    out.push(
      "",
      `Counterexample (${c.tier} ${c.phase} case ${c.case}, shrunk):`,
      "",
      "```",
      ...(c.allocFails ? ["(with every allocation failing)"] : []),
      `input:    ${c.input}`,
      `baseline: ${c.baseline}`,
      `variant:  ${c.variant}`,
      ...(c.baselineText !== undefined
        ? [`baseline printed: ${JSON.stringify(c.baselineText)}`, `variant printed:  ${JSON.stringify(c.variantText)}`]
        : []),
      "```",
    );
  }
  for (const i of ev.incidents) out.push(`- ${i.kind} in the ${i.side} (${i.phase} case ${i.case}): ${i.message}`);
  if (ev.scan.length) {
    out.push("", "## Static scan", "");
    for (const f of ev.scan) out.push(`- ${f.rule} at line ${f.line}: \`${f.text}\`: ${f.why}`);
  }
  if (ev.bench) {
    const b = ev.bench;
    out.push("", "## Benchmark", "");
    out.push(
      `- ${b.pairs.length} interleaved pairs (${b.warmup} warm-up discarded; each side of a pair the fastest of 5 runs), ${b.inputs} ${b.recorded ? "recorded" : "generated"} inputs x ${b.reps} per sample, ReleaseFast`,
    );
    out.push(
      `- variant/baseline time: median ${b.medianRatio.toFixed(3)}, 95% CI [${b.ciLow.toFixed(3)}, ${b.ciHigh.toFixed(3)}]: ${b.faster ? `faster (${b.speedup.toFixed(2)}x, saves ${pct(1 - b.medianRatio)})` : "not faster"}${b.suspect ? " - SUSPECT: over 10x" : ""}`,
    );
  }
  out.push(
    "",
    "## Sources",
    "",
    `Baseline (${ev.baseline.file}:${ev.baseline.line}):`,
    "",
    "```zig",
    ev.baseline.text,
    "```",
    "",
  );
  out.push(`Variant (${ev.variant.file}:${ev.variant.line}):`, "", "```zig", ev.variant.text, "```", "");
  out.push(`Recorded ${ev.time} by koruc ${ev.compiler} with Zig ${ev.zig}.`);
  return out.join("\n");
}
