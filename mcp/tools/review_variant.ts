import * as z from "zod";
import { reviewVariant } from "../../variants/index.js";
import { bounded, Entry, EventName } from "../schemas.js";
import { defineTool, READ_ONLY, SECOND } from "../tool.js";
import { common, evidenceLink, Tag, unwrap } from "../variant-ops.js";

export const reviewVariantTool = defineTool({
  name: "review_variant",
  title: "Review a variant",
  description:
    "The Markdown evidence review of a variant: baseline and variant side by side, the verdict and why, cases per " +
    "tier, counterexamples, scan findings, the benchmark. A stale record (a source changed since) says so. Read-only.",
  input: { entry: Entry, event: EventName, tag: Tag },
  output: {
    verdict: z.string(),
    reasons: z.array(z.string()),
    verdict_line: z.string().describe("One line: the verdict and why."),
    markdown: z.string().describe("The review (cut to 20,000 characters; the full record is the evidence resource)."),
    evidence: z.string(),
  },
  annotations: READ_ONLY,
  timeoutMs: 30 * SECOND,
  async run(args, ctx) {
    const { services } = ctx;
    const r = unwrap(
      services,
      await reviewVariant({ ...common(services, ctx, args.entry), event: args.event, tag: args.tag }),
    );
    const ev = r.evidence;
    const md = bounded(r.markdown, 20_000);
    const verdictLine = `${ev.verdict}${ev.reasons.length ? `: ${ev.reasons.join("; ")}` : ""}`;
    const link = evidenceLink(ev.event, ev.tag);
    return {
      result: {
        verdict: ev.verdict,
        reasons: ev.reasons,
        verdict_line: verdictLine,
        markdown: md.text,
        evidence: link.uri,
      },
      text: md.text,
      links: [link],
    };
  },
});
