// Every path a tool, resource or prompt names goes through here: the compiler's `confine`
// (realpath inside the workspace root, symlinks out refused, paths that do not exist yet checked
// through their nearest existing parent) after the checks only an MCP argument needs.
import { relative, sep } from "node:path";
import { confine, WorkspaceError } from "../compiler/index.js";

export class PathError extends Error {}

const MAX_PATH = 4096;

/** `p` (relative to `root`, or absolute inside it) as a real path inside the real `root`. */
export function confinePath(root: string, p: string): string {
  if (typeof p !== "string" || p.length === 0) throw new PathError("the path is empty");
  if (p.length > MAX_PATH) throw new PathError(`the path is longer than ${MAX_PATH} characters`);
  if (p.includes("\0")) throw new PathError("the path contains a NUL byte");
  if (p.startsWith("-")) throw new PathError(`'${p}' starts with '-': name files by a path that does not`);
  try {
    return confine(root, p);
  } catch (e) {
    if (e instanceof WorkspaceError) {
      const what =
        e.code === "outside_workspace" ? "is outside the workspace root (give a path relative to the root)" : e.message;
      throw new PathError(e.code === "outside_workspace" ? `'${p}' ${what}` : what);
    }
    throw e;
  }
}

/** A path for display: relative to the root, with forward slashes. */
export function displayPath(root: string, p: string): string {
  const rel = relative(root, p);
  return rel === "" ? "." : rel.split(sep).join("/");
}
