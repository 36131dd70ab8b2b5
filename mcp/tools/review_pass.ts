import * as z from "zod";
import { reviewPass } from "../../passes/index.js";
import { bounded } from "../schemas.js";
import { defineTool, READ_ONLY, SECOND, ToolError } from "../tool.js";

export const reviewPassTool = defineTool({
  name: "review_pass",
  title: "Review a pass",
  description:
    "The review of a proposed pass: its verdict and reasons and the unified diff of every program it changes. A stale pass (its source changed since) says so. Read-only.",
  input: { name: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/) },
  output: {
    name: z.string(),
    verdict: z.string(),
    reasons: z.array(z.string()),
    stale: z.string().optional(),
    diff: z.string(),
  },
  annotations: READ_ONLY,
  timeoutMs: 30 * SECOND,
  async run(args, { services }) {
    const r = reviewPass({ workspace: services.root, name: args.name });
    if (!r.ok) throw new ToolError(r.error);
    const diff = bounded(r.diff, 20_000);
    return {
      result: {
        name: r.name,
        verdict: r.evidence.verdict,
        reasons: r.evidence.reasons,
        ...(r.stale ? { stale: r.stale } : {}),
        diff: diff.text,
      },
      text: `pass ${r.name}: ${r.evidence.verdict}${r.stale ? ` (STALE: ${r.stale})` : ""}\n${diff.text}`,
    };
  },
});
