// The public surface of passes/: the formatter, the helper API for pass authors, guarded and
// sandboxed passes, and the workspace pass operations the CLI, CCP and MCP adapt.

export type { PassProgram, Visitor as PassVisitor } from "./api.js";
export * as api from "./api.js";
export { validateProgramJson } from "./ast-schema.js";
export { PASS_CODES, type PassRejection } from "./diagnostics.js";
export { type FormatResult, formatSource, printModule, printWithComments, sameAst, withoutPositions } from "./print/index.js";
export { acceptProgram, guardPass, type ProgramTransform, programPass } from "./program-pass.js";
export { unifiedDiff } from "./review/unified-diff.js";
export { type AgentPassResult, runAgentPass, sandboxedPass } from "./sandbox/agent-pass.js";
export { DEFAULT_LIMITS, type SandboxLimits } from "./sandbox/quickjs.js";
export { closeSandbox, warmSandbox } from "./sandbox/sandbox.js";
export {
  type ApplyPassResult,
  applyPass,
  type ListedPass,
  listPasses,
  type PassOperationError,
  type ProposePassInput,
  type ProposePassResult,
  proposePass,
  type ReviewPassResult,
  removePass,
  reviewPass,
  workspacePassInsertions,
} from "./workspace/operations.js";
export type { AppliedPass, PassEvidence, ProgramEvidence, Verdict } from "./workspace/store.js";

import { applyPass, listPasses, proposePass, removePass, reviewPass } from "./workspace/operations.js";

/** The operations under the names the MCP tools use. */
export const propose_pass = proposePass;
export const review_pass = reviewPass;
export const apply_pass = applyPass;
export const remove_pass = removePass;
export const list_passes = listPasses;
