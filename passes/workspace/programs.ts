// The programs a proposed pass is tried on: every runnable .kz file of the workspace (its
// program, its examples and its test programs), i.e. every file with a top-level flow.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const SKIP_DIRS = new Set([".koru", ".git", "node_modules", "dist", ".tools", "zig-out", ".zig-cache"]);
const MAX_FILES = 1_000;

/** Absolute paths, sorted, of the workspace's runnable .kz files (variant sidecars excluded). */
export function workspacePrograms(root: string): string[] {
  const found: string[] = [];
  const visit = (dir: string): void => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (found.length >= MAX_FILES) return;
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) visit(path);
      } else if (e.isFile() && e.name.endsWith(".kz") && !e.name.endsWith(".variants.kz") && hasFlow(path)) {
        found.push(path);
      }
    }
  };
  visit(root);
  return found.sort((a, b) => relative(root, a).localeCompare(relative(root, b)));
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
