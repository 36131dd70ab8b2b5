import * as z from "zod";
import { benchVariant, proposeVariant, testVariant } from "../../variants/index.js";
import { optimizeLoop, type VariantSteps } from "../optimize.js";
import { optimizeHotspotText, topHotspot } from "../prompts.js";
import { Entry } from "../schemas.js";
import { DESTRUCTIVE, defineTool, MINUTE, ToolError } from "../tool.js";
import { common, renderProblems } from "../variant-ops.js";

const SYSTEM = "You write faster variants of Koru procs (Zig bodies). Answer with exactly one fenced code block.";

const AttemptOut = z.object({
  attempt: z.number().int(),
  tag: z.string(),
  verdict: z.enum(["accepted", "not_faster", "rejected", "unreadable", "invalid"]),
  reason: z.string(),
  speedup: z.number().optional(),
  ci_low: z.number().optional(),
  ci_high: z.number().optional(),
});

export const optimizeTool = defineTool({
  name: "optimize",
  title: "Optimize a hotspot",
  description:
    "For an event (default: the top hotspot of the latest analysis) ask your model, through MCP sampling, for a " +
    "variant with the optimize_hotspot prompt; test and benchmark each proposal, feed counterexamples, rejections and " +
    "benchmark results back, for up to `attempts` proposals; return the best verified variant with its evidence. " +
    "It selects it only with `select: true`. A client without sampling gets the prompt and the next steps instead. " +
    "Long: send a progress token, or use start_job.",
  input: {
    entry: Entry,
    event: z.string().min(1).max(256).optional().describe("Event to optimize (default: the top hotspot)."),
    run_id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,80}$/)
      .optional()
      .describe("Analysis whose figures go in the prompt (default: latest)."),
    attempts: z.number().int().min(1).max(8).optional().describe("Proposals to ask for at most (default 3)."),
    select: z.boolean().optional().describe("Select the best verified variant (default false)."),
    max_tokens: z
      .number()
      .int()
      .min(256)
      .max(32_000)
      .optional()
      .describe("Token limit of each model answer (default 4000)."),
  },
  output: {
    mode: z.enum(["sampled", "manual"]).describe("manual: the client cannot sample; follow next_steps."),
    event: z.string(),
    attempts: z.array(AttemptOut),
    best: AttemptOut.optional(),
    selected: z.boolean(),
    prompt: z.string().optional().describe("In manual mode: the optimize_hotspot prompt to answer."),
    next_steps: z.array(z.string()).optional(),
  },
  annotations: DESTRUCTIVE,
  timeoutMs: 60 * MINUTE,
  async run(args, ctx) {
    const { services } = ctx;
    let event = args.event;
    if (!event) {
      const top = await topHotspot(services, args.run_id);
      if (!top) throw new ToolError("no event given and no analysis recorded: call analyze first, or name the event");
      event = top.event_name;
    }
    const prompt = await optimizeHotspotText(services, {
      event,
      ...(args.run_id ? { run_id: args.run_id } : {}),
      ...(args.entry ? { entry: args.entry } : {}),
    });
    if (!ctx.sample) {
      return {
        result: {
          mode: "manual" as const,
          event,
          attempts: [],
          selected: false,
          prompt,
          next_steps: [
            "answer the prompt with a variant (one fenced code block)",
            `propose_variant {event: "${event}", source: <your answer>}`,
            `test_variant {event: "${event}", tag: <the tag propose_variant returned>}`,
            "benchmark_variant, review_variant, then select_variant when the verdict is accepted",
          ],
        },
        text: `your client cannot answer sampling requests; answer this prompt yourself, then call propose_variant and test_variant:\n\n${prompt}`,
      };
    }
    const base = () => common(services, ctx, args.entry);
    const steps: VariantSteps = {
      async propose(tag, body) {
        const r = await proposeVariant({ ...base(), event: event!, tag, body });
        return r.ok ? { ok: true } : { ok: false, problem: renderProblems(services, r.diagnostics) };
      },
      async test(tag, signal) {
        const r = await services.exclusive(signal, () => testVariant({ ...base(), event: event!, tag }));
        if (!r.ok) return { passed: false, reason: renderProblems(services, r.diagnostics) };
        const ev = r.evidence;
        const c = ev.counterexamples[0];
        const i = ev.incidents[0];
        const detail = c
          ? ` Counterexample: input ${c.input}; baseline gave ${c.baseline}; the variant gave ${c.variant}.`
          : i
            ? ` ${i.kind}: ${i.message}.`
            : "";
        return {
          passed: r.passed,
          reason: `${ev.reasons.join("; ") || `passed ${ev.tiers.reduce((n, t) => n + t.total, 0)} cases`}.${detail}`,
        };
      },
      async bench(tag, signal) {
        const r = await services.exclusive(signal, () => benchVariant({ ...base(), event: event!, tag }));
        if (!r.ok) return { faster: false, speedup: 0, ci: [0, 0], reason: renderProblems(services, r.diagnostics) };
        const b = r.bench;
        const ci: [number, number] = [1 / b.ciHigh, 1 / b.ciLow];
        const verdict = r.evidence?.verdict;
        return {
          faster: b.faster && !b.suspect && verdict === "accepted",
          speedup: b.speedup,
          ci,
          reason: b.suspect
            ? "suspect: more than 10x faster"
            : b.faster
              ? `faster, verdict ${verdict}`
              : "the 95% CI does not show it faster",
        };
      },
    };
    const sample = ctx.sample;
    const outcome = await optimizeLoop({
      event,
      prompt,
      attempts: args.attempts ?? 3,
      tagPrefix: `opt${Date.now().toString(36)}`,
      ask: (messages) => sample({ messages, systemPrompt: SYSTEM, maxTokens: args.max_tokens ?? 4000 }),
      steps,
      signal: ctx.signal,
      progress: (done, total, message) => ctx.progress(done, total, message),
    });
    const out = (a: (typeof outcome.attempts)[number]) => ({
      attempt: a.attempt,
      tag: a.tag,
      verdict: a.verdict,
      reason: a.reason,
      ...(a.speedup !== undefined ? { speedup: a.speedup } : {}),
      ...(a.ci ? { ci_low: a.ci[0], ci_high: a.ci[1] } : {}),
    });
    let selected = false;
    if (args.select && outcome.best) {
      const { selectVariant } = await import("../../variants/index.js");
      const r = await selectVariant({ ...base(), event, tag: outcome.best.tag });
      selected = r.ok;
    }
    const lines = outcome.attempts.map((a) => `attempt ${a.attempt} (${a.tag}): ${a.verdict}: ${a.reason}`);
    const best = outcome.best;
    lines.push(
      best
        ? `best: ${best.tag}, ${best.speedup?.toFixed(2)}x (95% CI ${best.ci?.[0].toFixed(2)}-${best.ci?.[1].toFixed(2)})${selected ? ", selected" : `; select it with select_variant {event: "${event}", tag: "${best.tag}"}`}`
        : "no verified faster variant",
    );
    return {
      result: {
        mode: "sampled" as const,
        event,
        attempts: outcome.attempts.map(out),
        ...(best ? { best: out(best) } : {}),
        selected,
      },
      text: lines.join("\n"),
    };
  },
});
