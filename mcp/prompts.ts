// Prompts: optimize_hotspot (what a model needs to write a variant that passes) and
// explain_event. The optimize tool sends the same optimize_hotspot text through sampling.
import * as z from "zod";
import { listRuns } from "../ccp/run-records.js";
import { declarationText, findEvent, procText } from "./events.js";
import { parseProgram, runHotspots } from "./ops.js";
import type { Hotspot } from "./schemas.js";
import type { Services } from "./services.js";
import { ToolError } from "./tool.js";

export interface PromptDef {
  name: string;
  title: string;
  description: string;
  args: z.ZodRawShape;
  text(services: Services, args: Record<string, string | undefined>): Promise<string>;
}

export const VARIANT_RULES = [
  "A variant passes only when all of these hold:",
  "1. Same observable behaviour as the baseline for every input: the same branch, the same payload field by field,",
  "   the same writes through mutable slices or pointers, the same printed text. Floats compare exactly unless the",
  "   baseline declares a float policy.",
  "2. It is checked on every edge case of the input shape, on >= 10,000 random cases drawn after you submit, and on",
  "   recorded real inputs when the run captured them. A counterexample is shrunk and shown to you.",
  "3. No clocks, environment, randomness, threads, inline assembly, mutable globals of its own or static caches, and",
  "   no calls to the baseline; it must not panic or hang, and must give the same answer when run twice.",
  "4. It is faster only when the whole 95% confidence interval of the variant/baseline time ratio is below 0.98",
  "   (interleaved pairs, ReleaseFast). A speedup above 10x is flagged as suspect and reviewed.",
  "5. Write it as a new proc with a tag, never an edit of the baseline: answer with one fenced code block holding",
  "   either the whole `~proc <event>|zig(<tag>) { ... }` declaration or just the Zig body.",
].join("\n");

/** The latest run's hotspot figures for an event, if any run measured it. */
async function hotspotOf(
  services: Services,
  event: string,
  runId?: string,
): Promise<{ runId: string; h?: Hotspot } | undefined> {
  const id = runId ?? listRuns(services.root)[0];
  if (!id) return undefined;
  const h = (await runHotspots(services, id, { minShare: 0, limit: 1000 }).catch(() => [])).find(
    (x) => x.event_name === event,
  );
  return { runId: id, ...(h ? { h } : {}) };
}

/** The top hotspot of the latest (or given) run. */
export async function topHotspot(services: Services, runId?: string): Promise<Hotspot | undefined> {
  const id = runId ?? listRuns(services.root)[0];
  if (!id) return undefined;
  return (await runHotspots(services, id, { limit: 1 }).catch(() => []))[0];
}

export async function optimizeHotspotText(
  services: Services,
  args: { event?: string; run_id?: string; entry?: string },
): Promise<string> {
  const entry = services.entry(args.entry);
  const parsed = parseProgram(entry);
  if (!parsed.program) throw new ToolError(`${services.rel(entry)} does not parse: call check`);
  let eventName = args.event;
  if (!eventName) {
    const top = await topHotspot(services, args.run_id);
    if (!top) throw new ToolError("no event given and no analysis recorded: call analyze first, or name the event");
    eventName = top.event_name;
  }
  const sym = findEvent(parsed.program, eventName);
  if (!sym.proc)
    throw new ToolError(
      `${sym.canonical} has no proc to optimize (${sym.subflow ? "it is a subflow" : "no implementation"})`,
    );
  const hot = await hotspotOf(services, sym.canonical, args.run_id);
  const figures = hot?.h
    ? [
        `Measured in run ${hot.runId}: ${hot.h.call_count} calls, ${(hot.h.share * 100).toFixed(1)}% of the run's time,`,
        `${hot.h.self_ms.toFixed(2)} ms self time, ${hot.h.mean_self_ns.toFixed(0)} ns mean per call,`,
        `branches: ${
          Object.entries(hot.h.branch_probabilities)
            .map(([b, p]) => `${b} ${(p * 100).toFixed(1)}%`)
            .join(", ") || "none"
        }.`,
        ...hot.h.optimization_candidates.slice(0, 2).map((c) => `Candidate ${c.strategy}: ${c.reason}`),
      ].join("\n")
    : "No run has measured this event yet (call analyze for figures).";
  return [
    `Write a faster variant of the Koru event ${sym.canonical} (${services.rel(sym.module.file)}:${sym.decl.span.line}).`,
    "",
    "The event's shape:",
    "```koru",
    declarationText(sym),
    "```",
    "",
    "The baseline proc (never modified; your variant is compiled beside it and compared against it):",
    "```koru",
    procText(sym)!,
    "```",
    "",
    figures,
    "",
    "Recorded inputs: none captured for this event; the harness generates inputs from the input shape.",
    "",
    VARIANT_RULES,
  ].join("\n");
}

export const PROMPTS: PromptDef[] = [
  {
    name: "optimize_hotspot",
    title: "Optimize a hotspot",
    description:
      "Everything a model needs to write a variant of a hot event that passes: the event's shape, the baseline source, " +
      "the hotspot figures of the latest analysis and the rules a variant must satisfy.",
    args: {
      event: z.string().optional().describe("Event name (default: the top hotspot of the latest analysis)."),
      run_id: z.string().optional().describe("Run whose figures to show (default: the latest)."),
      entry: z.string().optional().describe("Entry .kz file (default: the workspace's)."),
    },
    text: (services, args) => optimizeHotspotText(services, args),
  },
  {
    name: "explain_event",
    title: "Explain an event",
    description:
      "Ask for an explanation of one event: its shape, implementation, where it is invoked and its variants.",
    args: {
      event: z.string().describe("Event name."),
      entry: z.string().optional().describe("Entry .kz file (default: the workspace's)."),
    },
    async text(services, args) {
      const entry = services.entry(args.entry);
      const parsed = parseProgram(entry);
      if (!parsed.program) throw new ToolError(`${services.rel(entry)} does not parse: call check`);
      const sym = findEvent(parsed.program, args.event ?? "");
      const impl =
        procText(sym) ??
        (sym.subflow ? `implemented by a subflow at line ${sym.subflow.span.line}` : "no implementation");
      return [
        `Explain what the Koru event ${sym.canonical} does, when each of its branches is taken, and what a caller must handle.`,
        "",
        "```koru",
        declarationText(sym),
        "```",
        "",
        "Implementation:",
        "```koru",
        impl,
        "```",
        sym.decl.doc ? `\nIts documentation comment: ${sym.decl.doc}` : "",
        sym.variants.size ? `\nVariants: ${[...sym.variants.keys()].join(", ")}` : "",
      ].join("\n");
    },
  },
];
