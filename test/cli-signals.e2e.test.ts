// A plain `koruc build` killed while zig links: the build is cancelled (zig's group killed, its
// temporary binary removed), then koruc ends by the signal; temporary files a koruc killed
// outright (SIGKILL) left are removed by the next build.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KORUC, workspace } from "./helpers.js";
import { HELLO } from "./mcp/helpers.js";

const ws = realpathSync(workspace({ "koru.json": "{}\n", "app.kz": HELLO.replace("World", "Signals") }));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

function temps(): string[] {
  const builds = join(ws, ".koru", "build");
  if (!existsSync(builds)) return [];
  return readdirSync(builds).flatMap((h) => readdirSync(join(builds, h)).filter((f) => f.includes(".tmp")));
}

function build(): {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(sig: NodeJS.Signals): void;
} {
  const child = spawn(process.execPath, [KORUC, "build", "app.kz"], { cwd: ws, stdio: "ignore" });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { exited, kill: (sig) => child.kill(sig) };
}

/** A pid no process has now: that of a child that already exited. */
async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

describe("koruc killed while building", () => {
  it("cancels the build on SIGTERM, then ends by that signal: no temporary binary left", async () => {
    const b = build();
    const start = Date.now();
    while (temps().length === 0 && Date.now() - start < 60_000) await new Promise((r) => setTimeout(r, 25));
    expect(temps().length, "zig started writing its temporary binary").toBeGreaterThan(0);
    b.kill("SIGTERM");
    expect(await b.exited).toEqual({ code: null, signal: "SIGTERM" });
    // zig was killed with its group: nothing writes the temporary binary again.
    await new Promise((r) => setTimeout(r, 1500));
    expect(temps()).toEqual([]);
  }, 90_000);

  it("the next build removes temporary files of processes that are gone", async () => {
    const pid = await deadPid();
    const hashes = readdirSync(join(ws, ".koru", "build"));
    for (const h of hashes) writeFileSync(join(ws, ".koru", "build", h, `app.tmp-${pid}-1795861171571`), "partial");
    mkdirSync(join(ws, ".koru", "bin"), { recursive: true });
    writeFileSync(join(ws, ".koru", "bin", `.app.${pid}.7.tmp`), "partial");
    writeFileSync(join(ws, ".koru", "bin", `.other.${pid}.7.tmp`), "not ours to judge");
    const b = build();
    expect(await b.exited).toEqual({ code: 0, signal: null });
    expect(temps()).toEqual([]);
    expect(readdirSync(join(ws, ".koru", "bin")).sort()).toEqual([`.other.${pid}.7.tmp`, "app"]);
  }, 90_000);
});
