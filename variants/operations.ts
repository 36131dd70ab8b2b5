// The variant operations that judge a variant: list, test, bench, review (sidecar edits are in
// sidecar-ops.ts, selection in select.ts). Typed inputs and results, cancellation and progress
// as parameters; no CLI or protocol concerns (the CLI, the CCP session and the MCP server are
// adapters over these).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildExecutable,
  canonicalTag,
  type Diagnostic,
  findZig,
  hasErrors,
  packageRoot,
  readSelection,
  VERSION,
} from "../compiler/index.js";
import { type BenchResult, runBench } from "./bench.js";
import { appendCorpus, writeCorpus } from "./corpus.js";
import {
  type Evidence,
  readEvidence,
  regressionsPath,
  renderReview,
  sha256,
  staleReason,
  type Verdict,
  writeEvidence,
} from "./evidence.js";
import { declaredPolicy, policyText } from "./harness/float-policy.js";
import { generateHarness, HARNESS_RUNTIME, moduleVars } from "./harness/generate.js";
import { runTier, type TierResult } from "./harness/run.js";
import { scanVariant } from "./harness/scan.js";
import { findTag, loadTarget, loadWorkspace, procText, type Target, targetIn, usage } from "./target.js";

export interface Progress {
  stage: "build" | "smoke" | "gate" | "bench" | "evidence";
  message: string;
  done?: number;
  total?: number;
}

