import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clampTimeout, MAX_TIMER_MS, runProcess } from "./process.js";

const dir = mkdtempSync(join(tmpdir(), "koru-proc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** True while a process with this pid exists (zombies count as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !alive(pid);
}

describe("runProcess", () => {
  it("captures stdout, stderr and the exit code, with an argument array (no shell)", async () => {
    const r = await runProcess("sh", ["-c", 'echo "$1"; echo err >&2; exit 3', "sh", "a b; echo no"]);
    expect(r).toMatchObject({ exitCode: 3, signal: null, stdout: "a b; echo no\n", stderr: "err\n", timedOut: false });
    expect(r.spawnError).toBeUndefined();
  });

  it("feeds input on stdin", async () => {
    const r = await runProcess("cat", [], { input: "hello" });
    expect(r.stdout).toBe("hello");
  });

  it("a failed spawn is a value, not an exception", async () => {
    const notExec = join(dir, "not-executable");
    writeFileSync(notExec, "#!/bin/sh\necho hi\n", { mode: 0o644 });
    const missing = await runProcess(join(dir, "missing"), []);
    expect(missing.spawnError).toMatch(/ENOENT/);
    expect(missing.exitCode).toBeNull();
    const denied = await runProcess(notExec, []);
    expect(denied.spawnError).toMatch(/EACCES/);
  });

  it("a time limit kills the whole process group, grandchildren included", async () => {
    const pidFile = join(dir, "grandchild.pid");
    const t0 = Date.now();
    const r = await runProcess("sh", ["-c", `sleep 30 & echo $! > ${pidFile}; wait`], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe("SIGKILL");
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(await waitGone(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  });

  it("does not wait for a grandchild outside the group that still holds the pipes", async () => {
    const pidFile = join(dir, "escaped.pid");
    const t0 = Date.now();
    const r = await runProcess("sh", ["-c", `setsid sleep 20 & echo $! > ${pidFile}; echo started`], {
      timeoutMs: 10_000,
    });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("started\n");
    process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
  });

  it("cancellation through an AbortSignal kills the group", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const r = await runProcess("sleep", ["30"], { signal: ac.signal });
    expect(r.cancelled).toBe(true);
    expect(r.timedOut).toBe(false);
    expect(r.durationMs).toBeLessThan(3000);
    const pre = new AbortController();
    pre.abort();
    expect((await runProcess("sleep", ["30"], { signal: pre.signal })).cancelled).toBe(true);
  });

  it("huge time limits neither overflow Node's timer nor report a timeout", async () => {
    expect(clampTimeout(3e9)).toBe(MAX_TIMER_MS);
    expect(clampTimeout(1e12)).toBe(MAX_TIMER_MS);
    expect(clampTimeout(undefined)).toBeUndefined();
    for (const timeoutMs of [3e9, 1e12]) {
      const r = await runProcess("sh", ["-c", "sleep 0.2; echo done"], { timeoutMs });
      expect(r).toMatchObject({ exitCode: 0, stdout: "done\n", timedOut: false });
    }
  });

  it("streams pipes through onSpawn, extra fds included", async () => {
    const chunks: string[] = [];
    const r = await runProcess("sh", ["-c", "echo out; echo rec >&3"], {
      extraPipes: 1,
      onSpawn: (child) => {
        child.stdout?.on("data", (b: Buffer) => chunks.push(`1:${b}`));
        child.extra[0]?.on("data", (b: Buffer) => chunks.push(`3:${b}`));
      },
    });
    expect(r.exitCode).toBe(0);
    expect(chunks.sort()).toEqual(["1:out\n", "3:rec\n"]);
  });

  it("kills the children's groups when this process exits", async () => {
    const pidFile = join(dir, "orphan.pid");
    // The built module (npm test builds first): a plain node child cannot load .ts.
    const mod = new URL("../../dist/compiler/toolchain/process.js", import.meta.url).pathname;
    const script = `
      import { runProcess } from ${JSON.stringify(mod)};
      runProcess("sh", ["-c", "sleep 30 & echo $! > ${pidFile}; wait"]);
      setTimeout(() => process.exit(0), 300);
    `;
    // Synchronous on purpose: this child must not be one of runProcess's own (tracked, grouped);
    // it is short (the script exits after 300 ms, the limit is 10 s).
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 10_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(readFileSync(pidFile, "utf8"));
    const end = Date.now() + 2000;
    while (alive(pid) && Date.now() < end) await new Promise((done) => setTimeout(done, 20));
    expect(alive(pid)).toBe(false);
  });
});
