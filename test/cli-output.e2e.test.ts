// `koruc build -o`: what it refuses (like gcc refusing `-o main.c`), that a refusal leaves
// nothing behind, and paths named relative to the current folder resolved once.
import { mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runProcess } from "../compiler/toolchain/process.js";
import { koruc, ROOT, workspace } from "./helpers.js";

const HELLO = `~import "$std/io"

~std.io:print.ln("hello")
`;

/** Every file under `dir`, relative, sorted (the build cache under .koru/ excluded). */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => !f.startsWith(".koru"))
    .sort();
}

describe("koruc build -o", () => {
  it("-o keep.kz is refused and keep.kz is unchanged", async () => {
    const dir = workspace({ "keep.kz": HELLO });
    const r = await koruc(["build", "keep.kz", "-o", "keep.kz"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Koru source: refusing to overwrite it/);
    expect(readFileSync(join(dir, "keep.kz"), "utf8")).toBe(HELLO);
  });

  it("-o . / a directory / through a symlinked directory / outside the workspace: refused, nothing written", async () => {
    const dir = workspace({ "app.kz": HELLO });
    const outside = realpathSync(workspace({}));
    mkdirSync(join(dir, "sub"));
    symlinkSync(outside, join(dir, "outlink"));
    const before = files(dir);
    for (const out of [".", "sub", "outlink/app", join(outside, "app"), "../app"]) {
      const r = await koruc(["build", "app.kz", "-o", out], { cwd: dir });
      expect(r.status, out).toBe(1);
      expect(r.stderr, out).toMatch(/^koruc: /);
      expect(files(dir), out).toEqual(before);
    }
    expect(readdirSync(outside)).toEqual([]);
  });

  it("builds where -o says inside the workspace", async () => {
    const dir = workspace({ "app.kz": HELLO });
    const r = await koruc(["build", "app.kz", "-o", "bin/app"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(join(realpathSync(dir), "bin", "app"));
  });
});

describe("paths resolved once", () => {
  it("koruc --ccp hello/hello.kz and koruc run --ccp hello/hello.kz work from the folder above", async () => {
    const dir = workspace({});
    mkdirSync(join(dir, "hello"));
    writeFileSync(join(dir, "hello", "hello.kz"), HELLO);
    for (const args of [
      ["--ccp", "hello/hello.kz", "-O", "Debug"],
      ["run", "--ccp", "hello/hello.kz", "-O", "Debug"],
    ]) {
      const r = await koruc(args, { cwd: dir });
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      const types = r.stdout
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { type: string }).type);
      expect(types).toContain("run_done");
      expect(types).not.toContain("error");
    }
  }, 120_000);
});

describe("npm run demo", () => {
  it("scripts/demo.sh runs end to end", async () => {
    const r = await runProcess("bash", [join(ROOT, "scripts", "demo.sh")], { cwd: ROOT, timeoutMs: 300_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain("Hello");
    expect(r.stdout).toMatch(/compiler: hotspot /);
  }, 300_000);
});
