// The optimize loop: ask the client's model (MCP sampling) for a variant of a hot event, test
// and benchmark each proposal through the variant operations, feed the rejection reason,
// counterexample or benchmark back, and keep the best verified variant. It never selects unless asked.

/** What the loop needs from the variant operations (variants/ does the work). */
export interface VariantSteps {
  /** Write the variant beside the baseline; a problem is returned for the model, not thrown. */
  propose(tag: string, body: string, signal: AbortSignal): Promise<{ ok: true } | { ok: false; problem: string }>;
  /** Property test against the baseline. */
  test(tag: string, signal: AbortSignal): Promise<{ passed: boolean; reason: string }>;
  /** Benchmark against the baseline: `faster` only when the whole CI is below the threshold. */
  bench(
    tag: string,
    signal: AbortSignal,
  ): Promise<{ faster: boolean; speedup: number; ci: [number, number]; reason: string }>;
}

export interface Attempt {
  attempt: number;
  tag: string;
  verdict: "accepted" | "not_faster" | "rejected" | "unreadable" | "invalid";
  reason: string;
  speedup?: number;
  ci?: [number, number];
}

export interface OptimizeOutcome {
  attempts: Attempt[];
  best?: Attempt;
}

export type Extracted = { ok: true; body: string; tag?: string } | { ok: false; problem: string };

const FENCE = /```[^\n]*\n([\s\S]*?)```/g;

/**
 * The variant in a model's answer: one fenced code block holding either the whole
 * `~proc event|zig(tag) { ... }` declaration or just the Zig body.
 */
export function extractVariant(answer: string, eventName: string): Extracted {
  const blocks = [...answer.matchAll(FENCE)].map((m) => m[1]);
  if (blocks.length === 0)
    return { ok: false, problem: "the answer has no fenced code block (```...```) holding the variant" };
  const block = blocks.find((b) => /^\s*~proc\b/m.test(b)) ?? blocks[0];
  const header = /^\s*~proc\s+([A-Za-z0-9_.:]+)(?:\|([^\s{]+))?\s*\{/m.exec(block);
  if (!header) {
    const body = block.replace(/^\n+|\s+$/g, "");
    return body.trim() ? { ok: true, body } : { ok: false, problem: "the code block is empty" };
  }
  const name = header[1].split(":").pop()!;
  const want = eventName.split(":").pop()!;
  if (name !== want) return { ok: false, problem: `the proc is for '${header[1]}', not for the event '${eventName}'` };
  const open = header.index + header[0].length;
  const close = block.lastIndexOf("}");
  if (close < open) return { ok: false, problem: "the ~proc declaration has no closing brace" };
  const body = block
    .slice(open, close)
    .replace(/^[ \t]*\n/, "")
    .replace(/\s+$/, "");
  if (!body.trim()) return { ok: false, problem: "the proc body is empty" };
  const tag = header[2] ? (/^zig\(([A-Za-z0-9_]+)\)$/.exec(header[2])?.[1] ?? header[2]) : undefined;
  return { ok: true, body, ...(tag ? { tag } : {}) };
}

export interface LoopOptions {
  event: string;
  prompt: string;
  attempts: number;
  tagPrefix: string;
  ask: (messages: { role: "user" | "assistant"; text: string }[]) => Promise<string>;
  steps: VariantSteps;
  signal: AbortSignal;
  progress?: (done: number, total: number, message: string) => void;
}

/** Up to `attempts` proposals; each rejection is explained to the model in the next request. */
export async function optimizeLoop(o: LoopOptions): Promise<OptimizeOutcome> {
  const messages: { role: "user" | "assistant"; text: string }[] = [{ role: "user", text: o.prompt }];
  const attempts: Attempt[] = [];
  let best: Attempt | undefined;
  for (let i = 1; i <= o.attempts; i++) {
    o.signal.throwIfAborted();
    o.progress?.(i - 1, o.attempts, `attempt ${i}: asking the model`);
    const answer = await o.ask(messages);
    messages.push({ role: "assistant", text: answer });
    const tag = `${o.tagPrefix}_${i}`;
    const record = (a: Omit<Attempt, "attempt" | "tag">, feedback: string) => {
      const full = { attempt: i, tag, ...a };
      attempts.push(full);
      messages.push({ role: "user", text: feedback });
      return full;
    };
    const extracted = extractVariant(answer, o.event);
    if (!extracted.ok) {
      record(
        { verdict: "unreadable", reason: extracted.problem },
        `I could not use that answer: ${extracted.problem}. Answer again with one fenced code block.`,
      );
      continue;
    }
    const proposed = await o.steps.propose(tag, extracted.body, o.signal);
    if (!proposed.ok) {
      record(
        { verdict: "invalid", reason: proposed.problem },
        `The variant does not compile: ${proposed.problem}\nFix it and answer again.`,
      );
      continue;
    }
    o.progress?.(i - 0.66, o.attempts, `attempt ${i}: testing ${tag}`);
    const tested = await o.steps.test(tag, o.signal);
    if (!tested.passed) {
      record(
        { verdict: "rejected", reason: tested.reason },
        `The variant was rejected by the property test: ${tested.reason}\nIt must behave exactly like the baseline. Answer with a corrected variant.`,
      );
      continue;
    }
    o.progress?.(i - 0.33, o.attempts, `attempt ${i}: benchmarking ${tag}`);
    const bench = await o.steps.bench(tag, o.signal);
    const a = record(
      { verdict: bench.faster ? "accepted" : "not_faster", reason: bench.reason, speedup: bench.speedup, ci: bench.ci },
      bench.faster
        ? `The variant passed and is ${bench.speedup.toFixed(2)}x faster (95% CI ${bench.ci[0].toFixed(2)}-${bench.ci[1].toFixed(2)}). Try for more if you can.`
        : `The variant is correct but not faster: ${bench.reason}. Try a different approach.`,
    );
    if (a.verdict === "accepted" && (!best || (a.speedup ?? 0) > (best.speedup ?? 0))) best = a;
    if (best) break; // A verified, faster variant: stop spending the model's tokens.
  }
  o.progress?.(o.attempts, o.attempts, best ? `best: ${best.tag}` : "no verified faster variant");
  return { attempts, ...(best ? { best } : {}) };
}
