import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyFileAtomic, writeFileAtomic, writeJsonAtomic } from "./atomic.js";

const dir = mkdtempSync(join(tmpdir(), "koru-atomic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("atomic writes", () => {
  it("writeFileAtomic replaces the content and sets the mode", () => {
    const p = join(dir, "a.txt");
    writeFileSync(p, "old");
    writeFileAtomic(p, "new", { mode: 0o640 });
    expect(readFileSync(p, "utf8")).toBe("new");
    expect(statSync(p).mode & 0o777).toBe(0o640);
  });
  it("copyFileAtomic copies bytes and sets the executable mode", () => {
    const src = join(dir, "src.bin");
    writeFileSync(src, Buffer.from([0, 1, 2, 255]));
    chmodSync(src, 0o600);
    const dst = join(dir, "dst.bin");
    copyFileAtomic(src, dst, { mode: 0o755 });
    expect([...readFileSync(dst)]).toEqual([0, 1, 2, 255]);
    expect(statSync(dst).mode & 0o777).toBe(0o755);
  });
  it("writeJsonAtomic writes indented JSON with a newline", () => {
    const p = join(dir, "x.json");
    writeJsonAtomic(p, { a: 1 });
    expect(readFileSync(p, "utf8")).toBe('{\n  "a": 1\n}\n');
  });
  it("a failed write (target is a directory) leaves no temporary file behind", () => {
    const sub = join(dir, "target");
    mkdirSync(join(sub, "adir"), { recursive: true });
    expect(() => writeFileAtomic(join(sub, "adir"), "x")).toThrow();
    expect(() => copyFileAtomic(join(dir, "src.bin"), join(sub, "adir"))).toThrow();
    expect(readdirSync(sub)).toEqual(["adir"]);
  });
});
