// Parse a program (imports resolved, no checks): CCP `parse` / `ast_json` / `ast`, `koruc --ast-json`.
import { type CompileResult, type Program, type ProgramJson, parseOnly, programJson } from "../../compiler/index.js";
import { flagsOf, type OperationContext, pathIn } from "./types.js";

export interface ParseInput {
  file: string;
  /** Parse this text as if it were the file's content. */
  source?: string;
  flags?: readonly string[];
}

export interface ParseOutput extends Pick<CompileResult, "ok" | "diagnostics" | "sources"> {
  /** The real path parsed. */
  file: string;
  program?: Program;
}

export function parse(input: ParseInput, ctx: OperationContext): ParseOutput {
  const file = pathIn(ctx, input.file, "file");
  const r = parseOnly(
    file,
    { flags: flagsOf(ctx, input.flags), ...(ctx.onPass ? { onPass: ctx.onPass } : {}) },
    input.source,
  );
  return {
    file,
    ok: r.ok,
    diagnostics: r.diagnostics,
    sources: r.sources,
    ...(r.program ? { program: r.program } : {}),
  };
}

/** The AST as JSON (`koruc --ast-json`, CCP `ast_json`). */
export function astJson(input: ParseInput, ctx: OperationContext): ParseOutput & { ast?: ProgramJson } {
  const r = parse(input, ctx);
  return r.program ? { ...r, ast: programJson(r.program) } : r;
}
