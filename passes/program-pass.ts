// A program transform as a pipeline pass. After the transform runs, its program is validated
// against the AST schema and re-checked; a transform that throws or returns an invalid program
// becomes a diagnostic naming the pass, and the context keeps the previous program untouched
// (the error stops the pipeline before the next pass).
import type { Program } from "../compiler/ast.js";
import { check } from "../compiler/check.js";
import type { Diagnostic } from "../compiler/diagnostics.js";
import type { Pass } from "../compiler/pipeline.js";
import { Symbols } from "../compiler/symbols.js";
import { type SpanForm, validateProgramJson } from "./ast-schema.js";
import { passError } from "./diagnostics.js";

/** What a transform may return: a program, or a program with diagnostics (warnings, notes). */
export type TransformResult = Program | { program: Program; diagnostics?: Diagnostic[] };
export type ProgramTransform = (program: Program) => TransformResult;

/**
 * Guard a pass inserted into the pipeline: after it runs, the program is validated against
 * the AST schema and re-checked. A pass that throws or leaves an invalid program becomes a
 * diagnostic naming it (an error, so the pipeline stops), and the previous program is put back.
 */
export function guardPass(pass: Pass): Pass {
  return {
    name: pass.name,
    ...(pass.evenAfterErrors !== undefined ? { evenAfterErrors: pass.evenAfterErrors } : {}),
    run(ctx) {
      const before = ctx.program;
      const symbols = ctx.symbols;
      const restore = (diagnostic: Diagnostic): void => {
        ctx.program = before;
        ctx.symbols = symbols;
        ctx.diagnostics.push(diagnostic);
      };
      const verify = (): void => {
        if (!ctx.program) return;
        const accepted = acceptProgram(pass.name, ctx.program, ctx.file);
        if (!accepted.ok) return restore(accepted.diagnostic);
        ctx.program = accepted.program;
        ctx.symbols = new Symbols(accepted.program);
      };
      const threw = (e: unknown): void =>
        restore(passError("threw", pass.name, `threw: ${e instanceof Error ? e.message : String(e)}`, ctx.file));
      let r: void | Promise<void>;
      try {
        r = pass.run(ctx);
      } catch (e) {
        return threw(e);
      }
      if (r instanceof Promise) return r.then(verify, threw);
      verify();
    },
  };
}

/** A pass that replaces the program by `transform(program)` when the result is valid. */
export function programPass(name: string, transform: ProgramTransform): Pass {
  return guardPass({
    name,
    run(ctx) {
      if (!ctx.program) return;
      const out = unwrap(transform(ctx.program));
      ctx.diagnostics.push(...(out.diagnostics ?? []));
      ctx.program = out.program;
    },
  });
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
  return acceptProgramJson(pass, JSON.parse(json), file, "memory");
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

/**
 * Validate a program in the JSON shape (`programJson`; spans as `programJson` writes them, or as
 * in-memory objects for an in-process pass), then run the checks on it.
 */
export function acceptProgramJson(pass: string, value: unknown, file: string, spans: SpanForm = "json"): Accepted {
  const valid = validateProgramJson(value, spans);
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
