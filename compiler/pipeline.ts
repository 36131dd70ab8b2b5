// The compiler pipeline as data: an ordered list of named passes over one shared context.
// The built-in list is exported; callers insert their own passes before or after a named
// one (variants insert `variant_select` before `emit`; agent-written passes go where their
// author says). compile.ts runs the list; this file never imports compile.ts.
import type { Program } from "./ast.js";
import { buildExecutable, type Optimize } from "./build/zig-build.js";
import { check } from "./check.js";
import { type Diagnostic, error, hasErrors } from "./diagnostics.js";
import { autoDischarge } from "./discharge.js";
import { type EmitHooks, emitProgram, mergeHooks } from "./emit/program.js";
import { instrumentationHooks, observabilityFromImports } from "./instrument.js";
import { loadProgram } from "./modules.js";
import type { SourceMap } from "./source-map.js";
import { runtimeHooks } from "./std/runtime.js";
import { tapHooks } from "./std/taps.js";
import { STD_LOWERINGS } from "./std/transforms.js";
import { Symbols } from "./symbols.js";
import { variantSelectionHooks } from "./variant-selection.js";

export interface PassEvent {
  type: "pass_start" | "pass_done";
  pass: string;
  file?: string;
  duration_ms?: number;
}

/** Everything a pass reads and writes. Passes replace `program` rather than mutate it. */
export interface PassContext {
  /** The entry file. */
  readonly file: string;
  /** Its text when given by the caller (else read from disk by `parse`). */
  readonly source: string | undefined;
  readonly options: CompileOptions;
  /** Compiler flags (with `ccp` / `profile` when those options are on). */
  readonly flags: readonly string[];
  program?: Program;
  /** Symbols of `program`; a pass that replaces the program must set them again (or clear them). */
  symbols?: Symbols;
  diagnostics: Diagnostic[];
  /** Text of every .kz file read, by path, for rendering diagnostics. */
  sources: Map<string, string>;
  /** Emitter hooks contributed by passes before `emit` (taps, instrumentation, variants). */
  hooks: EmitHooks[];
  /** Files of zig-runtime/ the generated Zig needs beside it. */
  runtimeFiles: string[];
  /** The recorder's sites when instrumented: the edges its records may name. */
  sites?: import("./instrument.js").Site[];
  zig?: string;
  sourceMap?: SourceMap;
  /** The built binary (after `zig_build`). */
  exePath?: string;
  /** The binary came from the build cache. */
  cached?: boolean;
}

export interface Pass {
  readonly name: string;
  /**
   * Run even when earlier passes reported errors (default: a pass runs only on a program
   * without errors, which is what every built-in pass after `parse` needs).
   */
  readonly evenAfterErrors?: boolean;
  run(ctx: PassContext): void | Promise<void>;
}

/** A pass to place before or after a named pass (built-in or inserted earlier). */
export type PassInsertion = { pass: Pass; before: string } | { pass: Pass; after: string };

export interface BuildOptions {
  /** Workspace root: builds are cached under its `.koru/build/`. */
  workspace: string;
  optimize?: Optimize;
  /** Executable name (default `main`). */
  name?: string;
}

export interface CompileOptions {
  /** Compiler flags without dashes (`profile`, `ccp`); drive `~[flag]import`. */
  flags?: string[];
  /** Instrument every event invocation with the CCP recorder. */
  ccp?: boolean;
  /** What the recorder measures when `ccp` is on (default "counts"). */
  ccpMode?: import("./instrument.js").CcpMode;
  /** Write a Chrome trace of every invocation. */
  profile?: boolean;
  /** Stop after the checks (`auto_discharge`); produce no Zig. */
  checkOnly?: boolean;
  /** Passes to insert into the built-in list. */
  insert?: readonly PassInsertion[];
  /** Needed by `zig_build`; without it the pipeline ends after `emit`. */
  build?: BuildOptions;
  /** Cancels the running pass where it can (zig build-exe) and skips the rest. */
  signal?: AbortSignal;
  onPass?: (event: PassEvent) => void;
  /** Build every event's baseline, whatever koru.variants.json selects (the variant harness). */
  ignoreVariantSelection?: boolean;
}

