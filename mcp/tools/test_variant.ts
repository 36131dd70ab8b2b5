import * as z from "zod";
import { testVariant } from "../../variants/index.js";
import { Entry, EventName } from "../schemas.js";
import { BUILDS, defineTool, MINUTE } from "../tool.js";
import { evidenceLink, onVariant, Tag } from "../variant-ops.js";

const MAX_SHOWN = 3;

export const testVariantTool = defineTool({
  name: "test_variant",
  title: "Test a variant",
  description:
    "Property-test a variant against the baseline: every edge case of the input shape, a smoke tier with a known " +
    "seed, then a gate tier of >= 10,000 random cases with a seed drawn now, plus recorded and regression inputs; " +
    "a static scan for clocks, globals, threads and calls to the baseline. A rejection is a successful result with " +
    "`passed` false, its reasons and shrunk counterexamples. Writes the evidence record. Next: benchmark_variant.",
  input: {
    entry: Entry,
    event: EventName,
    tag: Tag,
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .optional()
      .describe("Smoke tier seed (default 1)."),
    gate_cases: z
      .number()
      .int()
      .min(10_000)
      .max(10_000_000)
      .optional()
      .describe("Gate tier random cases (default 10,000)."),
  },
  output: {
    passed: z.boolean(),
    verdict: z.string(),
    reasons: z.array(z.string()),
    cases: z.number().int().describe("Cases run across tiers."),
    edge_cases: z.number().int(),
    counterexamples: z.array(z.object({ input: z.string(), baseline: z.string(), variant: z.string() })),
    incidents: z.array(z.object({ kind: z.string(), side: z.string(), message: z.string() })),
    evidence: z.string().describe("URI of the evidence record."),
  },
  annotations: BUILDS,
  timeoutMs: 20 * MINUTE,
  async run(args, ctx) {
    const { services } = ctx;
    const r = await onVariant(ctx, args, testVariant, {
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
      ...(args.gate_cases !== undefined ? { gateCases: args.gate_cases } : {}),
    });
    const ev = r.evidence;
    const counterexamples = ev.counterexamples
      .slice(0, MAX_SHOWN)
      .map((c) => ({ input: c.input, baseline: c.baseline, variant: c.variant }));
    const incidents = ev.incidents.slice(0, MAX_SHOWN).map((i) => ({ kind: i.kind, side: i.side, message: i.message }));
    const cases = ev.tiers.reduce((n, t) => n + t.total, 0);
    const link = evidenceLink(ev.event, ev.tag);
    services.notifier.resourceUpdated(link.uri);
    const lines = [
      r.passed
        ? `${ev.tag} passed ${cases} cases (${ev.edge_cases} edge cases); verdict ${ev.verdict}`
        : `${ev.tag} rejected: ${ev.reasons.join("; ")}`,
      ...counterexamples.map(
        (c) => `counterexample: input ${c.input}\n  baseline: ${c.baseline}\n  variant:  ${c.variant}`,
      ),
      ...incidents.map((i) => `${i.kind} (${i.side}): ${i.message}`),
      r.passed
        ? `next: benchmark_variant {event: "${ev.event}", tag: "${ev.tag}"}`
        : "fix the variant and propose it again",
    ];
    return {
      result: {
        passed: r.passed,
        verdict: ev.verdict,
        reasons: ev.reasons,
        cases,
        edge_cases: ev.edge_cases,
        counterexamples,
        incidents,
        evidence: link.uri,
      },
      text: lines.join("\n"),
      links: [link],
    };
  },
});
