// The pipeline's stages, each reported as a pass: load (parse + imports), check, emit.
import { performance } from "node:perf_hooks";
import { check } from "./check.js";
import { hasErrors } from "./diagnostics.js";
import { autoDischarge } from "./discharge.js";
import { emitProgram, mergeHooks } from "./emit/program.js";
import { instrumentationHooks, observabilityFromImports } from "./instrument.js";
import { loadProgram } from "./modules.js";
import type { CompileOptions, CompileResult } from "./pipeline.js";
import { tapHooks } from "./std/taps.js";
import { Symbols } from "./symbols.js";
import { variantSelectionHooks } from "./variant-selection.js";

function pass<T>(name: string, opts: CompileOptions, file: string, run: () => T): T {
  opts.onPass?.({ type: "pass_start", pass: name, file });
  const start = performance.now();
  const result = run();
  opts.onPass?.({ type: "pass_done", pass: name, file, duration_ms: Math.round((performance.now() - start) * 1000) / 1000 });
  return result;
}

export function compileFile(path: string, opts: CompileOptions = {}): CompileResult {
  return compileSource(undefined, path, opts);
}

/** Compile `source` as if it were the file `path` (read from disk when undefined). */
export function compileSource(source: string | undefined, path: string, opts: CompileOptions = {}): CompileResult {
  const flags = allFlags(opts);
  const loaded = pass("parse", opts, path, () => loadProgram(path, flags, source));
  const diagnostics = [...loaded.diagnostics];
  const program = loaded.program;
  if (!program) return { ok: false, diagnostics, sources: loaded.sources };
  const symbols = new Symbols(program);
  // Checks run on a program that parsed; parse errors alone are reported first.
  if (!hasErrors(diagnostics)) diagnostics.push(...pass("check", opts, path, () => check(program, symbols)));
  // Phantom obligations: inserts discharge calls where flow paths end; later stages see its program.
  const discharged = hasErrors(diagnostics) ? { program, symbols, diagnostics: [] } : pass("auto_discharge", opts, path, () => autoDischarge(program, symbols));
  diagnostics.push(...discharged.diagnostics);
  if (hasErrors(diagnostics) || opts.checkOnly) {
    return { ok: !hasErrors(diagnostics), diagnostics, program: discharged.program, sources: loaded.sources };
  }
  const fromImports = observabilityFromImports(discharged.program);
  const observe = instrumentationHooks({ ccp: !!opts.ccp || fromImports.ccp, profile: !!opts.profile || fromImports.profile });
  const selection = opts.ignoreVariantSelection ? { hooks: {}, diagnostics: [] } : variantSelectionHooks(path, discharged.symbols);
  diagnostics.push(...selection.diagnostics);
  const hooks = mergeHooks(tapHooks(discharged.program, discharged.symbols), observe.hooks, selection.hooks, opts.emitHooks ?? {});
  const emitted = pass("emit", opts, path, () => emitProgram(discharged.program, discharged.symbols, hooks));
  diagnostics.push(...emitted.diagnostics);
  return {
    ok: !hasErrors(diagnostics),
    diagnostics,
    program: discharged.program,
    zig: emitted.zig,
    sourceMap: emitted.sourceMap,
    runtimeFiles: observe.runtimeFiles,
    sources: loaded.sources,
  };
}

/** Parse and resolve imports only (no checks): the AST for `--ast-json` and CCP `parse`. */
export function parseOnly(path: string, opts: CompileOptions = {}, source?: string): CompileResult {
  const loaded = pass("parse", opts, path, () => loadProgram(path, allFlags(opts), source));
  return {
    ok: !hasErrors(loaded.diagnostics),
    diagnostics: loaded.diagnostics,
    ...(loaded.program ? { program: loaded.program } : {}),
    sources: loaded.sources,
  };
}

function allFlags(opts: CompileOptions): string[] {
  const flags = new Set(opts.flags ?? []);
  if (opts.ccp) flags.add("ccp");
  if (opts.profile) flags.add("profile");
  return [...flags];
}
