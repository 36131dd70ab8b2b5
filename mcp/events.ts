// Finding one event of a program by the name a caller gave: canonical ("input:advance") or
// bare ("advance") when only one non-std event has it.
import type { Program } from "../compiler/index.js";
import { type EventSymbol, Symbols } from "../compiler/index.js";
import { ToolError } from "./tool.js";

export function findEvent(program: Program, name: string): EventSymbol {
  const symbols = new Symbols(program);
  const exact = symbols.events.get(name);
  if (exact) return exact;
  const bare = [...symbols.events.values()].filter((s) => s.decl.path.join(".") === name);
  const own = bare.filter((s) => !s.module.name.startsWith("std."));
  const pick = own.length > 0 ? own : bare;
  if (pick.length === 1) return pick[0];
  if (pick.length > 1) {
    throw new ToolError(
      `'${name}' names ${pick.length} events (${pick.map((s) => s.canonical).join(", ")}): give the qualified name`,
    );
  }
  const known = [...symbols.events.values()].filter((s) => !s.module.name.startsWith("std.")).map((s) => s.canonical);
  throw new ToolError(
    `no event '${name}' in the program; its events: ${known.slice(0, 30).join(", ") || "none"} (call list_events)`,
  );
}

/** The declaration's source text as written: `~event name { ... }` and its branches. */
export function declarationText(sym: EventSymbol): string {
  const d = sym.decl;
  const input = d.input.map((f) => `${f.name}: ${f.type}${f.phantom ? `[${f.phantom}]` : ""}`).join(", ");
  const lines = [`~${d.pub ? "pub " : ""}event ${d.path.join(".")} {${input ? ` ${input} ` : ""}}`];
  for (const b of d.branches) {
    const payload =
      b.payload.kind === "identity"
        ? ` ${b.payload.type}`
        : b.payload.kind === "struct"
          ? ` { ${b.payload.fields.map((f) => `${f.name}: ${f.type}`).join(", ")} }`
          : "";
    lines.push(`| ${b.optional ? "?" : ""}${b.name}${payload}`);
  }
  return lines.join("\n");
}

/** A proc's full text: `~proc event { body }` (with `|tag` for a variant). */
export function procText(sym: EventSymbol, variant?: string): string | undefined {
  const proc = variant ? sym.variants.get(variant) : sym.proc;
  if (!proc) return undefined;
  return `~proc ${sym.decl.path.join(".")}${variant ? `|${variant}` : ""} {\n${proc.body}\n}`;
}
