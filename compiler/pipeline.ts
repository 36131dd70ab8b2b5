// The compiler pipeline: every stage is a named pass reported through `onPass`,
// so the CLI, the CCP daemon and the MCP server share one code path.
import type { Program } from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";
import type { SourceMap } from "./source-map.js";

export interface PassEvent {
  type: "pass_start" | "pass_done";
  pass: string;
  file?: string;
  duration_ms?: number;
}

export interface CompileOptions {
  /** Compiler flags without dashes (`profile`, `ccp`); drive `~[flag]import`. */
  flags?: string[];
  /** Instrument every event invocation with the CCP recorder. */
  ccp?: boolean;
  /** Write a Chrome trace of every invocation. */
  profile?: boolean;
  /** Stop after checks; produce no Zig. */
  checkOnly?: boolean;
  onPass?: (event: PassEvent) => void;
  /** Build every event's baseline, whatever koru.variants.json selects (the variant harness). */
  ignoreVariantSelection?: boolean;
  /** More emitter hooks, merged after the built-in ones (the variant harness's own main). */
  emitHooks?: import("./emit/program.js").EmitHooks;
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
  /** Text of every .kz file read, by path, for rendering diagnostics. */
  sources: Map<string, string>;
}

export { compileFile, compileSource, parseOnly } from "./compile.js";
