// The public surface of variants/: operations the CLI, the CCP session and the MCP server call.

export { type BenchResult, bootstrapMedianCI, FASTER_BELOW, median, SUSPECT_SPEEDUP } from "./bench.js";
export { recordedInputsPath } from "./corpus.js";
export { type Evidence, evidencePath, readEvidence, renderReview, type Verdict } from "./evidence.js";
export { type FloatPolicy, parsePolicy } from "./harness/float-policy.js";
export {
  type BenchInput,
  benchVariant,
  GATE_MIN_CASES,
  judge,
  listVariants,
  type OpResult,
  type Progress,
  reviewVariant,
  type TestInput,
  type TestResult,
  testVariant,
  type VariantListing,
} from "./operations.js";
export { revertVariant, type SelectInput, selectVariant } from "./select.js";
export { type ProposeInput, proposeVariant, removeVariant } from "./sidecar-ops.js";
