import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIAGNOSTIC_CODES, UPSTREAM_CODES } from "./diagnostic-codes.js";

const here = new URL(".", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && e.name !== "diagnostic-codes.ts" ? [p] : [];
  });
}

describe("the diagnostics catalog", () => {
  const used = new Map<string, string[]>();
  // variants/ reports its operation errors with catalogued codes too.
  for (const file of [...sources(here), ...sources(join(here, "..", "variants"))]) {
    for (const m of readFileSync(file, "utf8").matchAll(/"((?:KORU|PARSE|ZIG)\d{3})"/g)) {
      used.set(m[1], [...(used.get(m[1]) ?? []), file.slice(here.length)]);
    }
  }
  it("lists every code the compiler emits", () => {
    const missing = [...used.keys()].filter((c) => !(c in DIAGNOSTIC_CODES));
    expect(missing).toEqual([]);
  });
  it("lists no code the compiler never emits", () => {
    expect(Object.keys(DIAGNOSTIC_CODES).filter((c) => !used.has(c))).toEqual([]);
  });
});

describe("codes against upstream's", () => {
  const entries = Object.entries(DIAGNOSTIC_CODES) as [string, { upstream: boolean }][];
  it("no code of ours reuses a number upstream gives another meaning", () => {
    expect(entries.filter(([code, info]) => !info.upstream && code in UPSTREAM_CODES).map(([c]) => c)).toEqual([]);
  });
  it("every code marked upstream is one upstream declares", () => {
    expect(entries.filter(([code, info]) => info.upstream && !(code in UPSTREAM_CODES)).map(([c]) => c)).toEqual([]);
  });
});

describe("checks have one home", () => {
  // The checker owns its codes; the emitter assumes a checked program and reports none of them.
  const checker = new Set(
    [...readFileSync(join(here, "check.ts"), "utf8").matchAll(/"(KORU\d{3})"/g)].map((m) => m[1]),
  );
  it("the emitter reports no code the checker reports", () => {
    const emitter = sources(join(here, "emit")).flatMap((f) =>
      [...readFileSync(f, "utf8").matchAll(/"(KORU\d{3})"/g)].map((m) => `${f.slice(here.length)}: ${m[1]}`),
    );
    expect(emitter.filter((e) => checker.has(e.split(": ")[1]!))).toEqual([]);
  });
});
