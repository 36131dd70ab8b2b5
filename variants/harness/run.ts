// Run a built harness for one tier: parse its JSON lines, resume after a baseline panic or
// hang (an input outside the baseline's domain is recorded, not compared), stop on a
// variant panic or hang (a rejection).
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
  /** Baseline panics/hangs: inputs outside its domain, skipped. */
  outOfDomain: Incident[];
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

const MAX_OUT_OF_DOMAIN = 50;

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
    incidents: [],
    maxUlp: 0,
    maxAbs: 0,
    durationMs: 0,
    harnessNs: 0,
  };
  const t0 = performance.now();
  let resume: string | undefined;
  for (;;) {
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
    if (resume) args.push("--resume", resume);
    const left = req.totalMs - (performance.now() - t0);
    if (left <= 0)
      return { ok: false, message: `the ${req.tier} tier ran past its total time limit of ${req.totalMs} ms` };
    const child = await runChild(req.exe, args, { timeoutMs: left, ...(req.signal ? { signal: req.signal } : {}) });
    if (child.cancelled) return { ok: false, message: "cancelled" };
    if (child.spawnError) return { ok: false, message: `cannot start the harness: ${child.spawnError}` };
    let stop: Incident | undefined;
    let finished = false;
    for (const line of child.stdout.split("\n")) {
      if (!line.startsWith("{")) continue;
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      switch (m.t) {
        case "start":
          res.exhaustive = m.exhaustive === true;
          res.spaceBits = typeof m.space_bits === "number" ? m.space_bits : null;
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
          });
          break;
        case "panic":
        case "hang": {
          addDone(res, m.done);
          const inc: Incident = {
            kind: m.t,
            side: m.side as Incident["side"],
            phase: m.phase as Phase,
            case: Number(m.case),
            message: m.t === "panic" ? String(m.msg) : `no answer within ${m.limit_ms} ms`,
          };
          stop = inc;
          break;
        }
        case "done":
          addDone(res, m.done);
          res.failures += Number(m.failures);
          res.maxUlp = Math.max(res.maxUlp, Number(m.max_ulp));
          res.maxAbs = Math.max(res.maxAbs, Number(m.max_abs));
          res.harnessNs += Number(m.ns);
          finished = true;
          break;
      }
    }
    if (finished) break;
    if (!stop) {
      if (child.timedOut)
        return { ok: false, message: `the ${req.tier} tier ran past its total time limit of ${req.totalMs} ms` };
      // Killed by a signal or an exit we did not write: the last side that ran crashed.
      stop = {
        kind: "crash",
        side: "none",
        phase: "random",
        case: -1,
        message: firstLines(child.stderr) || `exit ${child.exitCode}`,
      };
      res.incidents.push(stop);
      break;
    }
    if (stop.side === "baseline") {
      res.outOfDomain.push(stop);
      if (res.outOfDomain.length > MAX_OUT_OF_DOMAIN) {
        return {
          ok: false,
          message: `the baseline panicked or hung on more than ${MAX_OUT_OF_DOMAIN} inputs: its domain is much narrower than its input types`,
        };
      }
      resume = `${PHASES.indexOf(stop.phase)}:${stop.case + 1}`;
      continue;
    }
    res.incidents.push(stop);
    break;
  }
  res.total = res.cases.replay + res.cases.edge + res.cases.random + res.cases.exhaustive;
  res.durationMs = performance.now() - t0;
  return { ok: true, result: res };
}

function addDone(res: TierResult, done: unknown): void {
  if (!Array.isArray(done)) return;
  PHASES.forEach((p, i) => {
    res.cases[p] += Number(done[i] ?? 0);
  });
}

function firstLines(text: string): string {
  return text.trim().split("\n").slice(0, 6).join("\n");
}
