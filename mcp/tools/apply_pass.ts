import * as z from "zod";
import { applyPass, removePass } from "../../passes/index.js";
import { DESTRUCTIVE, defineTool, SECOND, ToolError } from "../tool.js";

export const applyPassTool = defineTool({
  name: "apply_pass",
  title: "Apply a pass",
  description:
    "Make every build of the workspace run a reviewed pass (recorded in koru.passes.json), or take it out again with " +
    "`remove: true` (builds are then exactly what they were without it). Refused for a rejected or stale pass.",
  input: {
    name: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/),
    remove: z.boolean().optional().describe("Take the pass out of the build instead."),
  },
  output: {
    name: z.string(),
    passes: z.array(z.object({ name: z.string(), file: z.string(), position: z.unknown() })),
  },
  annotations: DESTRUCTIVE,
  timeoutMs: 30 * SECOND,
  async run(args, { services }) {
    const r = args.remove
      ? removePass({ workspace: services.root, name: args.name })
      : applyPass({ workspace: services.root, name: args.name });
    if (!r.ok) throw new ToolError(r.error);
    const passes = r.passes.map((p) => ({ name: p.name, file: p.file, position: p.position }));
    return {
      result: { name: r.name, passes },
      text: `${args.remove ? "removed" : "applied"} ${r.name}; workspace passes now: ${passes.map((p) => p.name).join(", ") || "none"}`,
    };
  },
});
