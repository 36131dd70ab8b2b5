import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateProgramJson } from "../passes/ast-schema.js";
import type { Program } from "./ast.js";
import { moduleJson, programJson, spanFromJson, spanJson } from "./ast-json.js";
import { parseOnly } from "./compile.js";
import { parseModule } from "./parse.js";

const ROOT = join(import.meta.dirname, "..");

/** Every example and end-to-end test program that parses, with the modules it imports. */
function corpus(): Program[] {
  const files: string[] = [];
  for (const dir of ["examples", join("test", "e2e")]) {
    for (const entry of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith(".kz")) files.push(join(entry.parentPath, entry.name));
    }
  }
  return files.map((f) => parseOnly(f).program).filter((p): p is Program => p !== undefined);
}

describe("the AST as JSON", () => {
  it("writes each module's file once and every span as a tuple", () => {
    const source = '~import "$std/io"\n~event greet { name: []const u8 }\n~greet(name: "x")\n';
    const m = moduleJson(parseModule(source, "/ws/app.kz", "input").module);
    const text = JSON.stringify(m);
    expect(text.split("/ws/app.kz").length - 1).toBe(1);
    expect(m.items[0].span).toEqual([1, 1, 1, 18]);
    const event = m.items[1];
    expect(event.kind === "event" && event.input[0].span).toEqual([2, 1]);
  });

  it("keeps the file of a span from another file than its module's", () => {
    expect(spanJson({ file: "a.kz", line: 3, col: 4 }, "a.kz")).toEqual([3, 4]);
    expect(spanJson({ file: "b.kz", line: 3, col: 4 }, "a.kz")).toEqual([3, 4, "b.kz"]);
    expect(spanJson({ file: "b.kz", line: 3, col: 4, endLine: 5, endCol: 2 }, "a.kz")).toEqual([3, 4, 5, 2, "b.kz"]);
    expect(spanFromJson([3, 4, 5, 2, "b.kz"], "a.kz")).toEqual({
      file: "b.kz",
      line: 3,
      col: 4,
      endLine: 5,
      endCol: 2,
    });
    expect(spanFromJson([3, 4], "a.kz")).toEqual({ file: "a.kz", line: 3, col: 4 });
    for (const bad of [[3], [3, "4"], [3, 4, 5], [3, 4, 5, 6, 7], [1.5, 2], { line: 1, col: 1 }, "3:4"])
      expect(spanFromJson(bad, "a.kz"), JSON.stringify(bad)).toBeUndefined();
  });

  it("reads back as the same program on every example and test program", () => {
    const programs = corpus();
    expect(programs.length).toBeGreaterThan(40);
    for (const program of programs) {
      const json = JSON.parse(JSON.stringify(programJson(program)));
      const back = validateProgramJson(json);
      if (!back.ok) throw new Error(`${program.entry.file}: ${back.reason}`);
      expect(back.program, program.entry.file).toEqual(program);
      // The JSON is written again byte for byte from what was read.
      expect(JSON.stringify(programJson(back.program))).toBe(JSON.stringify(json));
    }
  });
});