export interface CompileResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  program?: Program;
  /** Generated Zig source of the whole program (single file). */
  zig?: string;
  sourceMap?: SourceMap;
  /** Zig files from zig-runtime/ that must sit beside the generated file, by file name. */
  runtimeFiles?: string[];
  /** The recorder's sites when instrumented: the edges its records may name. */
  sites?: import("./instrument.js").Site[];
  /** Text of every .kz file read, by path, for rendering diagnostics. */
  sources: Map<string, string>;
  /** The built binary, when the pipeline ran `zig_build`. */
  exePath?: string;
  cached?: boolean;
  /** The pipeline was cancelled through `signal`. */
  cancelled?: boolean;
}

/** The symbols of the current program, computed once per program. */
export function symbolsOf(ctx: PassContext): Symbols {
  if (!ctx.program) throw new Error("no program: the parse pass has not run");
  if (!ctx.symbols || ctx.symbols.program !== ctx.program) ctx.symbols = new Symbols(ctx.program);
  return ctx.symbols;
}

const parsePass: Pass = {
  name: "parse",
  run(ctx) {
    const loaded = loadProgram(ctx.file, [...ctx.flags], ctx.source);
    ctx.diagnostics.push(...loaded.diagnostics);
    for (const [file, text] of loaded.sources) ctx.sources.set(file, text);
    if (loaded.program) ctx.program = loaded.program;
  },
};

const checkPass: Pass = {
  name: "check",
  run(ctx) {
    ctx.diagnostics.push(...check(ctx.program!, symbolsOf(ctx)));
  },
};

/** Phantom obligations: inserts discharge calls where flow paths end. */
const autoDischargePass: Pass = {
  name: "auto_discharge",
  run(ctx) {
    const r = autoDischarge(ctx.program!, symbolsOf(ctx));
    ctx.diagnostics.push(...r.diagnostics);
    ctx.program = r.program;
    ctx.symbols = r.symbols;
  },
};

/** `~tap(source -> destination)` observers, woven into transitions by the emitter. */
const tapsPass: Pass = {
  name: "taps",
  run(ctx) {
    ctx.hooks.push(tapHooks(ctx.program!, symbolsOf(ctx)));
  },
};

/** `$std/runtime` register blocks: checked (unknown event, duplicate alias, bad cost) and emitted as scope tables. */
const runtimeScopesPass: Pass = {
  name: "runtime_scopes",
  run(ctx) {
    const runtime = runtimeHooks(ctx.program!, symbolsOf(ctx));
    ctx.diagnostics.push(...runtime.diagnostics);
    ctx.hooks.push(runtime.hooks);
    ctx.runtimeFiles.push(...runtime.runtimeFiles);
  },
};

/** CCP recorder and profiler probes around every event invocation (only when asked for). */
const instrumentPass: Pass = {
  name: "instrument",
  run(ctx) {
    const fromImports = observabilityFromImports(ctx.program!);
    const observe = instrumentationHooks({
      ccp: !!ctx.options.ccp || fromImports.ccp,
      profile: !!ctx.options.profile || fromImports.profile,
      ...(ctx.options.ccpMode ? { mode: ctx.options.ccpMode } : {}),
    });
    ctx.sites = observe.sites;
    ctx.hooks.push(observe.hooks);
    ctx.runtimeFiles.push(...observe.runtimeFiles);
  },
};

/** Builds call the variants koru.variants.json selects; the baselines stay compiled beside them. */
const variantSelectPass: Pass = {
  name: "variant_select",
  run(ctx) {
    if (ctx.options.ignoreVariantSelection) return;
    const selection = variantSelectionHooks(ctx.file, symbolsOf(ctx));
    ctx.diagnostics.push(...selection.diagnostics);
    ctx.hooks.push(selection.hooks);
  },
};

