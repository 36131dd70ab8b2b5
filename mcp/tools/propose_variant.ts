import * as z from "zod";
import { listVariants, proposeVariant } from "../../variants/index.js";
import { extractVariant } from "../optimize.js";
import { Entry, EventName } from "../schemas.js";
import { ADDITIVE, defineTool, MINUTE, ToolError } from "../tool.js";
import { common, renderProblems } from "../variant-ops.js";

export const proposeVariantTool = defineTool({
  name: "propose_variant",
  title: "Propose a variant",
  description:
    "Add a variant proc of an event to the module's sidecar (<module>.variants.kz); the baseline is never touched. " +
    "`source` is the whole `~proc event|zig(tag) { ... }` declaration, just the Zig body, or a model's answer with " +
    "one fenced code block. A variant that does not check is a successful result with `ok` false and its " +
    "diagnostics (the sidecar is left as it was). Next: test_variant.",
  input: {
    entry: Entry,
    event: EventName,
    source: z.string().min(1).max(200_000).describe("The variant: a ~proc declaration, a body, or a fenced block."),
    tag: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*(\([A-Za-z_][A-Za-z0-9_]*\))?$/, "a tag is a name (ai_opt_1) or zig(name)")
      .max(64)
      .optional()
      .describe("Variant tag (default: the tag in the declaration, else the next free ai_opt_<n>)."),
  },
  output: {
    ok: z.boolean(),
    event: z.string(),
    tag: z.string().optional(),
    file: z.string().optional().describe("The sidecar that holds the variant."),
    line: z.number().int().optional(),
    diagnostics: z.array(z.string()),
  },
  annotations: ADDITIVE,
  timeoutMs: 2 * MINUTE,
  async run(args, ctx) {
    const { services } = ctx;
    const base = common(services, ctx, args.entry);
    const text = args.source.includes("```") ? args.source : `\`\`\`\n${args.source}\n\`\`\``;
    const extracted = extractVariant(text, args.event);
    if (!extracted.ok) throw new ToolError(`cannot read the variant: ${extracted.problem}`);
    let tag = args.tag ?? extracted.tag;
    if (!tag) {
      const listed = await listVariants({ ...base, event: args.event });
      const taken = new Set(listed.ok ? listed.variants.map((v) => v.tag) : []);
      let n = 1;
      while (taken.has(`zig(ai_opt_${n})`)) n++;
      tag = `ai_opt_${n}`;
    }
    const r = await proposeVariant({ ...base, event: args.event, tag, body: extracted.body });
    if (!r.ok) {
      const problems = renderProblems(services, r.diagnostics);
      return {
        result: { ok: false, event: args.event, tag, diagnostics: problems.split("\n") },
        text: `the variant does not check; nothing was added:\n${problems}`,
      };
    }
    const file = services.rel(r.sidecar);
    services.notifier.resourceUpdated(`koru://variants/${encodeURIComponent(r.event)}`);
    return {
      result: { ok: true, event: r.event, tag: r.tag, file, line: r.line, diagnostics: [] },
      text: `added ${r.tag} of ${r.event} at ${file}:${r.line}; next: test_variant {event: "${r.event}", tag: "${r.tag}"}`,
    };
  },
});
