// The workspace of a .kz file: the nearest folder holding koru.json, else the file's own
// folder. Build products and run records live under its `.koru/`, never beside sources.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export function workspaceOf(file: string): string {
  const start = dirname(resolve(file));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "koru.json"))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

export function koruDir(workspace: string, ...parts: string[]): string {
  return join(workspace, ".koru", ...parts);
}