const emitPass: Pass = {
  name: "emit",
  run(ctx) {
    let hooks: EmitHooks;
    try {
      hooks = mergeHooks({ lowerings: STD_LOWERINGS }, ...ctx.hooks);
    } catch (e) {
      ctx.diagnostics.push(error("KORU095", (e as Error).message, { file: ctx.file, line: 1, col: 1 }));
      return;
    }
    const emitted = emitProgram(ctx.program!, symbolsOf(ctx), hooks);
    ctx.diagnostics.push(...emitted.diagnostics);
    ctx.zig = emitted.zig;
    ctx.sourceMap = emitted.sourceMap;
  },
};

const zigBuildPass: Pass = {
  name: "zig_build",
  async run(ctx) {
    const build = ctx.options.build;
    if (!build || ctx.zig === undefined) return;
    const built = await buildExecutable({
      zig: ctx.zig,
      runtimeFiles: ctx.runtimeFiles,
      optimize: build.optimize ?? "Debug",
      workspace: build.workspace,
      sourceMap: ctx.sourceMap ?? [],
      ...(build.name !== undefined ? { name: build.name } : {}),
      ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
    });
    if (!built.ok) {
      ctx.diagnostics.push(...built.diagnostics);
      return;
    }
    ctx.exePath = built.exePath;
    ctx.cached = built.cached;
  },
};

/**
 * The built-in passes, in order. `zig_build` runs only when `build` options are given.
 * `variant_select` reads koru.variants.json (written by variants/) and makes `emit` call the
 * selected variants.
 */
export const BUILTIN_PASSES: readonly Pass[] = [
  parsePass,
  checkPass,
  autoDischargePass,
  runtimeScopesPass,
  tapsPass,
  instrumentPass,
  variantSelectPass,
  emitPass,
  zigBuildPass,
];

/** Names of the built-in passes, in order. */
export const BUILTIN_PASS_NAMES: readonly string[] = BUILTIN_PASSES.map((p) => p.name);

/** The last pass of a `checkOnly` compile. */
export const CHECK_ONLY_LAST = "runtime_scopes";

/** The pass list with `insert` applied in order; an unknown anchor or a duplicate name is an error value. */
export function passList(
  insert: readonly PassInsertion[] = [],
  base: readonly Pass[] = BUILTIN_PASSES,
): { passes: Pass[]; error?: string } {
  const passes = [...base];
  for (const ins of insert) {
    if (passes.some((p) => p.name === ins.pass.name)) {
      return { passes: [...base], error: `a pass named '${ins.pass.name}' is already in the pipeline` };
    }
    const anchor = "before" in ins ? ins.before : ins.after;
    const at = passes.findIndex((p) => p.name === anchor);
    if (at < 0) {
      return {
        passes: [...base],
        error: `cannot insert '${ins.pass.name}': no pass named '${anchor}' (passes: ${passes.map((p) => p.name).join(", ")})`,
      };
    }
    passes.splice("before" in ins ? at : at + 1, 0, ins.pass);
  }
  return { passes };
}

/** A fresh context for a run of the pipeline. */
export function newContext(file: string, source: string | undefined, options: CompileOptions): PassContext {
  const flags = new Set(options.flags ?? []);
  if (options.ccp) flags.add("ccp");
  if (options.profile) flags.add("profile");
  return { file, source, options, flags: [...flags], diagnostics: [], sources: new Map(), hooks: [], runtimeFiles: [] };
}

/** Whether `pass` should run now, given the errors so far and the options. */
export function shouldRun(pass: Pass, ctx: PassContext): boolean {
  if (pass.name !== "parse" && !ctx.program) return false;
  return pass.evenAfterErrors === true || !hasErrors(ctx.diagnostics);
}
