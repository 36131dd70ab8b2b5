// Long-running modes under signals, closed pipes, time limits and slow clients (issue 8:
// items 4, 6, 7, 16). Every test ends by scanning /proc for any process carrying its
// workspace path (the program, its forked children, zig build-exe): none may remain.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { KORUC, workspace } from "../helpers.js";
import { DaemonClient, finalsById, type Msg } from "./daemon-client.js";
import { reap, settle } from "./processes.js";

// One program, its behaviour chosen by its first argument, built once (Debug) for all tests.
const PROGRAM = `const std = @import("std");
~event act {}
~proc act {
    var it = std.process.args();
    _ = it.next();
    const mode = it.next() orelse "exit";
    const out = std.fs.File.stdout();
    if (std.mem.eql(u8, mode, "exit")) {
        out.writeAll("bye\\n") catch {};
        return;
    }
    if (std.mem.eql(u8, mode, "flood")) {
        var buf: [65536]u8 = undefined;
        @memset(&buf, 'x');
        var i: usize = 0;
        while (i < 3200) : (i += 1) out.writeAll(&buf) catch return;
        return;
    }
    if (std.mem.eql(u8, mode, "fork")) _ = std.posix.fork() catch unreachable;
    out.writeAll("started\\n") catch {};
    while (true) {
        std.Thread.sleep(100_000_000);
        out.writeAll("tick\\n") catch {};
    }
}
~act()
`;

let dir = "";
const run = (mode: string, id: string | number, extra: Record<string, unknown> = {}) => ({
  cmd: "run",
  entry: "act.kz",
  args: [mode],
  optimize: "Debug",
  id,
  ...extra,
});

const started = (m: Msg) => m.type === "program_output" && String(m.text).includes("started");

function runFolders(): string[] {
  const runs = join(dir, ".koru", "runs");
  return existsSync(runs) ? readdirSync(runs).map((r) => join(runs, r)) : [];
}

beforeAll(async () => {
  dir = workspace({ "act.kz": PROGRAM });
  const d = new DaemonClient(dir);
  d.send(run("exit", "warm"));
  expect(await d.answer("warm", 180_000)).toMatchObject({ type: "run_done", exit_code: 0 });
  await d.end();
}, 200_000);

afterEach(async () => {
  reap(dir);
});

afterAll(() => reap(dir));

describe("6. time limits", () => {
  it("6. time limits: a huge timeout_ms (3,000,000,000 or 1e12) neither fires early nor reports timed_out", async () => {
    const d = new DaemonClient(dir);
    d.send(run("exit", 1, { timeout_ms: 3_000_000_000 }));
    d.send(run("exit", 2, { timeout_ms: 1e12 }));
    for (const id of [1, 2]) {
      const done = await d.answer(id);
      expect(done).toMatchObject({ type: "run_done", exit_code: 0 });
      expect(done.timed_out).toBeUndefined();
    }
    await d.end();
  });

  it("6. time limits: timeout_ms kills the program's forked children too and answers on time", async () => {
    const d = new DaemonClient(dir);
    const t0 = Date.now();
    d.send(run("fork", 1, { timeout_ms: 1_500 }));
    const done = await d.answer(1, 30_000);
    expect(done).toMatchObject({ type: "run_done", timed_out: true });
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect(await settle(dir)).toEqual([]);
    await d.end();
  });
});

describe("4. daemon crashes", () => {
  it("4. daemon crashes: a client that closes its end of stdout ends the daemon, which kills its program", async () => {
    const d = new DaemonClient(dir);
    d.send(run("fork", 1));
    await d.waitFor(started);
    d.child.stdout.destroy();
    const { code } = await d.closed;
    expect(code).toBe(0);
    expect(d.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js/);
    expect(await settle(dir)).toEqual([]);
  });
});

describe("4. daemon crashes (koruc run --ccp)", () => {
  it("4. daemon crashes: koruc run --ccp whose reader goes away ends and kills its program", async () => {
    const child = spawn(process.execPath, [KORUC, "run", "--ccp", "-O", "Debug", "act.kz", "--", "fork"], { cwd: dir });
    let err = "";
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    const closed = new Promise<number | null>((r) => child.on("close", (c) => r(c)));
    await new Promise<void>((resolve) => {
      let out = "";
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        if (out.includes("started")) resolve();
      });
    });
    child.stdout.destroy(); // like `| head -1` exiting: the next write meets EPIPE
    expect(await closed).toBe(1);
    expect(err).not.toMatch(/EPIPE|Unhandled|internal error/);
    expect(await settle(dir)).toEqual([]);
  }, 150_000);
});

