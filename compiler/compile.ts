// Runs the pipeline (compiler/pipeline.ts): each pass of the list in order, each reported as
// `pass_start` / `pass_done`, stopping at the first errors. `compileSource` runs the passes up
// to `emit` synchronously; `compileProgram` runs them all, `zig_build` included.
import { performance } from "node:perf_hooks";
import { error, hasErrors } from "./diagnostics.js";
import {
  CHECK_ONLY_LAST,
  type CompileOptions,
  type CompileResult,
  newContext,
  type Pass,
  type PassContext,
  passList,
  shouldRun,
} from "./pipeline.js";

export type { CompileOptions, CompileResult } from "./pipeline.js";

function lastPass(opts: CompileOptions, sync: boolean): string {
  if (opts.checkOnly) return CHECK_ONLY_LAST;
  return sync || !opts.build ? "emit" : "zig_build";
}

function ms(start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000;
}

function result(ctx: PassContext, cancelled = false): CompileResult {
  return {
    ok: !hasErrors(ctx.diagnostics) && !cancelled,
    diagnostics: ctx.diagnostics,
    ...(ctx.program ? { program: ctx.program } : {}),
    ...(ctx.zig !== undefined ? { zig: ctx.zig, sourceMap: ctx.sourceMap ?? [], runtimeFiles: ctx.runtimeFiles } : {}),
    ...(ctx.sites ? { sites: ctx.sites } : {}),
    sources: ctx.sources,
    ...(ctx.exePath !== undefined ? { exePath: ctx.exePath, cached: ctx.cached ?? false } : {}),
    ...(cancelled ? { cancelled } : {}),
  };
}

function prepare(path: string, source: string | undefined, opts: CompileOptions): { ctx: PassContext; passes: Pass[] } {
  const ctx = newContext(path, source, opts);
  const list = passList(opts.insert);
  if (list.error) ctx.diagnostics.push(error("KORU094", list.error, { file: path, line: 1, col: 1 }));
  return { ctx, passes: list.error ? [] : list.passes };
}

function failedPass(ctx: PassContext, pass: Pass, e: unknown): void {
  const why = e instanceof Error ? e.message : String(e);
  ctx.diagnostics.push(error("KORU096", `pass '${pass.name}' failed: ${why}`, { file: ctx.file, line: 1, col: 1 }));
}

export function compileFile(path: string, opts: CompileOptions = {}): CompileResult {
  return compileSource(undefined, path, opts);
}

/** Compile `source` as if it were the file `path` (read from disk when undefined), up to `emit`. */
export function compileSource(source: string | undefined, path: string, opts: CompileOptions = {}): CompileResult {
  const { ctx, passes } = prepare(path, source, opts);
  const last = lastPass(opts, true);
  for (const pass of passes) {
    if (!shouldRun(pass, ctx)) break;
    opts.onPass?.({ type: "pass_start", pass: pass.name, file: path });
    const start = performance.now();
    try {
      const r = pass.run(ctx);
      if (r instanceof Promise) {
        r.catch(() => {});
        throw new Error("it is asynchronous; use compileProgram");
      }
    } catch (e) {
      failedPass(ctx, pass, e);
    }
    opts.onPass?.({ type: "pass_done", pass: pass.name, file: path, duration_ms: ms(start) });
    if (pass.name === last) break;
  }
  return result(ctx);
}

/** The whole pipeline, `zig_build` included when `opts.build` is given; cancellable through `opts.signal`. */
export async function compileProgram(
  path: string,
  opts: CompileOptions & { source?: string } = {},
): Promise<CompileResult> {
  const { ctx, passes } = prepare(path, opts.source, opts);
  const last = lastPass(opts, false);
  for (const pass of passes) {
    if (opts.signal?.aborted) return result(ctx, true);
    if (!shouldRun(pass, ctx)) break;
    opts.onPass?.({ type: "pass_start", pass: pass.name, file: path });
    const start = performance.now();
    try {
      await pass.run(ctx);
    } catch (e) {
      failedPass(ctx, pass, e);
    }
    opts.onPass?.({ type: "pass_done", pass: pass.name, file: path, duration_ms: ms(start) });
    if (pass.name === last) break;
  }
  return result(ctx, opts.signal?.aborted ?? false);
}

/** Parse and resolve imports only (no checks): the AST for `--ast-json` and CCP `parse`. */
export function parseOnly(path: string, opts: CompileOptions = {}, source?: string): CompileResult {
  const { ctx, passes } = prepare(path, source, { ...opts, insert: [] });
  const parse = passes[0];
  opts.onPass?.({ type: "pass_start", pass: parse.name, file: path });
  const start = performance.now();
  parse.run(ctx);
  opts.onPass?.({ type: "pass_done", pass: parse.name, file: path, duration_ms: ms(start) });
  return result(ctx);
}
