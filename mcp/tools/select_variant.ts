import * as z from "zod";
import { selectVariant } from "../../variants/index.js";
import { Entry, EventName } from "../schemas.js";
import { DESTRUCTIVE, defineTool, SECOND } from "../tool.js";
import { common, Tag, unwrap } from "../variant-ops.js";

export const selectVariantTool = defineTool({
  name: "select_variant",
  title: "Select a variant",
  description:
    "Make the build use a variant instead of the baseline (koru.variants.json; no source is edited). Refused unless " +
    "the variant's evidence is fresh and accepted (test_variant + benchmark_variant); `force` overrides. Undo with revert_variant.",
  input: {
    entry: Entry,
    event: EventName,
    tag: Tag,
    force: z.boolean().optional().describe("Select without accepted, fresh evidence."),
  },
  output: { event: z.string(), tag: z.string(), previous: z.string().nullable(), forced: z.boolean() },
  annotations: DESTRUCTIVE,
  timeoutMs: 30 * SECOND,
  async run(args, ctx) {
    const { services } = ctx;
    const r = unwrap(
      services,
      await selectVariant({
        ...common(services, ctx, args.entry),
        event: args.event,
        tag: args.tag,
        ...(args.force ? { force: true } : {}),
      }),
    );
    services.notifier.resourceUpdated(`koru://variants/${encodeURIComponent(r.event)}`);
    return {
      result: { event: r.event, tag: r.tag, previous: r.previous, forced: r.forced },
      text: `the build now uses ${r.tag} for ${r.event}${r.forced ? " (forced)" : ""}; previously ${r.previous ?? "the baseline"}; rebuild with run or compile`,
    };
  },
});
