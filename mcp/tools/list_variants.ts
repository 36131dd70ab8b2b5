import * as z from "zod";
import { listVariants } from "../../variants/index.js";
import { Entry } from "../schemas.js";
import { defineTool, READ_ONLY, SECOND } from "../tool.js";
import { common, unwrap } from "../variant-ops.js";

export const listVariantsTool = defineTool({
  name: "list_variants",
  title: "List variants",
  description:
    "Every variant (or one event's): where it lives, tested or not, its verdict and speedup, stale or not, selected or not. Read-only.",
  input: { entry: Entry, event: z.string().min(1).max(256).optional().describe("Only this event's variants.") },
  output: {
    variants: z.array(
      z.object({
        event: z.string(),
        tag: z.string(),
        file: z.string(),
        line: z.number().int(),
        status: z.enum(["untested", "passed", "failed", "inconclusive"]),
        verdict: z.string().optional(),
        stale: z.boolean(),
        selected: z.boolean(),
        speedup: z.number().optional(),
      }),
    ),
  },
  annotations: READ_ONLY,
  timeoutMs: 30 * SECOND,
  async run(args, ctx) {
    const { services } = ctx;
    const r = unwrap(
      services,
      await listVariants({ ...common(services, ctx, args.entry), ...(args.event ? { event: args.event } : {}) }),
    );
    const variants = r.variants.map((v) => ({ ...v, file: services.rel(v.file) }));
    return {
      result: { variants },
      text: variants.length
        ? variants
            .map(
              (v) =>
                `${v.event} ${v.tag}: ${v.status}${v.verdict ? ` (${v.verdict})` : ""}${v.speedup ? `, ${v.speedup.toFixed(2)}x` : ""}${v.stale ? ", stale" : ""}${v.selected ? ", SELECTED" : ""}`,
            )
            .join("\n")
        : "no variants",
    };
  },
});
