import * as z from "zod";
import { declarationText, findEvent, procText } from "../events.js";
import { describeEvents, programOf } from "../ops.js";
import { Entry, EventName, EventSummary } from "../schemas.js";
import { defineTool, READ_ONLY, SECOND } from "../tool.js";

export const getEventTool = defineTool({
  name: "get_event",
  title: "Get one event",
  description:
    "One event: its shape (input fields, branches), the baseline implementation's source, its variants' sources " +
    "and where they live. The baseline is never modified by any tool. Read-only.",
  input: { entry: Entry, event: EventName },
  output: {
    event: EventSummary,
    declaration: z.string().describe("The event declaration as Koru source."),
    baseline: z.string().optional().describe("The baseline proc (or subflow) source."),
    baseline_file: z.string().optional(),
    baseline_line: z.number().int().optional(),
    variants: z.array(z.object({ tag: z.string(), source: z.string(), file: z.string(), line: z.number().int() })),
  },
  annotations: READ_ONLY,
  timeoutMs: 30 * SECOND,
  async run(args, { services }) {
    const { program } = programOf(services, args.entry);
    const sym = findEvent(program, args.event);
    const info = describeEvents(program, sym.module.name, true).find((e) => e.event === sym.canonical)!;
    const baseline =
      procText(sym) ?? (sym.subflow ? `(implemented by a subflow at line ${sym.subflow.span.line})` : undefined);
    const variants = [...sym.variants].map(([tag, proc]) => ({
      tag,
      source: procText(sym, tag)!,
      file: services.rel(proc.span.file),
      line: proc.span.line,
    }));
    const where = sym.proc ?? sym.subflow;
    return {
      result: {
        event: { ...info, file: services.rel(info.file) },
        declaration: declarationText(sym),
        ...(baseline ? { baseline } : {}),
        ...(where ? { baseline_file: services.rel(where.span.file), baseline_line: where.span.line } : {}),
        variants,
      },
      text: [
        `${sym.canonical} (${info.implementation}) at ${services.rel(info.file)}:${info.line}`,
        declarationText(sym),
        baseline ? `baseline:\n${baseline}` : "no baseline implementation",
        variants.length
          ? `variants: ${variants.map((v) => `${v.tag} (${v.file}:${v.line})`).join(", ")}`
          : "no variants",
      ].join("\n"),
    };
  },
});
