// The layers point one way: cli/, mcp/ -> ccp/, variants/, passes/ -> compiler/. Nothing imports
// from a folder above its own, and no module imports itself through a cycle. Only the project's
// own relative imports count (node: and package imports are not layers).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

/** Higher numbers sit above lower ones; a folder may import only from its own rank or below. */
const RANK: Record<string, number> = { compiler: 0, ccp: 1, variants: 1, passes: 1, cli: 2, mcp: 2 };
/** Folders on the same rank may import each other (ccp/ drives variants/); only upward is refused. */
const SIBLINGS_APART = false;

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sourceFiles(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/**
 * Relative imports of a file (static and dynamic with a literal path), as .ts paths; with
 * `runtimeOnly`, `import type` is left out (it leaves no trace at run time, so it cannot form
 * a cycle that matters, though it still may not point upward).
 */
function importsOf(file: string, runtimeOnly = false): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  const re = /(?:^|[^\w.])(?:import|export)\s[^;]*?from\s+"(\.{1,2}\/[^"]+)"|import\(\s*"(\.{1,2}\/[^"]+)"\s*\)/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2];
    if (!spec) continue;
    if (runtimeOnly && /^\W?(?:import|export)\s+type\s/.test(m[0])) continue;
    out.push(resolve(dirname(file), spec).replace(/\.js$/, ".ts"));
  }
  return out;
}

function layerOf(file: string): string | undefined {
  const top = relative(ROOT, file).split(/[\\/]/)[0];
  return top !== undefined && top in RANK ? top : undefined;
}

const files = Object.keys(RANK).flatMap((d) => sourceFiles(join(ROOT, d)));
const graph = new Map(files.map((f) => [f, importsOf(f).filter((i) => layerOf(i) !== undefined)]));
const runtimeGraph = new Map(files.map((f) => [f, importsOf(f, true).filter((i) => layerOf(i) !== undefined)]));

describe("layering", () => {
  it("no folder imports from a folder above it (or from a sibling on its own level)", () => {
    const bad: string[] = [];
    for (const [file, deps] of graph) {
      const from = layerOf(file)!;
      for (const dep of deps) {
        const to = layerOf(dep)!;
        const upward = RANK[to] > RANK[from];
        const sideways = SIBLINGS_APART && to !== from && RANK[to] === RANK[from] && from !== "compiler";
        if (upward || sideways) bad.push(`${relative(ROOT, file)} -> ${relative(ROOT, dep)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("has no import cycles", () => {
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, "open");
      stack.push(f);
      for (const d of runtimeGraph.get(f) ?? []) {
        if (state.get(d) === "open") {
          cycles.push(
            stack
              .slice(stack.indexOf(d))
              .concat(d)
              .map((p) => relative(ROOT, p))
              .join(" -> "),
          );
        } else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, "done");
    };
    for (const f of runtimeGraph.keys()) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it("sees the project's imports (the test is not vacuous)", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(graph.get(join(ROOT, "ccp", "session.ts"))).toContain(join(ROOT, "compiler", "index.ts"));
  });
});
