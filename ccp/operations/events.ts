// The events of a program, as the program describes itself (CCP `list_events`, MCP).
import type { Field, Program } from "../../compiler/index.js";
import { Symbols } from "../../compiler/index.js";
import type { EventInfo } from "../fields.js";
import { parse } from "./parse.js";
import { type OperationContext, OperationError } from "./types.js";

export interface ListEventsInput {
  entry: string;
  /** Only this module's events. */
  module?: string;
  /** Include the standard library's events (default false). */
  includeStd?: boolean;
  flags?: readonly string[];
}

export interface ListEventsOutput {
  file: string;
  program: Program;
  events: EventInfo[];
}

export function listEventsOf(input: ListEventsInput, ctx: OperationContext): ListEventsOutput {
  const r = parse({ file: input.entry, ...(input.flags ? { flags: input.flags } : {}) }, ctx);
  if (!r.program) throw new OperationError("failed", r.diagnostics[0]?.message ?? "cannot parse", "entry");
  return { file: r.file, program: r.program, events: listEvents(r.program, input.module, input.includeStd ?? false) };
}

/** Every event of the program as `list_events` reports it. */
export function listEvents(program: Program, module: string | undefined, includeStd: boolean): EventInfo[] {
  const symbols = new Symbols(program);
  return [...symbols.events.values()]
    .filter((s) => (module ? s.module.name === module : includeStd || !s.module.name.startsWith("std.")))
    .map((s) => ({
      event: s.canonical,
      module: s.module.name,
      name: s.decl.path.join("."),
      pub: s.decl.pub,
      input: s.decl.input.map(fieldInfo),
      branches: s.decl.branches.map((b) => ({
        name: b.name,
        optional: b.optional,
        payload: b.payload.kind,
        ...(b.payload.kind === "identity" ? { type: b.payload.type } : {}),
        ...(b.payload.kind === "struct" ? { fields: b.payload.fields.map(fieldInfo) } : {}),
      })),
      ...(s.decl.doc ? { doc: s.decl.doc } : {}),
      implementation: s.proc ? "proc" : s.subflow ? "subflow" : "none",
      variants: [...s.variants.keys()],
      file: s.module.file,
      line: s.decl.span.line,
    }));
}

function fieldInfo(f: Field) {
  return {
    name: f.name,
    type: f.type,
    ...(f.phantom !== undefined ? { phantom: f.phantom } : {}),
    ...(f.defaultValue !== undefined ? { default: f.defaultValue } : {}),
  };
}
