import { describe, expect, it } from "vitest";
import { caseState, mentions, moduleVars } from "./module-state.js";
import { parseModule } from "./parse.js";

const mod = parseModule(
  [
    "var count: u32 = 0;",
    "pub var total: f64 = 0;",
    "const limit = 10;",
    "fn helper() void {",
    "    var local: u32 = 0;",
    "    _ = &local;",
    "}",
    "var unused: u8 = 0;",
  ].join("\n"),
  "state.kz",
  "state",
).module;

describe("the module state of a case", () => {
  it("lists top-level vars only, in declaration order", () => {
    expect(moduleVars(mod)).toEqual(["count", "total", "unused"]);
  });
  it("keeps those a proc mentions as a name of its own", () => {
    expect(mentions("count += 1;", "count")).toBe(true);
    expect(mentions('s.count += 1; @count(); "count"', "count")).toBe(false);
    expect(caseState(mod, [{ body: "total += 1.0;" }, { body: "count = 2; recount();" }])).toEqual(["count", "total"]);
  });
});
