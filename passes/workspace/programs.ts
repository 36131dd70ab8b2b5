// The programs a proposed pass is tried on: every runnable .kz file of the workspace (its
// program, its examples and its test programs), i.e. every file with a top-level flow.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { kzFiles } from "../../compiler/workspace.js";

const MAX_FILES = 2_000;

/** Absolute paths, sorted, of the workspace's runnable .kz files (variant sidecars excluded). */
export function workspacePrograms(root: string): string[] {
  return kzFiles(root, MAX_FILES)
    .filter((rel) => !rel.endsWith(".variants.kz"))
    .sort((a, b) => a.localeCompare(b))
    .map((rel) => join(root, rel))
    .filter(hasFlow);
}

/** A top-level flow: a `~` line that is not a declaration, an import or an implementation. */
function hasFlow(path: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return false;
  }
  for (const line of text.split("\n")) {
    if (!line.startsWith("~")) continue;
    const rest = line.slice(1).replace(/^\[[^\]]*\]\s*/, "");
    if (/^(pub\s+~?)?(event|proc|import)\b/.test(rest) || rest.trim() === "") continue;
    if (/^[A-Za-z_][A-Za-z0-9_.:]*\s*=(?!=)/.test(rest)) continue;
    return true;
  }
  return false;
}
