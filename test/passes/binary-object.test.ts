import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "../../compiler/ast.js";
import { programJson } from "../../compiler/ast-json.js";
import { parseOnly } from "../../compiler/compile.js";
import { readBinaryObject } from "../../passes/sandbox/binary-object.js";
import { loadQuickJS } from "../../passes/sandbox/quickjs.js";
import { ROOT } from "../helpers.js";

type Context = ReturnType<Awaited<ReturnType<typeof loadQuickJS>>["newContext"]>;
let context: Context;

beforeAll(async () => {
  context = (await loadQuickJS()).newContext();
});
afterAll(() => context.dispose());

/** What QuickJS writes for the value of `code`, read back; and JSON's view of the same value. */
function both(code: string): { binary: unknown; json: unknown } {
  const value = context.unwrapResult(context.evalCode(code));
  const encoded = context.encodeBinaryJSON(value);
  const bytes = context.getArrayBuffer(encoded);
  const binary = readBinaryObject(Uint8Array.from(bytes.value));
  bytes.dispose();
  encoded.dispose();
  const text = context.unwrapResult(context.evalCode(`JSON.stringify(${code})`));
  const json = JSON.parse(context.getString(text));
  text.dispose();
  value.dispose();
  return { binary, json };
}

function refused(code: string): string {
  const value = context.unwrapResult(context.evalCode(code));
  const encoded = context.encodeBinaryJSON(value);
  const bytes = context.getArrayBuffer(encoded);
  const copy = Uint8Array.from(bytes.value);
  bytes.dispose();
  encoded.dispose();
  value.dispose();
  expect(() => readBinaryObject(copy, false)).toThrow();
  try {
    readBinaryObject(copy);
  } catch (e) {
    return String(e);
  }
  throw new Error("read");
}

describe("QuickJS's binary object format, read as JSON would see it", () => {
  it("reads values exactly as JSON.parse(JSON.stringify(value))", () => {
    for (const code of [
      "({ a: 1, b: [true, false, null], c: 'text', d: -7, e: 2147483648, f: -0, g: 1.5 })",
      "({ skipped: undefined, list: [undefined, , 3], nan: NaN, inf: -Infinity })",
      "({ latin: 'é', wide: '€ \\u{1F600}', empty: '', '0': 'integer key', 'a b': 1 })",
      "(() => { const shared = [1, 2]; return { x: shared, y: { z: shared } }; })()",
      'JSON.parse(\'{"__proto__": {"x": 1}}\')',
      "[[[]], {}, [{}]]",
    ]) {
      const { binary, json } = both(code);
      expect(binary, code).toEqual(json);
      expect(JSON.stringify(binary), code).toBe(JSON.stringify(json));
    }
  });

  it("refuses cycles and values JSON cannot hold", () => {
    expect(refused("(() => { const a = { b: {} }; a.b.a = a; return a; })()")).toContain("cyclic");
    expect(refused("({ when: new Date(0) })")).toContain("JSON cannot hold");
    expect(() => readBinaryObject(new Uint8Array([9, 0, 8, 0]))).toThrow("version");
    expect(() => readBinaryObject(new Uint8Array([5, 0, 9, 3, 1]))).toThrow("truncated");
  });

  it("reads every example and test program's AST as its JSON", () => {
    const files: string[] = [];
    for (const dir of ["examples", join("test", "e2e")]) {
      for (const e of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true }))
        if (e.isFile() && e.name.endsWith(".kz")) files.push(join(e.parentPath, e.name));
    }
    const programs = files.map((f) => parseOnly(f).program).filter((p): p is Program => p !== undefined);
    expect(programs.length).toBeGreaterThan(40);
    for (const p of programs) {
      const text = JSON.stringify(programJson(p));
      const { binary } = both(`JSON.parse(${JSON.stringify(text)})`);
      expect(JSON.stringify(binary), p.entry.file).toBe(text);
    }
  });
});
