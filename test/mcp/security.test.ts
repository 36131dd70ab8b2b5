// Paths are confined to the workspace root (traversal, absolute paths, symlinks out, flags),
// and malformed or oversized arguments are answered with errors, never crashes.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confinePath } from "../../mcp/paths.js";
import { call, connect, HELLO, type Session, text, workspace } from "./helpers.js";

describe("confinePath", () => {
  const root = workspace({ "a.kz": "x", "sub/b.kz": "y" });
  const outside = mkdtempSync(join(tmpdir(), "koru-outside-"));
  writeFileSync(join(outside, "evil.kz"), "z");
  symlinkSync(outside, join(root, "out"));
  symlinkSync(join(outside, "evil.kz"), join(root, "link.kz"));
  symlinkSync(join(root, "sub"), join(root, "inner"));

  it("accepts paths inside, existing or not, and ..dots names", () => {
    expect(confinePath(root, "a.kz")).toBe(join(root, "a.kz"));
    expect(confinePath(root, "sub/../a.kz")).toBe(join(root, "a.kz"));
    expect(confinePath(root, "new/dir/c.kz")).toBe(join(root, "new/dir/c.kz"));
    expect(confinePath(root, "..dots.kz")).toBe(join(root, "..dots.kz"));
    expect(confinePath(root, join(root, "sub/b.kz"))).toBe(join(root, "sub/b.kz"));
    expect(confinePath(root, "inner/b.kz")).toBe(join(root, "sub/b.kz"));
  });

  it("refuses traversal, absolute paths outside, symlinks out, flags and NUL bytes", () => {
    for (const p of [
      "../x.kz",
      "sub/../../x.kz",
      "/etc/passwd",
      "out/evil.kz",
      "link.kz",
      "out/new.kz",
      "out/deep/new.kz",
      "-o.kz",
      "a\0.kz",
      "",
    ]) {
      expect(() => confinePath(root, p), p).toThrow();
    }
  });
});

describe("koru-mcp refuses what it must", () => {
  let s: Session;
  let root: string;
  beforeAll(async () => {
    root = workspace({ "hello.kz": HELLO });
    const outside = mkdtempSync(join(tmpdir(), "koru-outside-"));
    writeFileSync(join(outside, "evil.kz"), HELLO);
    mkdirSync(join(outside, "d"));
    symlinkSync(outside, join(root, "out"));
    symlinkSync(join(outside, "evil.kz"), join(root, "link.kz"));
    s = await connect(root, { args: ["--no-watch"] });
  });
  afterAll(() => s.close());

  it("every path-taking tool refuses traversal and symlink escapes with a reason", async () => {
    const attempts: [string, Record<string, unknown>][] = [];
    for (const entry of ["../x.kz", "/etc/hosts.kz", "out/evil.kz", "link.kz", "-x.kz"]) {
      for (const tool of ["list_events", "get_event", "get_ast", "check", "compile", "run", "analyze"]) {
        attempts.push([tool, { entry, ...(tool === "get_event" ? { event: "greet" } : {}) }]);
      }
    }
    attempts.push(["ccp", { command: { cmd: "compile", entry: "out/evil.kz" } }]);
    attempts.push(["ccp", { command: { cmd: "compile", entry: "hello.kz", output: "out/d/bin" } }]);
    for (const [tool, args] of attempts) {
      const r = await call(s, tool, args);
      expect(r.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(text(r)).toMatch(/outside the workspace|starts with '-'|invalid arguments/);
    }
    await expect(s.client.readResource({ uri: "koru://source/out/evil.kz" })).rejects.toThrow(/outside/);
    await expect(s.client.readResource({ uri: "koru://ast/link.kz" })).rejects.toThrow(/outside/);
    await expect(s.client.readResource({ uri: "koru://evidence/..%2F..%2F..%2Fetc/passwd" })).rejects.toThrow();
    await expect(s.client.readResource({ uri: "koru://runs/..%2F..%2Fx/meta" })).rejects.toThrow();
  });

  it("malformed arguments are errors the caller can read", async () => {
    const cases: [string, Record<string, unknown>][] = [
      ["list_events", { limit: "ten" }],
      ["list_events", { limit: 0 }],
      ["run", { args: "not-an-array" }],
      ["run", { flags: ["--evil"] }],
      ["get_event", {}],
      ["get_hotspots", { run_id: "../../etc" }],
      ["analyze", { min_share: 3 }],
    ];
    for (const [tool, args] of cases) {
      const r = await call(s, tool, args);
      expect(r.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(text(r)).toMatch(/validation|invalid/i);
    }
    const unknown = await call(s, "no_such_tool", {});
    expect(unknown.isError).toBe(true);
  });

  it("oversized arguments are refused before any work", async () => {
    const big = await call(s, "check", { entry: "hello.kz", source: "x".repeat(1_000_001) });
    expect(big.isError).toBe(true);
    expect(text(big)).toMatch(/too_big|at most|<=/i);
    const many = await call(s, "run", { entry: "hello.kz", args: Array.from({ length: 65 }, () => "1") });
    expect(many.isError).toBe(true);
    const flood = await call(s, "ccp", {
      command: { cmd: "list_passes", junk: Array.from({ length: 20_000 }, (_, i) => i) },
    });
    expect(flood.isError).toBe(true);
    expect(text(flood)).toContain("maximum");
    // The server is still there.
    expect((await call(s, "list_events", { entry: "hello.kz" })).isError).toBeFalsy();
  });
});
