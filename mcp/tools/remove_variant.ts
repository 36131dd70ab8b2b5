import * as z from "zod";
import { removeVariant } from "../../variants/index.js";
import { Entry, EventName } from "../schemas.js";
import { defineTool, SECOND } from "../tool.js";
import { common, Tag, unwrap } from "../variant-ops.js";

export const removeVariantTool = defineTool({
  name: "remove_variant",
  title: "Remove a variant",
  description:
    "Take a variant out of its sidecar <module>.variants.kz and delete its evidence; the baseline is never touched. If it was selected, the build calls the baseline again. Only variants in a sidecar can be removed.",
  input: { entry: Entry, event: EventName, tag: Tag },
  output: { event: z.string(), tag: z.string(), file: z.string(), unselected: z.boolean() },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  timeoutMs: 30 * SECOND,
  async run(args, ctx) {
    const { services } = ctx;
    const r = unwrap(
      services,
      await removeVariant({ ...common(services, ctx, args.entry), event: args.event, tag: args.tag }),
    );
    services.notifier.resourceUpdated(`koru://variants/${encodeURIComponent(r.event)}`);
    return {
      result: { event: r.event, tag: r.tag, file: services.rel(r.sidecar), unselected: r.unselected },
      text: `${r.tag} of ${r.event} removed from ${services.rel(r.sidecar)}${r.unselected ? "; the build calls the baseline again" : ""}`,
    };
  },
});
