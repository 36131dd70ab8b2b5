// Import resolution: `$alias/path` → files, module names (`$std/io` → `std.io`),
// directory imports, conditional `~[flag]import`, circular imports tolerated.
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ImportDecl, Item, Module, Program } from "./ast.js";
import { type Diagnostic, error } from "./diagnostics.js";
import { parseModule } from "./parse.js";
import { readSourceFile } from "./source-file.js";
import { findWorkspace, isInside, readKoruJson } from "./workspace.js";

/** Our standard library always serves `$std`, whatever a koru.json says. */
export const STD_DIR = join(packageRoot(), "compiler", "std");

/** The koru-ccp package root (works from `compiler/` sources and from `dist/compiler/`). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Modules every program sees (keyword events such as `if` / `for`). */
const PRELUDE = ["$std/control"];

export interface LoadResult {
  program?: Program;
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

interface Aliases {
  [alias: string]: string[];
}

export function loadProgram(entryFile: string, flags: string[], entrySource?: string): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const text = entrySource ?? readText(entryFile, diagnostics);
  if (text === undefined) return { diagnostics, sources };
  sources.set(entryFile, text);
  const entryName = basename(entryFile).replace(/\.kz$/, "");
  const parsed = parseModule(text, entryFile, entryName);
  diagnostics.push(...parsed.diagnostics);
  const entry = filterConditional(withSidecar(parsed.module, entryFile, diagnostics, sources), flags);
  const aliases = readAliases(dirname(resolve(entryFile)), diagnostics);
  const root = findWorkspace(dirname(resolve(entryFile)));
  const modules: Record<string, Module> = { [entryName]: entry };
  const queue: Module[] = [entry];
  const loadImport = (path: string, from: ImportDecl | undefined): void => {
    for (const { name, file } of resolveImport(path, aliases, root, from, diagnostics)) {
      if (modules[name]) continue;
      // A module importing the entry file (circular imports) sees the entry module itself.
      if (resolve(file) === resolve(entryFile)) {
        modules[name] = entry;
        continue;
      }
      const src = readText(file, diagnostics);
      if (src === undefined) continue;
      sources.set(file, src);
      const result = parseModule(src, file, name);
      diagnostics.push(...result.diagnostics);
      const mod = filterConditional(withSidecar(result.module, file, diagnostics, sources), flags);
      modules[name] = mod;
      queue.push(mod);
    }
  };
  for (const p of PRELUDE) loadImport(p, undefined);
  while (queue.length > 0) {
    const mod = queue.shift()!;
    for (const item of mod.items) if (item.kind === "import") loadImport(item.path, item);
  }
  return { program: { entry, modules, flags }, diagnostics, sources };
}

/** `blur.kz` → `blur.variants.kz`: variant procs written beside a module, by tools or by hand. */
export function sidecarOf(file: string): string {
  return file.replace(/(\.variants)?\.kz$/, "") + ".variants.kz";
}

/** A module's sidecar is part of the module: its items follow the module's own. */
function withSidecar(mod: Module, file: string, diags: Diagnostic[], sources: Map<string, string>): Module {
  const side = sidecarOf(file);
  if (file.endsWith(".variants.kz") || !existsSync(side)) return mod;
  const text = readText(side, diags);
  if (text === undefined) return mod;
  sources.set(side, text);
  const parsed = parseModule(text, side, mod.name);
  diags.push(...parsed.diagnostics);
  return { ...mod, items: [...mod.items, ...parsed.module.items] };
}

