import * as z from "zod";
import { benchVariant, FASTER_BELOW } from "../../variants/index.js";
import { Entry, EventName } from "../schemas.js";
import { BUILDS, defineTool, MINUTE } from "../tool.js";
import { evidenceLink, onVariant, Tag } from "../variant-ops.js";

export const benchmarkVariantTool = defineTool({
  name: "benchmark_variant",
  title: "Benchmark a variant",
  description:
    "Time the variant against the baseline on the same inputs (ReleaseFast, >= 30 interleaved pairs, warm-up " +
    `discarded): median time ratio with a bootstrap 95% CI. Faster only when the whole CI is below ${FASTER_BELOW}; ` +
    "a speedup above 10x is flagged suspect. Updates the evidence. Next: review_variant.",
  input: {
    entry: Entry,
    event: EventName,
    tag: Tag,
    pairs: z.number().int().min(30).max(1000).optional().describe("Interleaved baseline/variant pairs (default 30)."),
  },
  output: {
    faster: z.boolean(),
    suspect: z.boolean(),
    speedup: z.number().describe("Baseline time / variant time at the median."),
    ci_low: z.number().describe("Lower end of the speedup's 95% interval."),
    ci_high: z.number().describe("Upper end of the speedup's 95% interval."),
    median_ratio: z.number().describe("Variant time / baseline time (< 1 is faster)."),
    pairs: z.number().int(),
    verdict: z.string().optional().describe("The evidence's verdict after the benchmark."),
    reason: z.string(),
  },
  annotations: BUILDS,
  timeoutMs: 20 * MINUTE,
  async run(args, ctx) {
    const { services } = ctx;
    const r = await onVariant(ctx, args, benchVariant, args.pairs !== undefined ? { pairs: args.pairs } : {});
    const b = r.bench;
    const ciLow = 1 / b.ciHigh;
    const ciHigh = 1 / b.ciLow;
    const reason = b.suspect
      ? `suspect: ${b.speedup.toFixed(1)}x is more than 10x; review the variant by hand`
      : b.faster
        ? `faster: the whole 95% CI of the time ratio (${b.ciLow.toFixed(3)}-${b.ciHigh.toFixed(3)}) is below ${FASTER_BELOW}`
        : `not faster: the 95% CI of the time ratio (${b.ciLow.toFixed(3)}-${b.ciHigh.toFixed(3)}) reaches ${FASTER_BELOW}`;
    const link = evidenceLink(r.evidence?.event ?? args.event, r.evidence?.tag ?? args.tag);
    services.notifier.resourceUpdated(link.uri);
    return {
      result: {
        faster: b.faster,
        suspect: b.suspect,
        speedup: b.speedup,
        ci_low: ciLow,
        ci_high: ciHigh,
        median_ratio: b.medianRatio,
        pairs: b.pairs.length,
        ...(r.evidence ? { verdict: r.evidence.verdict } : {}),
        reason,
      },
      text:
        `${b.speedup.toFixed(2)}x (95% CI ${ciLow.toFixed(2)}-${ciHigh.toFixed(2)}, ${b.pairs.length} pairs): ${reason}` +
        (r.evidence ? `; verdict ${r.evidence.verdict}` : ""),
      links: [link],
    };
  },
});