export interface Common {
  /** The program's entry .kz file. */
  file: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export type OpResult<T> = ({ ok: true } & T) | { ok: false; diagnostics: Diagnostic[] };

// ---------------------------------------------------------------------------------- list

export interface VariantListing {
  event: string;
  tag: string;
  file: string;
  line: number;
  status: "untested" | "passed" | "failed" | "inconclusive";
  verdict?: Verdict;
  stale: boolean;
  selected: boolean;
  speedup?: number;
}

/** An inconclusive test is not a failure: the baseline's domain was too narrow to decide. */
function statusOf(verdict: Verdict): VariantListing["status"] {
  if (verdict === "accepted" || verdict === "passed_tests") return "passed";
  return verdict === "inconclusive" ? "inconclusive" : "failed";
}

export async function listVariants(
  input: Common & { event?: string },
): Promise<OpResult<{ variants: VariantListing[] }>> {
  const ws = loadWorkspace(input.file);
  if (!ws.ok) return ws;
  const only = input.event ? targetIn(ws, input.event) : undefined;
  if (only && !only.ok) return only;
  const { selection } = readSelection(ws.workspace);
  const out: VariantListing[] = [];
  for (const sym of ws.symbols.events.values()) {
    if (only?.ok && sym !== only.sym) continue;
    if (!sym.proc) continue;
    const t: Target = { ...ws, sym, baseline: sym.proc };
    for (const [tag, proc] of sym.variants) {
      const ev = readEvidence(ws.workspace, sym.canonical, tag);
      const stale = ev ? staleReason(ev, procText(t, sym.proc), procText(t, proc)) !== undefined : false;
      const status = !ev || stale ? "untested" : statusOf(ev.verdict);
      const chosen = selection.selected[sym.canonical];
      out.push({
        event: sym.canonical,
        tag,
        file: proc.span.file,
        line: proc.span.line,
        status,
        ...(ev ? { verdict: ev.verdict } : {}),
        stale,
        selected: chosen !== undefined && canonicalTag(chosen) === canonicalTag(tag),
        ...(ev?.bench ? { speedup: ev.bench.speedup } : {}),
      });
    }
  }
  return { ok: true, variants: out };
}

// ---------------------------------------------------------------------------------- test

export interface TestInput extends Common {
  event: string;
  tag: string;
  /** Smoke tier seed (known to the caller); default 1. */
  seed?: number;
  smokeCases?: number;
  /** Gate tier random cases (at least 10,000). */
  gateCases?: number;
  /** Per-case time limit (ms). */
  caseMs?: number;
  /** Time limit of each tier's harness run (ms). */
  totalMs?: number;
  /** Also benchmark (default false: `benchVariant` does it). */
  bench?: boolean;
  pairs?: number;
}

export interface TestResult {
  evidence: Evidence;
  evidencePath: string;
  passed: boolean;
}

export const GATE_MIN_CASES = 10_000;

export async function testVariant(input: TestInput): Promise<OpResult<TestResult>> {
  // The smoke tier runs a Debug harness (Zig's own backend builds it many times faster than
  // LLVM); only a variant that survives it pays for the ReleaseSafe build of the gate tier.
  const smokePrep = await prepare(input, "Debug");
  if (!smokePrep.ok) return smokePrep;
  const { target, tag, variantText, baselineText, policy, state, scan } = smokePrep;
  const ws = target.workspace;
  const tiers: TierResult[] = [];
  const builds: { tier: string; optimize: string; ms: number; cached: boolean }[] = [];
  const caseMs = input.caseMs ?? 2000;
  const totalMs = input.totalMs ?? 120_000;
  const onTier = (p: { tier: string; phase: string; done: number; total: number }) =>
    input.onProgress?.({
      stage: p.tier as "smoke" | "gate",
      message: `${p.tier} ${p.phase}: ${p.done}/${p.total}`,
      done: p.done,
      total: p.total,
    });
  // Smoke: a seed the caller knows. Gate: a seed drawn now, after the variant was submitted.
  const smokeSeed = BigInt(input.seed ?? 1);
  const gateSeed = randomBytes(8).readBigUInt64LE() >> 1n;
  const plan = [
    { tier: "smoke" as const, seed: smokeSeed, cases: input.smokeCases ?? 100 },
    { tier: "gate" as const, seed: gateSeed, cases: Math.max(GATE_MIN_CASES, input.gateCases ?? GATE_MIN_CASES) },
  ];
  let corpus = smokePrep.corpus;
  // The gate's ReleaseSafe build starts now and runs beside the smoke tier; a smoke tier that
  // fails cancels it.
  const gateBuild = new AbortController();
  const onAbort = () => gateBuild.abort();
  input.signal?.addEventListener("abort", onAbort, { once: true });
  const gatePrep = prepare({ ...input, signal: gateBuild.signal }, "ReleaseSafe");
  const dropGate = async () => {
    gateBuild.abort();
    const g = await gatePrep;
    if (g.ok) g.corpus.cleanup();
  };
  for (const p of plan) {
    let prep = smokePrep;
    if (p.tier === "gate") {
      const g = await gatePrep;
      input.signal?.removeEventListener("abort", onAbort);
      if (!g.ok) return g;
      prep = g;
      corpus = g.corpus;
    }
    builds.push({
      tier: p.tier,
      optimize: p.tier === "gate" ? "ReleaseSafe" : "Debug",
      ms: prep.build.ms,
      cached: prep.build.cached,
    });
    input.onProgress?.({ stage: p.tier, message: `${p.tier} tier: seed ${p.seed}, ${p.cases} random cases` });
    const r = await runTier({
      exe: prep.exe,
      variantIndex: prep.index,
      tier: p.tier,
      seed: p.seed,
      cases: p.cases,
      ...(prep.corpus.file ? { corpusFile: prep.corpus.file } : {}),
      caseMs,
      totalMs,
      onProgress: onTier,
      ...sig(input),
    });
    prep.corpus.cleanup();
    if (!r.ok) {
      if (p.tier === "smoke") await dropGate();
      return { ok: false, diagnostics: [usage("KORU121", `variant test stopped: ${r.message}`, target.file)] };
    }
    tiers.push(r.result);
    // A failing or inconclusive smoke tier already decides: the gate would only repeat it.
    if (r.result.failures > 0 || r.result.incidents.length > 0 || r.result.inconclusive) {
      if (p.tier === "smoke") await dropGate();
      break;
    }
  }
  const counterexamples = tiers.flatMap((t) => t.counterexamples);
  if (counterexamples.length) {
    await appendCorpus(
      regressionsPath(ws, target.sym.canonical),
      counterexamples.map((c) => Buffer.from(c.bytes, "hex")),
    );
  }
  const old = readEvidence(ws, target.sym.canonical, tag);
  const keepBench = old?.bench && !staleReason(old, baselineText, variantText) ? old.bench : undefined;
  let bench = keepBench;
  if (input.bench) {
    const b = await benchWith(input, target, tag);
    if (!b.ok) return b;
    bench = b.bench;
  }
  const evidence: Evidence = {
    version: 1,
    event: target.sym.canonical,
    tag,
    file: target.file,
    baseline: {
      file: target.baseline.span.file,
      line: target.baseline.span.line,
      sha256: sha256(baselineText),
      text: baselineText,
    },
    variant: {
      file: smokePrep.proc.span.file,
      line: smokePrep.proc.span.line,
      sha256: sha256(variantText),
      text: variantText,
    },
    compiler: VERSION,
    zig: zigVersion(),
    harness: { sha256: sha256(runtimeText()), builds },
    float_policy: policyText(policy),
    state,
    tiers,
    edge_cases: tiers.reduce((n, t) => n + t.cases.edge, 0),
    recorded_inputs: corpus.recorded,
    regression_cases: corpus.regressions,
    counterexamples,
    incidents: tiers.flatMap((t) => t.incidents),
    out_of_domain: tiers.reduce((n, t) => n + t.outOfDomainCount, 0),
    text_compared: tiers.every((t) => t.textCompared),
    alloc_failure_cases: tiers.reduce((n, t) => n + t.allocFailureCases, 0),
    max_ulp: Math.max(0, ...tiers.map((t) => t.maxUlp)),
    max_abs: Math.max(0, ...tiers.map((t) => t.maxAbs)),
    scan,
    ...(bench ? { bench } : {}),
    verdict: "passed_tests",
    reasons: [],
    time: new Date().toISOString(),
  };
  judge(evidence);
  input.onProgress?.({ stage: "evidence", message: `verdict: ${evidence.verdict}` });
  const path = writeEvidence(ws, evidence);
  return {
    ok: true,
    evidence,
    evidencePath: path,
    passed: evidence.verdict === "accepted" || evidence.verdict === "passed_tests",
  };
}

/** The verdict and its reasons, from tests, scan and benchmark. */
export function judge(ev: Evidence): void {
  const reasons: string[] = [];
  let rejected = false;
  for (const f of ev.scan) {
    rejected = true;
    reasons.push(`static scan: ${f.rule} at line ${f.line} (${f.text}): ${f.why}`);
  }
  for (const i of ev.incidents) {
    rejected = true;
    reasons.push(
      i.kind === "hang"
        ? `the variant hung (${i.phase} case ${i.case}): ${i.message}`
        : `the variant ${i.kind === "panic" ? "panicked" : "crashed"} (${i.phase} case ${i.case}): ${i.message}`,
    );
  }
  const failures = ev.tiers.reduce((n, t) => n + t.failures, 0);
  const total = ev.tiers.reduce((n, t) => n + t.total, 0);
  if (failures > 0) {
    rejected = true;
    const c = ev.counterexamples[0];
    const texts =
      c?.baselineText !== undefined && c.baselineText !== c.variantText
        ? `; it prints ${JSON.stringify(c.variantText)}, the baseline ${JSON.stringify(c.baselineText)}`
        : "";
    reasons.push(
      `differs from the baseline on ${failures} of ${total} cases${c ? `; smallest found: input ${c.input}${c.allocFails ? " with every allocation failing" : ""} gives ${c.variant}, the baseline ${c.baseline}${texts}` : ""}`,
    );
  }
  // Too few inputs in the baseline's domain: no claim either way.
  const short = ev.tiers.filter((t) => t.inconclusive);
  const inconclusive = !rejected && short.length > 0;
  for (const t of short) {
    reasons.push(
      `inconclusive: the baseline panicked, hung or crashed on ${t.outOfDomainCount} inputs; only ${t.cases.random} of the ${t.tier} tier's random cases ran in its domain after ${t.attempts} attempts`,
    );
  }
  if (!rejected && !inconclusive)
    reasons.push(
      `agrees with the baseline on all ${total} cases${ev.out_of_domain ? ` (${ev.out_of_domain} inputs outside the baseline's domain skipped)` : ""} (float policy ${ev.float_policy})`,
    );
  let verdict: Verdict = rejected ? "rejected" : inconclusive ? "inconclusive" : "passed_tests";
  if (ev.bench && !rejected && !inconclusive) {
    const b = ev.bench;
    const ci = `median time ratio ${b.medianRatio.toFixed(3)}, 95% CI [${b.ciLow.toFixed(3)}, ${b.ciHigh.toFixed(3)}]`;
    if (!b.faster) {
      verdict = "rejected";
      reasons.push(`not faster: ${ci} is not entirely below 0.98`);
    } else if (b.suspect) {
      verdict = "suspect";
      reasons.push(
        `suspect: ${b.speedup.toFixed(1)}x faster is above the 10x plausibility limit; a person must review it (${ci})`,
      );
    } else {
      verdict = "accepted";
      reasons.push(`faster: ${b.speedup.toFixed(2)}x (${ci})`);
    }
  } else if (!rejected && !inconclusive) reasons.push("not benchmarked yet");
  ev.verdict = verdict;
  ev.reasons = reasons;
}

// ---------------------------------------------------------------------------------- bench

export interface BenchInput extends Common {
  event: string;
  tag: string;
  pairs?: number;
  seed?: number;
}

/** Benchmark and fold the result into the variant's evidence (tests must have run first). */
export async function benchVariant(
  input: BenchInput,
): Promise<OpResult<{ bench: BenchResult; evidence?: Evidence; evidencePath?: string }>> {
  const target = loadTarget(input.file, input.event);
  if (!target.ok) return target;
  const t = findTag(target, input.tag);
  if (!t.ok) return t;
  const b = await benchWith(input, target, t.tag);
  if (!b.ok) return b;
  const ev = readEvidence(target.workspace, target.sym.canonical, t.tag);
  if (!ev || staleReason(ev, procText(target, target.baseline), procText(target, t.proc)))
    return { ok: true, bench: b.bench };
  ev.bench = b.bench;
  ev.time = new Date().toISOString();
  judge(ev);
  const path = writeEvidence(target.workspace, ev);
  return { ok: true, bench: b.bench, evidence: ev, evidencePath: path };
}

async function benchWith(
  input: Common & { pairs?: number; seed?: number; event: string; tag: string },
  _target: Target,
  _tag: string,
): Promise<OpResult<{ bench: BenchResult & { buildMs: number } }>> {
  const prep = await prepare(input, "ReleaseFast");
  if (!prep.ok) return prep;
  input.onProgress?.({ stage: "bench", message: `benchmark: ${Math.max(30, input.pairs ?? 30)} interleaved pairs` });
  const r = await runBench({
    exe: prep.exe,
    variantIndex: prep.index,
    seed: BigInt(input.seed ?? 7),
    pairs: input.pairs ?? 30,
    ...(prep.corpus.recorded > 0 && prep.corpus.recordedFile ? { corpusFile: prep.corpus.recordedFile } : {}),
    timeoutMs: 300_000,
    ...sig(input),
  });
  prep.corpus.cleanup();
  if (!r.ok) return { ok: false, diagnostics: [usage("KORU122", `benchmark failed: ${r.message}`, prep.target.file)] };
  return { ok: true, bench: { ...r.result, buildMs: prep.build.ms } };
}

// ---------------------------------------------------------------------------------- shared preparation

async function prepare(
  input: Common & { event: string; tag: string },
  optimize: "ReleaseSafe" | "ReleaseFast" | "Debug",
) {
  const target = loadTarget(input.file, input.event);
  if (!target.ok) return target;
  const t = findTag(target, input.tag);
  if (!t.ok) return t;
  const policy = declaredPolicy(target.baseline, target.sources.get(target.baseline.span.file));
  if (policy.diagnostics.length) return { ok: false as const, diagnostics: policy.diagnostics };
  input.onProgress?.({ stage: "build", message: `building the ${optimize} harness of ${target.sym.canonical}` });
  const built = await buildHarness(target, optimize, input.signal);
  if (!built.ok) return { ok: false as const, diagnostics: built.diagnostics };
  const { gen, ms } = built;
  const proc = t.proc;
  const baselineText = procText(target, target.baseline);
  const variantText = procText(target, proc);
  const sidecarHost = target.sym.module.items
    .filter((i) => i.kind === "host" && i.span.file.endsWith(".variants.kz"))
    .map((i) => (i.kind === "host" ? i.text : ""));
  const scan = scanVariant(proc, {
    moduleVars: moduleVars(target.sym.module),
    baselineBody: target.baseline.body,
    sidecarHost,
  });
  const corpus = await writeCorpus(target.workspace, target.sym.canonical);
  return {
    ok: true as const,
    target,
    tag: t.tag,
    proc,
    policy: policy.policy,
    state: gen.state,
    index: gen.tags.indexOf(t.tag),
    exe: built.exePath,
    build: { ms, cached: built.cached },
    baselineText,
    variantText,
    scan,
    corpus,
  };
}

/** Generate and build the event's harness (baseline and every variant in one program). */
export async function buildHarness(
  target: Target,
  optimize: "ReleaseSafe" | "ReleaseFast" | "Debug",
  signal?: AbortSignal,
): Promise<
  | { ok: true; gen: ReturnType<typeof generateHarness>; exePath: string; cached: boolean; ms: number }
  | { ok: false; diagnostics: Diagnostic[]; shapeError: boolean }
> {
  const policy = declaredPolicy(target.baseline, target.sources.get(target.baseline.span.file));
  const gen = generateHarness(target, policy.policy);
  if (!gen.compiled.zig || hasErrors(gen.compiled.diagnostics))
    return { ok: false, diagnostics: gen.compiled.diagnostics, shapeError: false };
  const t0 = performance.now();
  const built = await buildExecutable({
    zig: gen.compiled.zig,
    runtimeFiles: [HARNESS_RUNTIME],
    optimize,
    workspace: target.workspace,
    ...(gen.compiled.sourceMap ? { sourceMap: gen.compiled.sourceMap } : {}),
    name: "harness",
    ...(signal ? { signal } : {}),
  });
  const ms = Math.round(performance.now() - t0);
  if (built.ok) return { ok: true, gen, exePath: built.exePath, cached: built.cached, ms };
  const shape = built.diagnostics
    .map((d) => /koru-harness: (cannot (?:generate|compare)[^"]*)/.exec(d.message)?.[1])
    .find(Boolean);
  if (shape)
    return {
      ok: false,
      shapeError: true,
      diagnostics: [
        usage("KORU079", `the harness ${shape} (an input of '${target.sym.canonical}')`, target.baseline.span.file),
      ],
    };
  return { ok: false, diagnostics: built.diagnostics, shapeError: false };
}

export function sig(input: Common): { signal?: AbortSignal } {
  return input.signal ? { signal: input.signal } : {};
}

// ---------------------------------------------------------------------------------- review, select, revert

export async function reviewVariant(
  input: Common & { event: string; tag: string },
): Promise<OpResult<{ markdown: string; evidence: Evidence }>> {
  const target = loadTarget(input.file, input.event);
  if (!target.ok) return target;
  const t = findTag(target, input.tag);
  if (!t.ok) return t;
  const ev = readEvidence(target.workspace, target.sym.canonical, t.tag);
  if (!ev)
    return {
      ok: false,
      diagnostics: [
        usage(
          "KORU123",
          `no evidence for ${t.tag} of ${target.sym.canonical}: run 'koruc variants test' first`,
          target.file,
        ),
      ],
    };
  const stale = staleReason(ev, procText(target, target.baseline), procText(target, t.proc));
  const markdown = (stale ? `> STALE: ${stale}; test again before selecting.\n\n` : "") + renderReview(ev);
  return { ok: true, markdown, evidence: ev };
}

// ---------------------------------------------------------------------------------- versions

function zigVersion(): string {
  const z = findZig();
  return "version" in z ? z.version : "unknown";
}

function runtimeText(): string {
  return readFileSync(join(packageRoot(), "zig-runtime", HARNESS_RUNTIME), "utf8");
}
