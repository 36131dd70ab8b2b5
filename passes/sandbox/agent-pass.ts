// An agent-written pass (JavaScript source, an ES module whose default export is
// `(program, api) => program`) run in the sandbox and accepted only when its output is a
// valid program that passes the checks.
import type { Program } from "../../compiler/ast.js";
import { programJson } from "../../compiler/ast-json.js";
import type { Diagnostic } from "../../compiler/diagnostics.js";
import type { Pass } from "../../compiler/pipeline.js";
import { Symbols } from "../../compiler/symbols.js";
import { passError } from "../diagnostics.js";
import { acceptProgramJson } from "../program-pass.js";
import { readBinaryObject } from "./binary-object.js";
import { DEFAULT_LIMITS, type SandboxLimits } from "./quickjs.js";
import { runInSandbox } from "./sandbox.js";

export type AgentPassResult =
  | { ok: true; program: Program; durationMs: number }
  | { ok: false; diagnostic: Diagnostic; durationMs: number };

/** The program as a pass receives it: the AST JSON (`programJson`), as text. */
export function programInput(program: Program): string {
  return JSON.stringify(programJson(program));
}

/** Run pass `name` (its module text `source`) on `program`; rejection reasons are diagnostics. */
export function runAgentPass(
  name: string,
  source: string,
  program: Program,
  file: string,
  limits: SandboxLimits = DEFAULT_LIMITS,
): AgentPassResult {
  const input = programInput(program);
  const outcome = runInSandbox(source, input, limits);
  if (!outcome.ok)
    return {
      ok: false,
      diagnostic: passError(outcome.kind, name, outcome.reason, file),
      durationMs: outcome.durationMs,
    };
  // The same program back (the sandbox found the same bytes, or the same JSON text): nothing to
  // read back, validate or check again; the program was valid going in, and checking it gives
  // what it gave before the pass.
  if (outcome.binary === undefined && (outcome.json === undefined || outcome.json === input))
    return { ok: true, program, durationMs: outcome.durationMs };
  let value: unknown;
  try {
    value = outcome.binary !== undefined ? readBinaryObject(outcome.binary) : JSON.parse(outcome.json!);
  } catch {
    return {
      ok: false,
      diagnostic: passError("invalid", name, "returned text that is not JSON", file),
      durationMs: outcome.durationMs,
    };
  }
  const accepted = acceptProgramJson(name, value, file);
  return accepted.ok
    ? { ok: true, program: accepted.program, durationMs: outcome.durationMs }
    : { ok: false, diagnostic: accepted.diagnostic, durationMs: outcome.durationMs };
}

/** The agent-written pass as a pipeline pass (synchronous: the sandbox blocks until it answers). */
export function sandboxedPass(name: string, source: string, limits: SandboxLimits = DEFAULT_LIMITS): Pass {
  return {
    name,
    run(ctx) {
      if (!ctx.program) return;
      const result = runAgentPass(name, source, ctx.program, ctx.file, limits);
      if (!result.ok) {
        ctx.diagnostics.push(result.diagnostic);
        return;
      }
      if (result.program === ctx.program) return;
      ctx.program = result.program;
      ctx.symbols = new Symbols(result.program);
    },
  };
}
