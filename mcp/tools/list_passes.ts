import * as z from "zod";
import { listPasses } from "../../passes/index.js";
import { defineTool, READ_ONLY, SECOND } from "../tool.js";

export const listPassesTool = defineTool({
  name: "list_passes",
  title: "List passes",
  description:
    "The compiler's pipeline as a build of this workspace runs it (built-in passes and applied workspace passes, in " +
    "order), then passes proposed but not applied, with their status. Read-only.",
  input: {},
  output: {
    passes: z.array(
      z.object({
        name: z.string(),
        kind: z.enum(["builtin", "workspace"]),
        position: z.string().optional(),
        status: z.string().optional(),
        reason: z.string().optional(),
      }),
    ),
    problems: z.array(z.string()).describe("Problems reading koru.passes.json, if any."),
  },
  annotations: READ_ONLY,
  timeoutMs: 30 * SECOND,
  async run(_args, { services }) {
    const r = listPasses({ workspace: services.root });
    const problems = r.diagnostics.map((d) => `${services.rel(d.file)}:${d.line}:${d.col}: ${d.message}`);
    return {
      result: { passes: r.passes, problems },
      text: [
        ...r.passes.map(
          (p) => `${p.name} (${p.kind}${p.position ? `, ${p.position}` : ""}${p.status ? `, ${p.status}` : ""})`,
        ),
        ...problems,
      ].join("\n"),
    };
  },
});
