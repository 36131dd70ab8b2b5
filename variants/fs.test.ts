// The sidecar lock: a live holder keeps it however long it works (a proposal builds its harness
// under it); a dead holder's lock is broken; writers never overlap.
import { existsSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runProcess } from "../compiler/toolchain/process.js";
import { withLock } from "./fs.js";

const fresh = () => join(mkdtempSync(join(tmpdir(), "koru-lock-")), "app.variants.kz");

describe("withLock", () => {
  it("breaks a lock whose holder is dead", async () => {
    const path = fresh();
    const gone = await runProcess(process.execPath, ["-e", "console.log(process.pid)"]);
    writeFileSync(`${path}.lock`, gone.stdout.trim());
    expect(await withLock(path, () => "got it", 2_000)).toBe("got it");
    expect(readdirSync(join(path, ".."))).toEqual([]);
  });

  it("never breaks a live holder's lock, even an old one while its heartbeat is recent", async () => {
    const path = fresh();
    writeFileSync(`${path}.lock`, String(process.pid)); // alive: this very process
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    await expect(withLock(path, () => "stolen", 300)).rejects.toThrow(/timed out/);
    expect(existsSync(`${path}.lock`)).toBe(true);
  });

  it("breaks a lock whose heartbeat stopped long ago (a hung holder)", async () => {
    const path = fresh();
    writeFileSync(`${path}.lock`, String(process.pid));
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(`${path}.lock`, old, old);
    expect(await withLock(path, () => "got it", 2_000)).toBe("got it");
  });

  it("serializes writers: no two run at once, none is lost", async () => {
    const path = fresh();
    let inside = 0;
    let most = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        withLock(path, async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 20));
          inside--;
          done++;
        }),
      ),
    );
    expect({ most, done }).toEqual({ most: 1, done: 8 });
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});