export function moduleNameOf(importPath: string): string {
  return importPath.replace(/^\$/, "").replace(/\.kz$/, "").replace(/\//g, ".");
}

function filterConditional(mod: Module, flags: string[]): Module {
  const items = mod.items.filter((item: Item) => {
    if (item.kind !== "import" || item.annotations.length === 0) return true;
    return item.annotations.some((a) => flags.includes(a));
  });
  return { ...mod, items };
}

function readText(file: string, diags: Diagnostic[]): string | undefined {
  const read = readSourceFile(file);
  if ("text" in read) return read.text;
  const at = { file, line: read.line ?? 1, col: read.col ?? 1 };
  diags.push(error("KORU002", `cannot read '${file}': ${read.error}`, at));
  return undefined;
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function readAliases(entryDir: string, diags: Diagnostic[]): Aliases {
  const aliases: Aliases = { app: [entryDir], root: [entryDir], lib: [join(entryDir, "lib")] };
  const root = findWorkspace(entryDir);
  const { config, diagnostics } = readKoruJson(root);
  // A malformed koru.json is reported; the defaults stay in place.
  diags.push(...diagnostics);
  for (const [alias, value] of Object.entries(config.paths ?? {})) {
    const list = Array.isArray(value) ? value : [value];
    aliases[alias] = list.map((p) =>
      p === "{{ ENTRY }}" ? entryDir : resolve(root, p.replace("{{ ENTRY }}", entryDir)),
    );
  }
  aliases.std = [STD_DIR];
  // The bundled HTTP server module (`~import "$orisha"`), unless koru.json names another.
  aliases.orisha ??= [join(STD_DIR, "orisha")];
  return aliases;
}

function resolveImport(
  path: string,
  aliases: Aliases,
  root: string,
  from: ImportDecl | undefined,
  diags: Diagnostic[],
): { name: string; file: string }[] {
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*)(?:\/(.*))?$/.exec(path.replace(/\.kz$/, ""));
  const at = from?.span ?? { file: "<prelude>", line: 1, col: 1 };
  if (!m) {
    diags.push(error("KORU002", `invalid import path '${path}'`, at));
    return [];
  }
  const [, alias, rest = ""] = m;
  const bases = aliases[alias];
  if (!bases) {
    diags.push(
      error("KORU002", `unknown import alias '$${alias}'`, at, {
        hint: `define "${alias}" under "paths" in koru.json`,
      }),
    );
    return [];
  }
  if (rest.split("/").includes("..")) {
    const hint = "name the folder with an alias in koru.json";
    diags.push(error("KORU002", `import path '${path}' climbs out of '$${alias}'`, at, { hint }));
    return [];
  }
  const name = moduleNameOf(path);
  for (const base of bases) {
    const target = rest === "" ? base : join(base, rest);
    // What an import loads stays in its alias folder or the workspace: no symlink leads out.
    // Allowed: the alias folder, a module file the alias names (`$orisha` -> orisha.kz), the
    // workspace and the std library.
    const aliasFile = realOrSelf(`${base}.kz`);
    const allowed = [realOrSelf(base), root, realOrSelf(STD_DIR)];
    const escapes = (file: string) => {
      const real = realOrSelf(file);
      return real !== aliasFile && !allowed.some((dir) => isInside(dir, real));
    };
    if ([target, `${target}.kz`].some((t) => existsSync(t) && escapes(t))) {
      const hint = "a symbolic link points out of it";
      diags.push(error("KORU002", `import '${path}' leads outside the workspace`, at, { hint }));
      return [];
    }
    const found: { name: string; file: string }[] = [];
    if (existsSync(`${target}.kz`)) found.push({ name, file: `${target}.kz` });
    else if (target.endsWith(".kz") && existsSync(target)) found.push({ name, file: target });
    if (existsSync(target) && statSync(target).isDirectory()) {
      for (const f of readdirSync(target).sort()) {
        const file = join(target, f);
        // Sidecars (`<module>.variants.kz`) load with their module, never as modules of their own.
        if (!f.endsWith(".kz") || f.endsWith(".variants.kz") || escapes(file)) continue;
        found.push({ name: `${name}.${f.slice(0, -3)}`, file });
      }
    }
    if (found.length > 0) return found;
  }
  diags.push(
    error("KORU002", `module not found: '${path}'`, at, {
      hint:
        alias === "std"
          ? "the standard library has no such module"
          : `check the import path and the "${alias}" entry under "paths" in koru.json`,
    }),
  );
  return [];
}
