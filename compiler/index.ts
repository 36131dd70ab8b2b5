// Public surface of the compiler: what ccp/, variants/, passes/, mcp/ and cli/ may import.
// Everything else in compiler/ is internal and may change shape without notice.

export type * from "./ast.js";
export {
  type ModuleJson,
  moduleJson,
  type ProgramJson,
  programJson,
  type SpanJson,
  spanFromJson,
  spanJson,
} from "./ast-json.js";
export {
  type BuildRequest,
  type BuildResult,
  buildExecutable,
  OPTIMIZE_MODES,
  type Optimize,
} from "./build/zig-build.js";
export {
  CAPTURE_DEFAULT_MAX,
  CAPTURE_DEFAULT_MAX_BYTES,
  CAPTURE_FILE_ENV,
  type CaptureOptions,
  captureEvent,
  captureInsertion,
  capturePass,
  capturePath,
  captureState,
} from "./capture.js";
export { compileFile, compileProgram, compileSource, parseOnly } from "./compile.js";
export {
  DIAGNOSTIC_CODES,
  type DiagnosticCode,
  type DiagnosticCodeInfo,
  isDiagnosticCode,
} from "./diagnostic-codes.js";
export { type Diagnostic, error, hasErrors, type Level, render, sortDiagnostics } from "./diagnostics.js";
export type {
  ArmHint,
  InvocationProbe,
  Lowering,
  Lowerings,
  SwitchArmsHook,
  SwitchPlan,
  TransitionHooks,
} from "./emit/flow.js";
// Proc variants (variants/ builds its harness from these and writes what they read).
export { variantIdent } from "./emit/flow.js";
export type { EmitHooks } from "./emit/program.js";
export { eventStructName, namespaceOf } from "./emit/program.js";
export type { ZigWriter } from "./emit/zig-writer.js";
export { caseState, mentions, moduleVars } from "./module-state.js";
export { packageRoot, sidecarOf } from "./modules.js";
export {
  BUILTIN_PASS_NAMES,
  BUILTIN_PASSES,
  type BuildOptions,
  CHECK_ONLY_LAST,
  type CompileOptions,
  type CompileResult,
  type Pass,
  type PassContext,
  type PassEvent,
  type PassInsertion,
  passList,
  symbolsOf,
} from "./pipeline.js";
export { depthDelta } from "./scan.js";
export type { Origin, SourceMap } from "./source-map.js";
export { type RegisteredScope, readScopes, type ScopeVocabulary, scopeVocabulary } from "./std/runtime.js";
export { type EventSymbol, isTransform, type Resolution, Symbols } from "./symbols.js";
export {
  type AtomicOptions,
  copyFileAtomic,
  removeStaleTemps,
  writeFileAtomic,
  writeJsonAtomic,
} from "./toolchain/atomic.js";
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
export { readSelection, SELECTION_FILE, selectionPath, type VariantSelection } from "./variant-selection.js";
export { canonicalTag, findVariant, type TagLookup, tagName } from "./variant-tags.js";
export { COMPILER_ID, VERSION } from "./version.js";
export { itemChain, type Visitor, type WalkContext, walkChain, walkModule, walkProgram } from "./walk.js";
export {
  type ConfineOptions,
  confine,
  findWorkspace,
  isInside,
  type KoruJson,
  type KoruJsonResult,
  koruDir,
  kzFiles,
  readKoruJson,
  WorkspaceError,
  type WorkspaceErrorCode,
} from "./workspace.js";
