import * as z from "zod";
import { ccpCommand, diagnosticsOf, failIfError, renderDiagnostics } from "../ops.js";
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
    source: z.string().max(MAX_TEXT).optional().describe("Check this text as the entry file's content (nothing is written)."),
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
  async run(args, { services, signal }) {
    const entry = services.entry(args.entry);
    const msgs = await ccpCommand(
      services,
      { cmd: "compile", entry, check_only: true, ...(args.source !== undefined ? { source: args.source } : {}) },
      { signal },
    );
    failIfError(msgs);
    const diagnostics = diagnosticsOf(services, msgs);
    const errors = diagnostics.filter((d) => d.level === "error").length;
    const warnings = diagnostics.filter((d) => d.level === "warning").length;
    return {
      result: { ok: errors === 0, entry: services.rel(entry), errors, warnings, diagnostics },
      text: errors === 0 && warnings === 0 ? `${services.rel(entry)}: no problems` : renderDiagnostics(diagnostics),
    };
  },
});
