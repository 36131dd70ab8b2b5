// The conformance runner's pure parts: test classification and output comparison.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findTests, importsOf } from "./classify.js";
import { firstDifference, normalize, sameOutput } from "./compare.js";

describe("compare", () => {
  it("trims trailing whitespace per line and trailing blank lines, as upstream's runner", () => {
    expect(normalize("a  \nb\t\r\n\n\n")).toBe("a\nb");
    expect(sameOutput("x\ny\n", "x \ny\n\n")).toBe(true);
    expect(sameOutput("\nx", "x")).toBe(false);
  });

  it("reports the first differing line", () => {
    expect(firstDifference("a\nb\nc", "a\nb\nc\n")).toBeUndefined();
    expect(firstDifference("a\nb\nc", "a\nB\nc")).toContain("line 2");
    expect(firstDifference("a\nb", "a")).toContain("<end of output>");
  });
});

describe("classify", () => {
  const root = mkdtempSync(join(tmpdir(), "koru-conformance-test-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const test = (path: string, files: Record<string, string>): void => {
    mkdirSync(join(root, path), { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(root, path, name), text);
  };
  test("000_CORE/010_run", { "input.kz": '~import "$std/io"\n', MUST_RUN: "", "expected.txt": "x\n" });
  test("000_CORE/020_fe", { "input.kz": "~event x\n", EXPECT: "FRONTEND_COMPILE_ERROR\n", "expected.txt": "error" });
  test("000_CORE/030_todo", { "input.kz": "", TODO: "later", MUST_RUN: "", "expected.txt": "" });
  test("000_CORE/040_fail", { "input.kz": "", MUST_FAIL: "" });
  test("000_CORE/050_taps", {
    "input.kz": '~[profile]import "$std/taps"\n',
    MUST_RUN: "",
    "expected.txt": "",
    COMPILER_FLAGS: "--profile\n",
  });
  test("000_CORE/not_a_test", { "input.kz": "" });
  test("000_CORE/_archive/060_old", { "input.kz": "", MUST_RUN: "", "expected.txt": "" });
  test("900_BENCH/070_nbody", { "input.kz": "", MUST_RUN: "", "expected.txt": "" });
  writeFileSync(join(root, "900_BENCH", "BENCHMARK"), "category");

  // As upstream's runner: a numbered category dir holding a marker counts as a test too.
  it("finds test dirs by name and markers, skipping _archive", () => {
    const tests = findTests(root);
    expect(tests.map((t) => [t.name, t.kind])).toEqual([
      ["000_CORE/010_run", "run-expected"],
      ["000_CORE/020_fe", "frontend-error"],
      ["000_CORE/030_todo", "todo"],
      ["000_CORE/040_fail", "must-fail"],
      ["000_CORE/050_taps", "run-expected"],
      ["900_BENCH", "benchmark"],
      ["900_BENCH/070_nbody", "benchmark"],
    ]);
    expect(tests[0].core).toBe(true);
    expect(tests[4].core).toBe(false);
    expect(tests[4].flags).toEqual(["--profile"]);
    expect(tests[0].category).toBe("000_CORE");
  });

  it("reads plain and conditional imports", () => {
    expect(importsOf('~import "$std/io"\n  ~[debug]import "$app/x"\nconst s = "~import \\"no\\"";\n')).toEqual([
      "$std/io",
      "$app/x",
    ]);
  });
});