describe("7. orphans", () => {
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    it(`7. orphans: ${sig} to the daemon during a run kills the program and its children and completes the run folder`, async () => {
      const before = new Set(runFolders());
      const d = new DaemonClient(dir);
      d.send(run("fork", 1));
      await d.waitFor(started);
      d.child.kill(sig);
      const { signal } = await d.closed;
      expect(signal).toBe(sig);
      expect(await settle(dir)).toEqual([]);
      const folder = runFolders().find((f) => !before.has(f));
      expect(folder).toBeDefined();
      const meta = JSON.parse(readFileSync(join(folder!, "meta.json"), "utf8")) as Record<string, unknown>;
      expect(meta).toMatchObject({ cancelled: true, exit_code: null });
      expect(
        finalsById(d)
          .get(1)
          ?.map((m) => m.type),
      ).toEqual(["run_done"]);
    });
  }

  const modes: [string, string[], NodeJS.Signals][] = [
    ["koruc run --ccp", ["run", "--ccp", "-O", "Debug", "act.kz", "--", "fork"], "SIGTERM"],
    ["koruc run", ["run", "act.kz", "--", "fork"], "SIGINT"],
  ];
  for (const [what, args, sig] of modes) {
    it(`7. orphans: ${sig} to ${what} leaves no process behind`, async () => {
      const child = spawn(process.execPath, [KORUC, ...args], { cwd: dir });
      let out = "";
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
      });
      const closed = new Promise<NodeJS.Signals | null>((r) => child.on("close", (_c, s) => r(s)));
      const deadline = Date.now() + 120_000;
      while (!out.includes("started") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain("started");
      child.kill(sig);
      expect(await closed).toBe(sig);
      expect(await settle(dir)).toEqual([]);
    }, 150_000);
  }

  it("7. orphans: a signal during zig build-exe kills zig and leaves no temporary files", async () => {
    const fresh = workspace({ "act.kz": `${PROGRAM}// ${Date.now()}\n` });
    const d = new DaemonClient(fresh);
    d.send({ cmd: "compile", entry: "act.kz", optimize: "ReleaseSafe", id: 1 });
    await d.waitFor((m) => m.type === "pass_start" && m.pass === "zig_build");
    await new Promise((r) => setTimeout(r, 1_000));
    d.child.kill("SIGTERM");
    expect((await d.closed).signal).toBe("SIGTERM");
    expect(await settle(fresh)).toEqual([]);
    const build = join(fresh, ".koru", "build");
    const leftovers = existsSync(build)
      ? readdirSync(build, { recursive: true })
          .map(String)
          .filter((f) => f.includes(".tmp"))
      : [];
    expect(leftovers).toEqual([]);
    reap(fresh);
  });

  it("7. orphans: with its input closed, the daemon ends a program that never ends at the default time limit", async () => {
    const d = new DaemonClient(dir, ["--ccp"], { KORU_RUN_TIMEOUT_MS: "2000" });
    d.send(run("fork", 1));
    d.child.stdin.end();
    const { code } = await d.closed;
    expect(code).toBe(0);
    expect(finalsById(d).get(1)).toMatchObject([{ type: "run_done", timed_out: true }]);
    expect(await settle(dir)).toEqual([]);
  });
});

describe("16. backpressure", () => {
  it("16. backpressure: a program writing 200 MB to a slow client does not grow the daemon's memory", async () => {
    const d = spawn(process.execPath, [KORUC, "--ccp"], { cwd: dir });
    d.stdin.end(`${JSON.stringify(run("flood", 1))}\n`);
    let bytes = 0;
    let tail = "";
    let maxRssKb = 0;
    const sample = setInterval(() => {
      try {
        const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${d.pid}/status`, "utf8"));
        maxRssKb = Math.max(maxRssKb, Number(m?.[1] ?? 0));
      } catch {
        // Ended.
      }
    }, 50);
    d.stdout.on("data", (b: Buffer) => {
      // Count the program's bytes as they arrive; read slowly.
      const text = tail + b.toString("latin1");
      const lines = text.split("\n");
      tail = lines.pop() ?? "";
      for (const l of lines) {
        const m = JSON.parse(l) as Msg;
        if (m.type === "program_output") bytes += Buffer.from(String(m.text)).length;
      }
      d.stdout.pause();
      setTimeout(() => d.stdout.resume(), 3);
    });
    await new Promise((r) => d.on("close", r));
    clearInterval(sample);
    expect(bytes).toBe(3200 * 65536);
    expect(maxRssKb / 1024).toBeLessThan(300);
  }, 180_000);
});
