// Load a program and find the event a variant operation is about: `blur`, `app:blur` or
// `input:blur` (the entry module), with its baseline proc and its variants.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ProcDecl, Program } from "../compiler/index.js";
import {
  compileSource,
  type Diagnostic,
  type EventSymbol,
  error,
  findVariant,
  findWorkspace,
  hasErrors,
  Symbols,
} from "../compiler/index.js";

export interface Target {
  file: string;
  workspace: string;
  program: Program;
  symbols: Symbols;
  sym: EventSymbol;
  baseline: ProcDecl;
  sources: Map<string, string>;
}

export type Loaded<T> = ({ ok: true } & T) | { ok: false; diagnostics: Diagnostic[] };

/** A usage error as a diagnostic located at the file the user named. */
export function usage(code: string, message: string, file: string, hint?: string): Diagnostic {
  return error(code, message, { file, line: 1, col: 1 }, hint ? { hint } : {});
}

export type Workspace = Omit<Target, "sym" | "baseline">;

/** Load and check a program with its sidecars (the baselines, whatever koru.variants.json selects). */
export function loadWorkspace(file: string): Loaded<Workspace> {
  const path = resolve(file);
  const compiled = compileSource(undefined, path, { checkOnly: true, ignoreVariantSelection: true });
  if (!compiled.program || hasErrors(compiled.diagnostics)) {
    return {
      ok: false,
      diagnostics: compiled.diagnostics.length ? compiled.diagnostics : [usage("KORU002", `cannot load ${file}`, path)],
    };
  }
  const program = compiled.program;
  return {
    ok: true,
    file: path,
    workspace: findWorkspace(path),
    program,
    symbols: new Symbols(program),
    sources: compiled.sources,
  };
}

export function loadTarget(file: string, event: string): Loaded<Target> {
  const ws = loadWorkspace(file);
  if (!ws.ok) return ws;
  return targetIn(ws, event);
}

export function targetIn(ws: Workspace, event: string): Loaded<Target> {
  const sym = findEvent(ws.symbols, ws.program, event);
  if (!sym)
    return {
      ok: false,
      diagnostics: [
        usage(
          "KORU076",
          `no event '${event}' in ${ws.file}`,
          ws.file,
          "name it as in the source (`blur`) or canonically (`blur:blur`)",
        ),
      ],
    };
  if (!sym.proc || sym.subflow) {
    return {
      ok: false,
      diagnostics: [usage("KORU072", `event '${sym.canonical}' has no baseline proc to vary`, sym.decl.span.file)],
    };
  }
  return { ok: true, ...ws, sym, baseline: sym.proc };
}

export function findEvent(symbols: Symbols, program: Program, event: string): EventSymbol | undefined {
  const direct = symbols.events.get(event);
  if (direct) return direct;
  const [mod, path] = event.includes(":") ? event.split(":", 2) : [program.entry.name, event];
  const name = mod === "input" || mod === "" ? program.entry.name : mod;
  return symbols.events.get(`${name}:${path}`);
}

export function findTag(target: Target, tag: string): Loaded<{ tag: string; proc: ProcDecl }> {
  const found = findVariant(target.sym.variants, tag);
  if (found.ok) return { ok: true, tag: found.tag, proc: found.proc };
  const known = [...target.sym.variants.keys()];
  const msg =
    found.reason === "ambiguous"
      ? `variant name '${tag}' is ambiguous for '${target.sym.canonical}': ${found.candidates.join(", ")}`
      : `event '${target.sym.canonical}' has no variant '${tag}'${known.length ? ` (variants: ${known.join(", ")})` : " (it has none)"}`;
  return { ok: false, diagnostics: [usage("KORU047", msg, target.file)] };
}

/** The exact text of a proc as written (from `~proc` to its closing brace), for hashes and review. */
export function procText(target: Target, proc: ProcDecl): string {
  const src = target.sources.get(proc.span.file) ?? readFileSync(proc.span.file, "utf8");
  const lines = src.split("\n");
  const start = proc.span.line - 1;
  const bodyLines = proc.body.split("\n").length;
  // One-liners end on their own line; block bodies end on the line after the body.
  const end = proc.bodyLine === proc.span.line ? start : Math.min(lines.length - 1, proc.bodyLine - 1 + bodyLines);
  return lines.slice(start, end + 1).join("\n");
}
