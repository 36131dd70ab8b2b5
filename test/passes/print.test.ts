import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseModule } from "../../compiler/parse.js";
import { formatSource, printModule, withoutPositions } from "../../passes/print/index.js";
import { moduleArb } from "./gen-program.js";

function kzFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return kzFiles(p);
    return name.endsWith(".kz") ? [p] : [];
  });
}

const errorsOf = (src: string) => parseModule(src, "gen.kz", "input").diagnostics.filter((d) => d.level === "error");

describe("formatter round trip", () => {
  it("parse(print(ast)) equals ast and printing is idempotent on 5,000 random programs", () => {
    fc.assert(
      fc.property(moduleArb, (module) => {
        const printed = printModule(module);
        const reparsed = parseModule(printed, "gen.kz", "input");
        expect(errorsOf(printed), printed).toEqual([]);
        expect(withoutPositions(reparsed.module.items)).toEqual(withoutPositions(module.items));
        expect(printModule(reparsed.module)).toBe(printed);
      }),
      { numRuns: 5000 },
    );
  });

  it("round-trips every example and test program the parser accepts, keeping every comment", () => {
    const files = [...kzFiles("examples"), ...kzFiles("test/e2e"), ...kzFiles("test/taps")];
    let accepted = 0;
    for (const file of files) {
      const source = readFileSync(file, "utf8");
      const parsed = parseModule(source, file, "input");
      if (parsed.diagnostics.some((d) => d.level === "error")) continue;
      accepted++;
      const once = formatSource(source, file);
      expect(once.text, file).toBeDefined();
      const again = parseModule(once.text!, file, "input");
      expect(withoutPositions(again.module.items), file).toEqual(withoutPositions(parsed.module.items));
      expect(formatSource(once.text!, file).text, file).toBe(once.text);
      for (const comment of source.match(/\/\/[^\n]*/g) ?? []) expect(once.text, file).toContain(comment.trimEnd());
    }
    expect(accepted).toBeGreaterThan(40);
  });

  it("keeps trailing comments on Koru lines and puts the others above the item", () => {
    const source = [
      "~event go { n: i32 }   // the input",
      "| ok i32 // fine",
      "| failed",
      "",
      "~go(n: 1) // start",
      "| ok x |>   done(x)  // handled",
      "| failed |> _",
      "",
    ].join("\n");
    const out = formatSource(source, "c.kz").text!;
    expect(out).toBe(
      [
        "~event go { n: i32 } // the input",
        "| ok i32 // fine",
        "| failed",
        "",
        "~go(n: 1) // start",
        "| ok x |> done(x) // handled",
        "| failed |> _",
        "",
      ].join("\n"),
    );
  });

  it("leaves a file that does not parse untouched and reports why", () => {
    const result = formatSource("~event e {}\n| ok\n", "bad.kz");
    expect(result.text).toBeUndefined();
    expect(result.diagnostics[0].code).toBe("PARSE003");
  });
});
