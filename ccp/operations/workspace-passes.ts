// The workspace's applied passes (koru.passes.json) for every build an operation runs, so the
// CLI, a CCP session and the MCP server build the same program. passes/ sits beside ccp/ and
// never imports it; it is loaded only when the workspace has applied passes (the sandbox is
// heavy). A stale pass is refused here, the same way for every caller.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { BUILTIN_PASS_NAMES, type Diagnostic, type PassInsertion, passList } from "../../compiler/index.js";

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

/** The pipeline as a build of the workspace runs it: built-in passes and applied ones, in order. */
export async function workspacePipeline(root: string): Promise<{ name: string; builtin: boolean; after?: string }[]> {
  const list = passList((await appliedPasses(root)).insert);
  return list.passes.map((p, i) =>
    BUILTIN_PASS_NAMES.includes(p.name)
      ? { name: p.name, builtin: true }
      : { name: p.name, builtin: false, after: list.passes[i - 1]!.name },
  );
}
