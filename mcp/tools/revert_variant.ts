import * as z from "zod";
import { revertVariant } from "../../variants/index.js";
import { Entry, EventName } from "../schemas.js";
import { defineTool, SECOND } from "../tool.js";
import { common, unwrap } from "../variant-ops.js";

export const revertVariantTool = defineTool({
  name: "revert_variant",
  title: "Revert to the baseline",
  description:
    "Make the build use the event's baseline again (removes its selection from koru.variants.json). Variants stay in the sidecar.",
  input: { entry: Entry, event: EventName },
  output: { event: z.string(), previous: z.string().nullable() },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  timeoutMs: 30 * SECOND,
  async run(args, ctx) {
    const { services } = ctx;
    const r = unwrap(services, await revertVariant({ ...common(services, ctx, args.entry), event: args.event }));
    services.notifier.resourceUpdated(`koru://variants/${encodeURIComponent(r.event)}`);
    return {
      result: { event: r.event, previous: r.previous },
      text: `${r.event} uses its baseline again${r.previous ? ` (was ${r.previous})` : ""}`,
    };
  },
});
