// Every tool the server offers, in the order clients list them.
import type { AnyTool } from "../tool.js";
import { analyzeTool } from "./analyze.js";
import { applyPassTool } from "./apply_pass.js";
import { benchmarkVariantTool } from "./benchmark_variant.js";
import { ccpTool } from "./ccp.js";
import { checkTool } from "./check.js";
import { compileTool } from "./compile.js";
import { evalFlowTool } from "./eval_flow.js";
import { getAstTool } from "./get_ast.js";
import { getEventTool } from "./get_event.js";
import { getHotspotsTool } from "./get_hotspots.js";
import { cancelJobTool, getJobTool, startJobTool } from "./jobs.js";
import { listEventsTool } from "./list_events.js";
import { listPassesTool } from "./list_passes.js";
import { listVariantsTool } from "./list_variants.js";
import { optimizeTool } from "./optimize.js";
import { proposePassTool } from "./propose_pass.js";
import { proposeVariantTool } from "./propose_variant.js";
import { removeVariantTool } from "./remove_variant.js";
import { revertVariantTool } from "./revert_variant.js";
import { reviewPassTool } from "./review_pass.js";
import { reviewVariantTool } from "./review_variant.js";
import { runTool } from "./run.js";
import { selectVariantTool } from "./select_variant.js";
import { testVariantTool } from "./test_variant.js";

export const TOOLS: AnyTool[] = [
  listEventsTool,
  getEventTool,
  getAstTool,
  checkTool,
  compileTool,
  runTool,
  analyzeTool,
  getHotspotsTool,
  proposeVariantTool,
  testVariantTool,
  benchmarkVariantTool,
  reviewVariantTool,
  listVariantsTool,
  selectVariantTool,
  revertVariantTool,
  removeVariantTool,
  optimizeTool,
  listPassesTool,
  proposePassTool,
  reviewPassTool,
  applyPassTool,
  ccpTool,
  evalFlowTool,
  startJobTool,
  getJobTool,
  cancelJobTool,
];

export function toolNamed(name: string): AnyTool | undefined {
  return TOOLS.find((t) => t.name === name);
}
