// A program transform as a pipeline pass. After the transform runs, its program is validated
// against the AST schema and re-checked; a transform that throws or returns an invalid program
// becomes a diagnostic naming the pass, and the context keeps the previous program untouched
// (the error stops the pipeline before the next pass).
import type { Program } from "../compiler/ast.js";
import { check } from "../compiler/check.js";
import type { Diagnostic } from "../compiler/diagnostics.js";
import { Symbols } from "../compiler/symbols.js";
import { validateProgramJson } from "./ast-schema.js";
import { passError } from "./diagnostics.js";

/** What a transform may return: a program, or a program with diagnostics (warnings, notes). */
export type TransformResult = Program | { program: Program; diagnostics?: Diagnostic[] };
export type ProgramTransform = (program: Program) => TransformResult;

/** The part of the pipeline's pass context a program pass reads and writes. */
export interface ProgramPassContext {
  readonly file: string;
  program?: Program;
  symbols?: Symbols;
  diagnostics: Diagnostic[];
}

export interface ProgramPass {
  readonly name: string;
  run(ctx: ProgramPassContext): void;
}

/** A pass that replaces the program by `transform(program)` when the result is valid. */
export function programPass(name: string, transform: ProgramTransform): ProgramPass {
  return {
    name,
    run(ctx) {
      if (!ctx.program) return;
      let out: TransformResult;
      try {
        out = transform(ctx.program);
      } catch (e) {
        ctx.diagnostics.push(
          passError("threw", name, `threw: ${e instanceof Error ? e.message : String(e)}`, ctx.file),
        );
        return;
      }
      const accepted = acceptProgram(name, unwrap(out).program, ctx.file);
      ctx.diagnostics.push(...(unwrap(out).diagnostics ?? []));
      if (!accepted.ok) {
        ctx.diagnostics.push(accepted.diagnostic);
        return;
      }
      ctx.program = accepted.program;
      ctx.symbols = new Symbols(accepted.program);
    },
  };
}

function unwrap(out: TransformResult): { program: Program; diagnostics?: Diagnostic[] } {
  return out && typeof out === "object" && "program" in out && !("entry" in out)
    ? (out as { program: Program; diagnostics?: Diagnostic[] })
    : { program: out as Program };
}

export type Accepted = { ok: true; program: Program } | { ok: false; diagnostic: Diagnostic };

/**
 * Validate a pass's output (an in-process object) against the schema, then run the checks.
 * The JSON round trip breaks no sharing the compiler relies on and detects cycles.
 */
export function acceptProgram(pass: string, value: unknown, file: string): Accepted {
  let json: string;
  try {
    json = JSON.stringify(asJsonShape(value));
  } catch (e) {
    const why = /circular|cyclic/i.test(String(e)) ? "a cyclic object" : `something that is not JSON (${String(e)})`;
    return { ok: false, diagnostic: passError("invalid", pass, `returned ${why}`, file) };
  }
  if (json === undefined)
    return { ok: false, diagnostic: passError("invalid", pass, "returned nothing (undefined)", file) };
  return acceptProgramJson(pass, JSON.parse(json), file);
}

/** A `Program` (modules include the entry) in the JSON shape (entry once); anything else as is. */
function asJsonShape(value: unknown): unknown {
  if (!value || typeof value !== "object" || !("entry" in value) || !("modules" in value)) return value;
  const p = value as Program;
  if (!p.entry || typeof p.entry.name !== "string" || !p.modules || typeof p.modules !== "object") return value;
  const modules: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(p.modules)) if (name !== p.entry.name) modules[name] = m;
  return { ...p, modules };
}

/** Validate a program in the JSON shape (`programJson`), then run the checks on it. */
export function acceptProgramJson(pass: string, value: unknown, file: string): Accepted {
  const valid = validateProgramJson(value);
  if (!valid.ok) return { ok: false, diagnostic: passError("invalid", pass, `returned ${valid.reason}`, file) };
  const errors = check(valid.program, new Symbols(valid.program)).filter((d) => d.level === "error");
  if (errors.length > 0) {
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
    const at = `${first.file}:${first.line}`;
    const message = `returned a program that fails checks: ${first.code} ${first.message} at ${at}${more}`;
    return { ok: false, diagnostic: passError("failsChecks", pass, message, first.file, first.line, first.col) };
  }
  return { ok: true, program: valid.program };
}
