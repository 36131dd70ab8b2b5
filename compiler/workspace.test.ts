import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { confine, findWorkspace, isInside, kzFiles, readKoruJson, WorkspaceError } from "./workspace.js";

const base = realpathSync(mkdtempSync(join(tmpdir(), "koru-ws-")));
const root = join(base, "ws");
const outside = join(base, "outside");
mkdirSync(join(root, "sub", "deep"), { recursive: true });
mkdirSync(outside);
writeFileSync(join(root, "koru.json"), "{}\n");
writeFileSync(join(root, "sub", "a.kz"), "");
writeFileSync(join(outside, "secret.txt"), "secret");
symlinkSync(outside, join(root, "outlink"));
symlinkSync(join(root, "sub"), join(root, "inlink"));
symlinkSync(join(base, "nowhere"), join(root, "dangling"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function refusal(f: () => unknown): WorkspaceError {
  try {
    f();
  } catch (e) {
    if (e instanceof WorkspaceError) return e;
    throw e;
  }
  throw new Error("not refused");
}

describe("findWorkspace", () => {
  it("finds the nearest folder holding koru.json, from a file or a folder", () => {
    expect(findWorkspace(join(root, "sub", "a.kz"))).toBe(root);
    expect(findWorkspace(join(root, "sub", "deep"))).toBe(root);
  });
  it("falls back to the file's own folder", () => {
    expect(findWorkspace(join(outside, "secret.txt"))).toBe(outside);
  });
  it("is the one way to find a workspace (no second name for it)", async () => {
    expect(Object.keys(await import("./workspace.js"))).not.toContain("workspaceOf");
    expect(Object.keys(await import("./index.js"))).not.toContain("workspaceOf");
  });
});

describe("kzFiles", () => {
  it("walks the .kz sources in order, not build products, dot-folders or symlinks", () => {
    mkdirSync(join(root, ".koru", "build"), { recursive: true });
    mkdirSync(join(root, "node_modules", "x"), { recursive: true });
    writeFileSync(join(root, ".koru", "build", "gen.kz"), "");
    writeFileSync(join(root, "node_modules", "x", "dep.kz"), "");
    writeFileSync(join(root, "app.kz"), "");
    writeFileSync(join(root, "notes.txt"), "");
    expect(kzFiles(root)).toEqual(["app.kz", "sub/a.kz"]);
    expect(kzFiles(root, 1)).toEqual(["app.kz"]);
  });
});

describe("confine", () => {
  it("resolves relative paths in the workspace to real paths", () => {
    expect(confine(root, "sub/a.kz")).toBe(join(root, "sub", "a.kz"));
    expect(confine(root, "inlink/a.kz")).toBe(join(root, "sub", "a.kz"));
    expect(confine(root, ".")).toBe(root);
  });
  it("accepts a name starting with two dots (..dots.kz is not a parent)", () => {
    expect(confine(root, "..dots.kz")).toBe(join(root, "..dots.kz"));
    expect(isInside(root, join(root, "..dots.kz"))).toBe(true);
  });
  it("refuses .. escapes and absolute paths outside", () => {
    expect(refusal(() => confine(root, "../outside/secret.txt")).code).toBe("outside_workspace");
    expect(refusal(() => confine(root, "/etc/passwd")).code).toBe("outside_workspace");
  });
  it("refuses a symlink from the workspace to outside it, existing file or not", () => {
    expect(refusal(() => confine(root, "outlink/secret.txt")).code).toBe("outside_workspace");
    expect(refusal(() => confine(root, "outlink/new/file.bin")).code).toBe("outside_workspace");
    expect(refusal(() => confine(root, "outlink")).code).toBe("outside_workspace");
  });
  it("checks paths that do not exist yet through their nearest existing parent", () => {
    expect(confine(root, "sub/new/dir/out.bin")).toBe(join(root, "sub", "new", "dir", "out.bin"));
    expect(confine(root, "inlink/new.bin")).toBe(join(root, "sub", "new.bin"));
  });
  it("refuses a dangling symlink (a write would follow it anywhere)", () => {
    expect(refusal(() => confine(root, "dangling")).code).toBe("dangling_symlink");
  });
  it("with mustExist refuses missing paths", () => {
    expect(refusal(() => confine(root, "sub/missing.kz", { mustExist: true })).code).toBe("not_found");
  });
});

describe("readKoruJson", () => {
  it("reads paths", () => {
    const dir = mkdtempSync(join(base, "cfg-"));
    writeFileSync(join(dir, "koru.json"), JSON.stringify({ paths: { lib: "lib" } }));
    expect(readKoruJson(dir)).toEqual({
      config: { paths: { lib: "lib" } },
      file: join(dir, "koru.json"),
      diagnostics: [],
    });
  });
  it("no koru.json: empty config, no diagnostics", () => {
    expect(readKoruJson(outside)).toEqual({ config: {}, diagnostics: [] });
  });
  it("malformed koru.json gives a located diagnostic", () => {
    const dir = mkdtempSync(join(base, "cfg-"));
    writeFileSync(join(dir, "koru.json"), '{\n  "paths": {\n    "lib": "lib",\n  }\n}\n');
    const r = readKoruJson(dir);
    expect(r.config).toEqual({});
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0];
    expect(d).toMatchObject({ code: "KORU005", level: "error", file: join(dir, "koru.json"), line: 4 });
    expect(d.message).toMatch(/^malformed koru\.json/);
    expect(d.col).toBeGreaterThanOrEqual(1);
  });
  it("paths of the wrong shape give a diagnostic at the paths line", () => {
    const dir = mkdtempSync(join(base, "cfg-"));
    writeFileSync(join(dir, "koru.json"), '{\n  "name": "x",\n  "paths": { "lib": 3 }\n}\n');
    expect(readKoruJson(dir).diagnostics[0]).toMatchObject({ code: "KORU005", line: 3 });
  });
});
