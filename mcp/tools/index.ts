// Every tool the server offers, in the order clients list them.
import type { AnyTool } from "../tool.js";
import { analyzeTool } from "./analyze.js";
import { ccpTool } from "./ccp.js";
import { checkTool } from "./check.js";
import { compileTool } from "./compile.js";
import { evalFlowTool } from "./eval_flow.js";
import { getAstTool } from "./get_ast.js";
import { getEventTool } from "./get_event.js";
import { getHotspotsTool } from "./get_hotspots.js";
import { cancelJobTool, getJobTool, startJobTool } from "./jobs.js";
import { listEventsTool } from "./list_events.js";
import { runTool } from "./run.js";

export const TOOLS: AnyTool[] = [
  listEventsTool,
  getEventTool,
  getAstTool,
  checkTool,
  compileTool,
  runTool,
  analyzeTool,
  getHotspotsTool,
  ccpTool,
  evalFlowTool,
  startJobTool,
  getJobTool,
  cancelJobTool,
];

export function toolNamed(name: string): AnyTool | undefined {
  return TOOLS.find((t) => t.name === name);
}
