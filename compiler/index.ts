// Public surface of the compiler: what ccp/, variants/, passes/, mcp/ and cli/ may import.
// Everything else in compiler/ is internal and may change shape without notice.

export type * from "./ast.js";
export { type ProgramJson, programJson } from "./ast-json.js";
export { type BuildRequest, type BuildResult, buildExecutable, OPTIMIZE_MODES, type Optimize } from "./build/zig-build.js";
export { compileFile, compileSource, parseOnly } from "./compile.js";
export { type Diagnostic, error, hasErrors, type Level, render, sortDiagnostics } from "./diagnostics.js";
export { packageRoot } from "./modules.js";
export type { CompileOptions, CompileResult, PassEvent } from "./pipeline.js";
export type { Origin, SourceMap } from "./source-map.js";
export { type EventSymbol, isTransform, type Resolution, Symbols } from "./symbols.js";
export { type AtomicOptions, copyFileAtomic, writeFileAtomic, writeJsonAtomic } from "./toolchain/atomic.js";
export {
  clampTimeout,
  killAllProcessGroups,
  MAX_TIMER_MS,
  type ProcessResult,
  type RunProcessOptions,
  runProcess,
  runProcessSync,
  type SpawnedProcess,
  type StdioTarget,
} from "./toolchain/process.js";
export { findZig, ZIG_VERSION, type ZigLookup } from "./toolchain/zig.js";
export {
  type ConfineOptions,
  confine,
  findWorkspace,
  isInside,
  type KoruJson,
  type KoruJsonResult,
  koruDir,
  readKoruJson,
  WorkspaceError,
  type WorkspaceErrorCode,
} from "./workspace.js";
