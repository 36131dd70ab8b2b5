// The workspace of a .kz file: the nearest folder holding koru.json, else the file's own
// folder. It is the boundary of everything a command may read or write (`confine`), and
// build products and run records live under its `.koru/`, never beside sources.
import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { type Diagnostic, error } from "./diagnostics.js";
import { readSourceFile } from "./source-file.js";

export type WorkspaceErrorCode = "outside_workspace" | "not_found" | "dangling_symlink";

/** A path a command may not use; `code` is what CCP and MCP report. */
export class WorkspaceError extends Error {
  constructor(
    readonly code: WorkspaceErrorCode,
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = "WorkspaceError";
  }
}

/** The workspace root for a file or folder, as a real path (symlinks resolved). */
export function findWorkspace(fileOrDir: string): string {
  const full = resolve(fileOrDir);
  const start = isDirectory(full) ? full : dirname(full);
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "koru.json"))) return realOrSelf(dir);
    if (dirname(dir) === dir) return realOrSelf(start);
  }
}

export function koruDir(workspace: string, ...parts: string[]): string {
  return join(workspace, ".koru", ...parts);
}

export interface KoruJson {
  /** Import aliases: `"lib": "lib"` or a list of folders; `{{ ENTRY }}` is the entry's folder. */
  paths?: Record<string, string | string[]>;
  [key: string]: unknown;
}

export interface KoruJsonResult {
  /** The config, `{}` when there is no koru.json or it is malformed. */
  config: KoruJson;
  /** The koru.json read, if any. */
  file?: string;
  /** A located diagnostic when koru.json is malformed. */
  diagnostics: Diagnostic[];
}

/** Read `<root>/koru.json`. A malformed file is a diagnostic at the offending line, never ignored. */
export function readKoruJson(root: string): KoruJsonResult {
  const file = join(root, "koru.json");
  if (!existsSync(file) && !isSymlink(file)) return { config: {}, diagnostics: [] };
  // Regular files only, bounded in size, never blocking (a FIFO or /dev/zero named koru.json).
  const read = readSourceFile(file);
  if (!("text" in read)) {
    const at = { file, line: read.line ?? 1, col: read.col ?? 1 };
    return { config: {}, file, diagnostics: [error("KORU005", `cannot read koru.json: ${read.error}`, at)] };
  }
  const text = read.text;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = jsonErrorLocation(text, message);
    const diag = error("KORU005", `malformed koru.json: ${message.replace(/ in JSON at position \d+.*$/, "")}`, {
      file,
      ...at,
    });
    return { config: {}, file, diagnostics: [diag] };
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    return {
      config: {},
      file,
      diagnostics: [error("KORU005", "koru.json must hold a JSON object", { file, line: 1, col: 1 })],
    };
  }
  const config = json as KoruJson;
  const paths = config.paths;
  const validPaths =
    paths === undefined ||
    (typeof paths === "object" &&
      paths !== null &&
      !Array.isArray(paths) &&
      Object.values(paths).every(
        (v) => typeof v === "string" || (Array.isArray(v) && v.every((s) => typeof s === "string")),
      ));
  if (!validPaths) {
    const line = lineOf(text, text.indexOf('"paths"'));
    const diag = error("KORU005", 'koru.json: "paths" must map each alias to a folder or a list of folders', {
      file,
      line,
      col: 1,
    });
    return { config: { ...config, paths: undefined }, file, diagnostics: [diag] };
  }
  return { config, file, diagnostics: [] };
}

/** Line and column (1-based) of a JSON.parse error, from the position V8 reports. */
function jsonErrorLocation(text: string, message: string): { line: number; col: number } {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), col: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  const offset = pos ? Number(pos[1]) : text.length;
  const line = lineOf(text, offset);
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  return { line, col: offset - lineStart + 1 };
}

function lineOf(text: string, offset: number): number {
  if (offset < 0) return 1;
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export interface ConfineOptions {
  /** Refuse paths that do not exist (default: they are checked through their nearest existing parent). */
  mustExist?: boolean;
}

/**
 * `path` (absolute, or relative to `root`) as a real path inside `root`, or a WorkspaceError.
 * Symlinks are resolved before the check, so a link from the workspace to outside it is refused;
 * a path that does not exist yet is checked through its nearest existing parent, and a dangling
 * symlink (which a write would follow anywhere) is refused.
 */
export function confine(root: string, path: string, opts: ConfineOptions = {}): string {
  const realRoot = realOrSelf(resolve(root));
  const full = isAbsolute(path) ? resolve(path) : resolve(root, path);
  const missing: string[] = [];
  let existing = full;
  let real: string | undefined;
  for (;;) {
    try {
      real = realpathSync(existing);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR")
        throw new WorkspaceError("not_found", `cannot resolve '${path}': ${code}`, path);
      if (isSymlink(existing)) {
        throw new WorkspaceError("dangling_symlink", `'${path}' goes through a symlink that points nowhere`, path);
      }
      if (opts.mustExist) throw new WorkspaceError("not_found", `'${path}' does not exist`, path);
      const parent = dirname(existing);
      if (parent === existing) throw new WorkspaceError("not_found", `cannot resolve '${path}'`, path);
      missing.unshift(existing.slice(parent.length).replace(/^[/\\]+/, ""));
      existing = parent;
    }
  }
  const result = missing.length > 0 ? join(real, ...missing) : real;
  if (!isInside(realRoot, result)) {
    throw new WorkspaceError("outside_workspace", `'${path}' is outside the workspace ${realRoot}`, path);
  }
  return result;
}

/** True when `path` is `root` or below it (`..dots.kz` is a name, not a parent). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  if (rel === "") return true;
  if (isAbsolute(rel)) return false;
  return rel !== ".." && !rel.startsWith(`..${sep}`);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** Folders no source walk enters: build products, caches and dependencies (dot-folders too). */
const NOT_SOURCES = new Set(["node_modules", "dist", "zig-out", "zig-cache"]);

/**
 * Every .kz file under `root` as a path relative to it, in sorted walk order, at most `max`:
 * the one walk for "the workspace's sources" (MCP resources, the programs a pass is tried on).
 */
export function kzFiles(root: string, max = 2000): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= max) return;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!NOT_SOURCES.has(e.name) && !e.name.startsWith(".")) walk(join(dir, e.name), path);
      } else if (e.isFile() && e.name.endsWith(".kz")) out.push(path);
    }
  };
  walk(root, "");
  return out;
}
