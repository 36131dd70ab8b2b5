import * as z from "zod";
import { proposePass } from "../../passes/index.js";
import { bounded, MAX_TEXT } from "../schemas.js";
import { ADDITIVE, defineTool, MINUTE, ToolError } from "../tool.js";

const PassName = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, "a pass name: lower-case letters, digits, _ and -");

export const proposePassTool = defineTool({
  name: "propose_pass",
  title: "Propose a pass",
  description:
    "Propose a compiler pass written as an ES module whose default export is `(program, api) => program`. It runs " +
    "sandboxed (QuickJS: time and memory limits, no file system, network, clock or randomness) on every program of " +
    "the workspace; each changed program is built and run before and after (differential check). Returns the " +
    "verdict, its reasons and the unified diff of the formatted sources. Nothing changes a build until apply_pass.",
  input: {
    name: PassName.describe("The pass's name."),
    source: z.string().min(1).max(MAX_TEXT).optional().describe("The pass module's source text..."),
    file: z.string().min(1).max(1024).optional().describe("...or a .js file in the workspace holding it."),
    position: z
      .string()
      .regex(/^(after|before):[a-z_]+$/, "after:<pass> or before:<pass>")
      .optional()
      .describe("Where it runs in the pipeline (default after:check)."),
    differential: z.boolean().optional().describe("Build and run changed programs before and after (default true)."),
  },
  output: {
    name: z.string(),
    verdict: z.string(),
    reasons: z.array(z.string()),
    diff: z.string().describe("Unified diff of the formatted sources (cut to 20,000 characters)."),
    programs: z.array(z.object({ file: z.string(), outcome: z.string(), reason: z.string().optional() })),
  },
  annotations: ADDITIVE,
  timeoutMs: 20 * MINUTE,
  async run(args, ctx) {
    const { services } = ctx;
    if ((args.source === undefined) === (args.file === undefined))
      throw new ToolError("give either `source` or `file`");
    const file = args.file !== undefined ? services.file(args.file, "pass file") : undefined;
    let n = 0;
    const r = await services.exclusive(ctx.signal, () =>
      proposePass({
        workspace: services.root,
        name: args.name,
        ...(file ? { file } : {}),
        ...(args.source !== undefined ? { source: args.source } : {}),
        ...(args.position ? { position: args.position } : {}),
        ...(args.differential !== undefined ? { differential: args.differential } : {}),
        signal: ctx.signal,
        onProgress: (message) => ctx.progress(++n, undefined, message),
      }),
    );
    if (!r.ok) throw new ToolError(r.error);
    const diff = bounded(r.diff, 20_000);
    const programs = r.programs.map((p) => ({
      file: p.file,
      outcome: p.outcome,
      ...(p.reason ? { reason: p.reason } : {}),
    }));
    return {
      result: { name: r.name, verdict: r.verdict, reasons: r.reasons, diff: diff.text, programs },
      text: `pass ${r.name}: ${r.verdict}${r.reasons.length ? ` (${r.reasons.join("; ")})` : ""}\n${diff.text}`,
    };
  },
});
