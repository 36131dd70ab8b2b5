// Run a built harness for one tier and parse its JSON lines. The harness itself goes on after
// a baseline panic or hang (an input outside the baseline's domain is counted, not compared)
// and stops on a variant panic, hang or crash (a rejection).
import { runChild } from "../process.js";

export type Phase = "replay" | "edge" | "random" | "exhaustive";
const PHASES: Phase[] = ["replay", "edge", "random", "exhaustive"];

export interface Counterexample {
  tier: string;
  phase: Phase;
  case: number;
  /** Hex bytes of the shrunk case: replays exactly. */
  bytes: string;
  input: string;
  baseline: string;
  variant: string;
  /** What each side printed on the case, when any proc of the event printed. */
  baselineText?: string;
  variantText?: string;
  /** The outputs shown are the ones with every allocation failing (they agree otherwise). */
  allocFails?: boolean;
}

export interface Incident {
  kind: "panic" | "hang" | "crash";
  side: "baseline" | "variant" | "variant_rerun" | "none";
  phase: Phase;
  case: number;
  message: string;
}

export interface TierResult {
  tier: "smoke" | "gate";
  seed: string;
  cases: Record<Phase, number>;
  total: number;
  exhaustive: boolean;
  spaceBits: number | null;
  failures: number;
  counterexamples: Counterexample[];
  /** The first baseline panics/hangs/crashes (up to 20): inputs outside its domain, skipped. */
  outOfDomain: Incident[];
  /** All inputs outside the baseline's domain (skipped; the random phase draws more in their place). */
  outOfDomainCount: number;
  /** Random cases drawn, in the baseline's domain or not. */
  attempts: number;
  /** The random phase ran out of attempts before `cases` inputs in the baseline's domain ran. */
  inconclusive: boolean;
  /** Printed text was captured (fds 1 and 2 of the procs) and compared per call. */
  textCompared: boolean;
  /** Some proc printed during the tier. */
  printed: boolean;
  /** Cases also run with an allocator whose every allocation fails (procs taking one). */
  allocFailureCases: number;
  /** Variant panics, hangs, crashes: a rejection. */
  incidents: Incident[];
  maxUlp: number;
  maxAbs: number;
  durationMs: number;
  /** Harness time alone (no process start), for the throughput figure. */
  harnessNs: number;
}

export interface TierRequest {
  exe: string;
  variantIndex: number;
  tier: "smoke" | "gate";
  seed: bigint;
  cases: number;
  corpusFile?: string;
  caseMs: number;
  totalMs: number;
  signal?: AbortSignal;
  onProgress?: (p: { tier: string; phase: string; done: number; total: number }) => void;
}

export type TierOutcome = { ok: true; result: TierResult } | { ok: false; message: string };

export async function runTier(req: TierRequest): Promise<TierOutcome> {
  const res: TierResult = {
    tier: req.tier,
    seed: req.seed.toString(),
    cases: { replay: 0, edge: 0, random: 0, exhaustive: 0 },
    total: 0,
    exhaustive: false,
    spaceBits: null,
    failures: 0,
    counterexamples: [],
    outOfDomain: [],
    outOfDomainCount: 0,
    attempts: 0,
    inconclusive: false,
    textCompared: false,
    printed: false,
    allocFailureCases: 0,
    incidents: [],
    maxUlp: 0,
    maxAbs: 0,
    durationMs: 0,
    harnessNs: 0,
  };
  const t0 = performance.now();
  const args = [
    "--mode",
    "test",
    "--variant",
    String(req.variantIndex),
    "--seed",
    req.seed.toString(),
    "--cases",
    String(req.cases),
    "--case-ms",
    String(req.caseMs),
  ];
  if (req.corpusFile) args.push("--replay", req.corpusFile);
  // The harness supervises its own cases: an input that makes the baseline panic, hang or
  // crash is counted as outside its domain and the run goes on (zig-runtime/variant_harness.zig).
  const child = await runChild(req.exe, args, {
    timeoutMs: req.totalMs,
    ...(req.signal ? { signal: req.signal } : {}),
  });
  if (child.cancelled) return { ok: false, message: "cancelled" };
  if (child.spawnError) return { ok: false, message: `cannot start the harness: ${child.spawnError}` };
  let stop: Incident | undefined;
  let finished = false;
  let harnessError: string | undefined;
  for (const line of child.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    switch (m.t) {
      case "error":
        harnessError = String(m.msg);
        break;
      case "start":
        res.exhaustive = m.exhaustive === true;
        res.spaceBits = typeof m.space_bits === "number" ? m.space_bits : null;
        res.textCompared = m.text_capture === true;
        break;
      case "progress":
        req.onProgress?.({ tier: req.tier, phase: String(m.phase), done: Number(m.done), total: Number(m.total) });
        break;
      case "counterexample":
        res.counterexamples.push({
          tier: req.tier,
          phase: m.phase as Phase,
          case: Number(m.case),
          bytes: String(m.bytes),
          input: String(m.input),
          baseline: String(m.baseline),
          variant: String(m.variant),
          ...(m.printed === true ? { baselineText: String(m.baseline_text), variantText: String(m.variant_text) } : {}),
          ...(m.alloc_fails === true ? { allocFails: true } : {}),
        });
        break;
      case "panic":
      case "hang":
      case "crash": {
        const inc: Incident = {
          kind: m.t,
          side: m.side as Incident["side"],
          phase: m.phase as Phase,
          case: Number(m.case),
          message:
            m.t === "panic"
              ? String(m.msg)
              : m.t === "hang"
                ? `no answer within ${m.limit_ms} ms`
                : Number(m.signal)
                  ? `killed by signal ${m.signal}`
                  : `exit ${m.exit}`,
        };
        // A batch run again (its text unchecked when a child died) may report a case twice.
        if (inc.side === "baseline") {
          if (!res.outOfDomain.some((o) => o.phase === inc.phase && o.case === inc.case)) res.outOfDomain.push(inc);
        } else {
          setDone(res, m.done);
          stop = inc;
        }
        break;
      }
      case "done":
        setDone(res, m.done);
        res.failures = Number(m.failures);
        res.outOfDomainCount = Number(m.out_of_domain ?? 0);
        res.attempts = Number(m.attempts ?? 0);
        res.inconclusive = m.short === true;
        res.printed = m.printed === true;
        res.allocFailureCases = Number(m.alloc_failure_cases ?? 0);
        res.maxUlp = Number(m.max_ulp);
        res.maxAbs = Number(m.max_abs);
        res.harnessNs = Number(m.ns);
        finished = true;
        break;
    }
  }
  if (harnessError !== undefined) return { ok: false, message: `the harness could not run: ${harnessError}` };
  if (!finished) {
    if (!stop) {
      if (child.timedOut)
        return { ok: false, message: `the ${req.tier} tier ran past its total time limit of ${req.totalMs} ms` };
      // Killed by a signal or an exit we did not write: the harness itself crashed.
      stop = {
        kind: "crash",
        side: "none",
        phase: "random",
        case: -1,
        message: firstLines(child.stderr) || `exit ${child.exitCode}`,
      };
    }
    res.incidents.push(stop);
  }
  res.total = res.cases.replay + res.cases.edge + res.cases.random + res.cases.exhaustive;
  res.durationMs = performance.now() - t0;
  return { ok: true, result: res };
}

function setDone(res: TierResult, done: unknown): void {
  if (!Array.isArray(done)) return;
  PHASES.forEach((p, i) => {
    res.cases[p] = Number(done[i] ?? 0);
  });
}

function firstLines(text: string): string {
  return text.trim().split("\n").slice(0, 6).join("\n");
}
