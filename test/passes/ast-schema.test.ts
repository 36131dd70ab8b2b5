import { describe, expect, it } from "vitest";
import { programJson } from "../../compiler/ast-json.js";
import { parseOnly } from "../../compiler/compile.js";
import { validateProgramJson } from "../../passes/ast-schema.js";

const file = "examples/hello/hello.kz";
// A fresh JSON copy each time, for a test to break.
const json = () => JSON.parse(JSON.stringify(programJson(parseOnly(file).program!)));
type J = ReturnType<typeof json>;

function reason(edit: (p: J) => void): string {
  const p = json();
  edit(p);
  const r = validateProgramJson(p);
  if (r.ok) throw new Error("accepted");
  return r.reason;
}

describe("the AST schema (what a pass must return)", () => {
  it("accepts the AST JSON and rebuilds spans with their module's file", () => {
    const r = validateProgramJson(json());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const first = r.program.entry.items[0];
    expect(first.span.file).toBe(r.program.entry.file);
    expect(r.program.modules[r.program.entry.name]).toBe(r.program.entry);
  });

  it("rejects each kind of garbage with its place and reason", () => {
    expect(reason((p) => (p.entry.items[0].kind = "spaceship"))).toMatch(
      /^not a valid program: at entry\.items\.0\.kind: expected one of host, event, .* got "spaceship"$/,
    );
    expect(reason((p) => (p.entry.items[0].extra = 1))).toBe(
      "not a valid program: at entry.items.0.extra: unknown key",
    );
    expect(reason((p) => delete p.entry.items[0].span)).toMatch(/^not a valid program: at entry\.items\.0\.span: /);
    expect(reason((p) => (p.entry.items[0].span = { line: 1, col: 1 }))).toContain(
      "at entry.items.0.span: expected [line, col] or [line, col, endLine, endCol], got an object",
    );
    expect(reason((p) => (p.entry.items[0].span = [1, 2.5]))).toContain("at entry.items.0.span");
    expect(reason((p) => (p.flags = "x"))).toBe('not a valid program: at flags: expected an array, got a string "x"');
    expect(reason((p) => (p.entry = null))).toBe("not a valid program: at entry: expected an object, got null");
    expect(reason((p) => (p.modules[p.entry.name] = p.entry))).toContain("listed twice");
    const event = (p: J) => p.entry.items.find((i: { kind: string }) => i.kind === "event");
    expect(reason((p) => (event(p).path = []))).toMatch(/at entry\.items\.\d+\.path: expected at least 1 element$/);
    expect(reason((p) => (event(p).branches[0].payload = { kind: "none", type: "u8" }))).toMatch(
      /at entry\.items\.\d+\.branches\.0\.payload\.type: unknown key$/,
    );
  });

  it("refuses a module named __proto__", () => {
    const p = JSON.parse(`{"entry":${JSON.stringify(json().entry)},"modules":{"__proto__":{}},"flags":[]}`);
    const r = validateProgramJson(p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe("not a valid program: at modules.__proto__: not a module name");
    const named = json();
    named.entry.name = "__proto__";
    const e = validateProgramJson(named);
    expect(e.ok || e.reason).toBe("not a valid program: at entry.name: not a module name");
  });

  it("reads in-memory spans for in-process passes", () => {
    const program = parseOnly(file).program!;
    const modules = Object.fromEntries(Object.entries(program.modules).filter(([n]) => n !== program.entry.name));
    const r = validateProgramJson(JSON.parse(JSON.stringify({ ...program, modules })), "memory");
    expect(r.ok && r.program).toEqual(program);
  });
});
