import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { koruc } from "../helpers.js";

const dir = mkdtempSync(join(tmpdir(), "koru-fmt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => koruc(args);

describe("koruc fmt", () => {
  it("--check reports an unformatted file without touching it; fmt rewrites it in place", async () => {
    const file = join(dir, "app.kz");
    const messy = "~[opaque]event  go { n:i32 }   // input\n| ok i32\n\n~go(n:1)\n| ok x |>   _\n";
    writeFileSync(file, messy, { mode: 0o640 });
    const check = await run("fmt", "--check", file);
    expect(check.status).toBe(1);
    expect(check.stdout).toContain("not formatted");
    expect(readFileSync(file, "utf8")).toBe(messy);
    expect((await run("fmt", file)).status).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(
      "~[opaque] event go { n: i32 } // input\n| ok i32\n\n~go(n: 1)\n| ok x |> _\n",
    );
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect((await run("fmt", "--check", file)).status).toBe(0);
  });

  it("leaves a file that does not parse as it is and exits 1 with the diagnostic", async () => {
    const file = join(dir, "bad.kz");
    writeFileSync(file, "~event tick\n");
    const r = await run("fmt", file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error[PARSE003]");
    expect(readFileSync(file, "utf8")).toBe("~event tick\n");
  });

  it("exits 2 on bad usage", async () => {
    expect((await run("fmt")).status).toBe(2);
    expect((await run("fmt", "--nope", "x.kz")).status).toBe(2);
  });
});
