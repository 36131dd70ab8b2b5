// The operations layer: one home for what the CLI, the CCP session and the MCP server do.
// Typed inputs and results, cancellation (`signal`) and progress (`onProgress`) as parameters;
// each adapter only turns results into its own output (CCP messages, MCP results, stderr).
export { build, type CompileInput, type CompileOutput, compile, exeName } from "./compile.js";
export { type ListEventsInput, type ListEventsOutput, listEvents, listEventsOf } from "./events.js";
export { type HotspotsInput, hotspots } from "./hotspots.js";
export { astJson, type ParseInput, type ParseOutput, parse } from "./parse.js";
export {
  type AnalyzeInput,
  type AnalyzeOutput,
  analyze,
  type RunContext,
  type RunInput,
  type RunOutput,
  type RunPlainInput,
  type RunPlainOutput,
  runInstrumented,
  runPlain,
} from "./run.js";
export {
  flagsOf,
  type OperationContext,
  OperationError,
  type OperationErrorCode,
  type Progress,
  pathIn,
} from "./types.js";
export { type AppliedPasses, appliedPasses, workspacePipeline } from "./workspace-passes.js";
