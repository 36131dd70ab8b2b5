import * as z from "zod";
import { compile } from "../../ccp/index.js";
import { diagnostics, opContext, operation, renderDiagnostics } from "../ops.js";
import { Diagnostic, Entry, MAX_TEXT } from "../schemas.js";
import { defineTool, READ_ONLY, SECOND } from "../tool.js";

export const checkTool = defineTool({
  name: "check",
  title: "Check",
  description:
    "Parse and check the program without building it. Diagnostics (code, file:line:col, hint) are a successful " +
    "result: `ok` is false when there are errors. Optionally check a text as the entry file's content. Read-only.",
  input: {
    entry: Entry,
    source: z
      .string()
      .max(MAX_TEXT)
      .optional()
      .describe("Check this text as the entry file's content (nothing is written)."),
  },
  output: {
    ok: z.boolean(),
    entry: z.string(),
    errors: z.number().int(),
    warnings: z.number().int(),
    diagnostics: z.array(Diagnostic),
  },
  annotations: READ_ONLY,
  timeoutMs: 30 * SECOND,
  async run(args, ctx) {
    const { services } = ctx;
    const entry = services.entry(args.entry);
    const r = await operation(services, ctx, () =>
      compile(
        { entry, checkOnly: true, ...(args.source !== undefined ? { source: args.source } : {}) },
        opContext(services, ctx),
      ),
    );
    const diags = diagnostics(services, r.diagnostics);
    const errors = diags.filter((d) => d.level === "error").length;
    const warnings = diags.filter((d) => d.level === "warning").length;
    return {
      result: { ok: errors === 0, entry: services.rel(entry), errors, warnings, diagnostics: diags },
      text: errors === 0 && warnings === 0 ? `${services.rel(entry)}: no problems` : renderDiagnostics(diags),
    };
  },
});
