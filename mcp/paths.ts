// Every path a tool, resource or prompt names goes through here: resolved inside the
// workspace root with realpath, symlinks out refused, paths that do not exist yet checked
// through their nearest existing parent. (Switches to compiler/workspace.ts `confine` once
// the foundation lands it.)
import { realpathSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

export class PathError extends Error {
  constructor(
    message: string,
    readonly code: "outside_root" | "invalid_path",
  ) {
    super(message);
  }
}

const MAX_PATH = 4096;

/** `p` (relative to `root`, or absolute inside it) as a real path inside the real `root`. */
export function confinePath(root: string, p: string): string {
  if (typeof p !== "string" || p.length === 0) throw new PathError("the path is empty", "invalid_path");
  if (p.length > MAX_PATH) throw new PathError(`the path is longer than ${MAX_PATH} characters`, "invalid_path");
  if (p.includes("\0")) throw new PathError("the path contains a NUL byte", "invalid_path");
  if (p.startsWith("-")) throw new PathError(`'${p}' starts with '-': name files by a path that does not`, "invalid_path");
  const realRoot = realpathSync(root);
  const full = isAbsolute(p) ? resolve(p) : resolve(realRoot, p);
  if (!inside(realRoot, full) && !inside(resolve(root), full)) {
    throw new PathError(`'${p}' is outside the workspace root; give a path relative to the root`, "outside_root");
  }
  // Walk up to the nearest existing ancestor and realpath it: a symlink anywhere on the way is followed.
  const rest: string[] = [];
  let probe = full;
  for (;;) {
    try {
      const real = join(realpathSync(probe), ...rest.reverse());
      if (!inside(realRoot, real)) {
        throw new PathError(`'${p}' leads outside the workspace root (through a symlink)`, "outside_root");
      }
      return real;
    } catch (e) {
      if (e instanceof PathError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw new PathError(`'${p}' cannot be resolved (${code})`, "invalid_path");
      const parent = resolve(probe, "..");
      if (parent === probe) throw new PathError(`'${p}' cannot be resolved`, "invalid_path");
      rest.push(probe.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      probe = parent;
    }
  }
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** A path for display: relative to the root, with forward slashes. */
export function displayPath(root: string, p: string): string {
  const rel = relative(root, p);
  return rel === "" ? "." : rel.split(sep).join("/");
}
