import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const koruc = join(process.cwd(), "dist/cli/koruc.js");
const dir = mkdtempSync(join(tmpdir(), "koru-fmt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, [koruc, ...args], { encoding: "utf8" });

describe("koruc fmt", () => {
  it("--check reports an unformatted file without touching it; fmt rewrites it in place", () => {
    const file = join(dir, "app.kz");
    const messy = "~[opaque]event  go { n:i32 }   // input\n| ok i32\n\n~go(n:1)\n| ok x |>   _\n";
    writeFileSync(file, messy, { mode: 0o640 });
    const check = run("fmt", "--check", file);
    expect(check.status).toBe(1);
    expect(check.stdout).toContain("not formatted");
    expect(readFileSync(file, "utf8")).toBe(messy);
    expect(run("fmt", file).status).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(
      "~[opaque] event go { n: i32 } // input\n| ok i32\n\n~go(n: 1)\n| ok x |> _\n",
    );
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(run("fmt", "--check", file).status).toBe(0);
  });

  it("leaves a file that does not parse as it is and exits 1 with the diagnostic", () => {
    const file = join(dir, "bad.kz");
    writeFileSync(file, "~event tick\n");
    const r = run("fmt", file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error[PARSE003]");
    expect(readFileSync(file, "utf8")).toBe("~event tick\n");
  });

  it("exits 2 on bad usage", () => {
    expect(run("fmt").status).toBe(2);
    expect(run("fmt", "--nope", "x.kz").status).toBe(2);
  });
});
