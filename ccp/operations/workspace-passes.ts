// The workspace's applied passes (koru.passes.json) for every build an operation runs, so the
// CLI, a CCP session and the MCP server build the same program. passes/ sits beside ccp/ and
// never imports it; it is loaded only when the workspace has applied passes (the sandbox is
// heavy). A stale pass is refused here, the same way for every caller.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic, PassInsertion } from "../../compiler/index.js";

export interface AppliedPasses {
  insert: PassInsertion[];
  /** A stale or misplaced pass, a malformed koru.passes.json: the build is refused. */
  diagnostics: Diagnostic[];
}

export async function appliedPasses(root: string): Promise<AppliedPasses> {
  if (!existsSync(join(root, "koru.passes.json"))) return { insert: [], diagnostics: [] };
  const { workspacePassInsertions } = await import("../../passes/workspace/operations.js");
  return workspacePassInsertions(root);
}
