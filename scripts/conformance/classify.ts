// Classify an upstream regression-test directory the way upstream's runner
// (`scripts/regression_lib.sh`) does, from the marker files it holds.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** What upstream would do with a test dir; only the first two are run by us. */
export type TestKind =
  | "run-expected" // MUST_RUN + expected.txt: run, compare merged output
  | "frontend-error" // EXPECT=FRONTEND_COMPILE_ERROR + expected.txt: compare koruc stderr
  | "benchmark"
  | "todo"
  | "skip"
  | "broken"
  | "no-input"
  | "config-error"
  | "parser-test"
  | "frontend-error-other" // FRONTEND_COMPILE_ERROR without expected.txt (patterns or none)
  | "run-patterns"
  | "run-post"
  | "run-exit"
  | "must-fail"
  | "backend-error"
  | "compile-only";

export const RUN_KINDS: readonly TestKind[] = ["run-expected", "frontend-error"];

export interface TestCase {
  /** Path relative to `tests/regression`, with `/` separators. */
  name: string;
  /** Absolute directory. */
  dir: string;
  /** Top-level category folder, e.g. `000_CORE_LANGUAGE`. */
  category: string;
  kind: TestKind;
  /** Extra koruc flags from COMPILER_FLAGS. */
  flags: string[];
  /** Imports only `$std/io` / `$std/control` (or nothing) in every .kz file of the dir. */
  core: boolean;
}

const TEST_NAME = /^[0-9]+[a-z]?_/;
const MARKERS = ["input.kz", "TODO", "SKIP", "BROKEN", "BENCHMARK"];
const CORE_IMPORTS = new Set(["$std/io", "$std/control"]);
const IMPORT_LINE = /^[ \t]*~[ \t]*(?:\[[^\]\n]*\][ \t]*)?(?:pub[ \t]+)?import[ \t]+"([^"\n]*)"/gm;

/** Every test dir under `root` (= `<checkout>/tests/regression`), sorted, `_archive` skipped. */
export function findTests(root: string): TestCase[] {
  const dirs: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      if (!e.isDirectory() || e.name === "_archive") continue;
      const sub = join(dir, e.name);
      if (TEST_NAME.test(e.name) && MARKERS.some((m) => existsSync(join(sub, m)))) dirs.push(sub);
      walk(sub);
    }
  };
  walk(root);
  return dirs.map((dir) => classify(root, dir));
}

export function classify(root: string, dir: string): TestCase {
  const name = dir
    .slice(root.length + 1)
    .split(/[\\/]/)
    .join("/");
  const category = name.split("/")[0];
  const has = (f: string): boolean => existsSync(join(dir, f));
  const parent = dirname(dir);
  const inCategory = (f: string): boolean => parent !== root && existsSync(join(parent, f));
  const expectLines = has("EXPECT") ? lines(readFileSync(join(dir, "EXPECT"), "utf8")) : [];
  const flags = has("COMPILER_FLAGS")
    ? readFileSync(join(dir, "COMPILER_FLAGS"), "utf8").split(/\s+/).filter(Boolean)
    : [];
  const base = { name, dir, category, flags, core: isCore(dir) };
  return { ...base, kind: kindOf(has, inCategory, expectLines) };
}

function kindOf(has: (f: string) => boolean, inCategory: (f: string) => boolean, expectLines: string[]): TestKind {
  // Same order of checks as upstream's runner.
  if (has("BENCHMARK") || inCategory("BENCHMARK")) return "benchmark";
  if (has("TODO")) return "todo";
  if (inCategory("SKIP") || has("SKIP")) return "skip";
  if (has("BROKEN")) return "broken";
  if (!has("input.kz")) return "no-input";
  const expected = has("expected.txt");
  const patterns = has("expected_patterns.txt");
  if (expected && patterns) return "config-error";
  if ((expected || patterns) && !has("MUST_RUN") && !has("EXPECT")) return "config-error";
  if (has("PARSER_TEST")) return "parser-test";
  if (expectLines.includes("FRONTEND_COMPILE_ERROR")) return expected ? "frontend-error" : "frontend-error-other";
  if (has("MUST_FAIL") || has("expected_error.txt") || expectLines.includes("BACKEND_COMPILE_ERROR")) {
    // Upstream accepts a backend failure for these; a MUST_RUN test that builds still runs.
    if (!has("MUST_RUN")) return has("MUST_FAIL") ? "must-fail" : "backend-error";
  }
  if (has("MUST_RUN")) {
    if (expected) return "run-expected";
    if (patterns) return "run-patterns";
    if (has("post.sh")) return "run-post";
    return "run-exit";
  }
  return "compile-only";
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.replace(/\r$/, ""));
}

/** Paths imported by a .kz text (`~import "..."`, `~[flag]import "..."`). */
export function importsOf(text: string): string[] {
  return [...text.matchAll(IMPORT_LINE)].map((m) => m[1]);
}

function isCore(dir: string): boolean {
  for (const file of kzFiles(dir)) {
    for (const path of importsOf(readFileSync(file, "utf8"))) {
      if (!CORE_IMPORTS.has(path.replace(/\.kz$/, ""))) return false;
    }
  }
  return true;
}

function kzFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...kzFiles(p));
    else if (e.name.endsWith(".kz")) out.push(p);
  }
  return out;
}
