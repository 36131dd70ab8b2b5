// The daemon's control surface: cancel, exact ids, run options at their edges.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KORUC, workspace } from "./helpers.js";

type Msg = Record<string, unknown>;

/** A live daemon: send lines, wait for messages. */
class Daemon {
  readonly child: ChildProcessWithoutNullStreams;
  readonly messages: Msg[] = [];
  readonly lines: string[] = [];
  private waiters: (() => void)[] = [];
  private buf = "";

  constructor(cwd: string) {
    this.child = spawn(process.execPath, [KORUC, "--ccp"], { cwd });
    this.child.stdout.setEncoding("utf8").on("data", (d: string) => {
      this.buf += d;
      let nl = this.buf.indexOf("\n");
      while (nl >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        this.lines.push(line);
        this.messages.push(JSON.parse(line) as Msg);
        nl = this.buf.indexOf("\n");
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  async until(pred: (m: Msg) => boolean, ms = 60_000): Promise<Msg> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = this.messages.find(pred);
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`timed out; got ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  async close(): Promise<number | null> {
    this.child.stdin.end();
    return new Promise((r) => this.child.on("close", (code) => r(code)));
  }
}

const SLEEPER = `~event nap { s: u64 }

~proc nap {
    @import("std").Thread.sleep(s * @import("std").time.ns_per_s);
}

~nap(s: 60)
`;

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Pids of running processes whose command line mentions `marker`. */
function processesMentioning(marker: string): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, "utf8").includes(marker) && alive(Number(d));
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("daemon control", () => {
  it("cancel stops a running program (group killed), drops a queued command, and the daemon goes on", async () => {
    const dir = workspace({ "nap.kz": SLEEPER });
    const d = new Daemon(dir);
    d.send('{"cmd":"run","entry":"nap.kz","optimize":"Debug","id":"r1"}');
    d.send('{"cmd":"list_events","entry":"nap.kz","id":"queued"}');
    await d.until((m) => m.id === "r1" && m.type === "progress" && m.stage === "run");
    // The program is running: find it by its binary's path under this workspace.
    const compiled = (await d.until((m) => m.id === "r1" && m.type === "compiled")) as { output: string };
    const t0 = Date.now();
    while (processesMentioning(compiled.output).length === 0 && Date.now() - t0 < 10_000)
      await new Promise((r) => setTimeout(r, 50));
    const pids = processesMentioning(compiled.output);
    expect(pids.length).toBeGreaterThan(0);
    d.send('{"cmd":"cancel","id":"c0","target":"queued"}');
    d.send('{"cmd":"cancel","id":"c1","target":"r1"}');
    d.send('{"cmd":"cancel","id":"c2","target":"nothing"}');
    expect(await d.until((m) => m.id === "c0")).toMatchObject({ type: "cancelled", target: "queued", state: "queued" });
    expect(await d.until((m) => m.id === "c1")).toMatchObject({ type: "cancelled", target: "r1", state: "running" });
    expect(await d.until((m) => m.id === "c2")).toMatchObject({ type: "cancelled", state: "unknown" });
    // A run that started ends as runs do, with its run_done: the program was killed.
    expect(await d.until((m) => m.id === "r1" && m.type === "run_done")).toMatchObject({
      exit_code: null,
      signal: "SIGKILL",
    });
    expect(d.messages.filter((m) => m.id === "r1" && m.type === "error")).toEqual([]);
    expect(d.messages.filter((m) => m.id === "queued")).toEqual([
      expect.objectContaining({ type: "error", code: "cancelled" }),
    ]);
    expect(Date.now() - t0).toBeLessThan(20_000);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    d.send('{"cmd":"list_events","entry":"nap.kz","id":"after"}');
    expect(await d.until((m) => m.id === "after")).toMatchObject({ type: "events" });
    expect(await d.close()).toBe(0);
  }, 120_000);

  it("ids above 2^53 are echoed exactly, and two of them stay distinct", async () => {
    const dir = workspace({ "a.kz": "~event e {}\n" });
    const d = new Daemon(dir);
    d.send('{"cmd":"set_flag","flag":"x","id":18446744073709551617}');
    d.send('{"cmd":"set_flag","flag":"y","id":18446744073709551618}');
    d.send('{"cmd":"frobnicate","id":9007199254740993}');
    d.send('{"cmd":"set_flag","flag":"z","id":1.50}');
    await d.until((m) => m.type === "flag_set" && m.flag === "z", 20_000);
    await d.close();
    const answers = d.lines.slice(1);
    expect(answers[0]).toContain('"id":18446744073709551617');
    expect(answers[1]).toContain('"id":18446744073709551618');
    expect(answers[2]).toMatch(/"type":"error".*"id":9007199254740993|"id":9007199254740993.*"type":"error"/);
    expect(answers[3]).toContain('"id":1.50');
  }, 60_000);

  it("cancel matches a target id above 2^53 by its exact text", async () => {
    const dir = workspace({ "nap.kz": SLEEPER });
    const d = new Daemon(dir);
    d.send('{"cmd":"run","entry":"nap.kz","optimize":"Debug","id":9007199254740993}');
    d.send('{"cmd":"list_events","entry":"nap.kz","id":9007199254740995}');
    // 9007199254740992 is what both ids round to as JS numbers: it names neither.
    d.send('{"cmd":"cancel","id":"c0","target":9007199254740992}');
    d.send('{"cmd":"cancel","id":"c1","target":9007199254740995}');
    d.send('{"cmd":"cancel","id":"c2","target":9007199254740993}');
    await d.until((m) => m.id === "c2");
    const line = (id: string) => d.lines.find((l) => l.includes(`"id":"${id}"`))!;
    expect(line("c0")).toMatch(
      /"target":9007199254740992\b.*"state":"unknown"|"state":"unknown".*"target":9007199254740992\b/,
    );
    expect(line("c1")).toMatch(/"target":9007199254740995\b/);
    expect(line("c1")).toContain('"state":"queued"');
    expect(line("c2")).toMatch(/"target":9007199254740993\b/);
    expect(line("c2")).toContain('"state":"running"');
    await d.close();
    // The cancelled commands' own answers carry their exact ids.
    expect(d.lines.some((l) => l.includes('"id":9007199254740995') && l.includes('"code":"cancelled"'))).toBe(true);
  }, 120_000);

  it("max_transitions: 0 is accepted: statistics without raw transitions", async () => {
    const dir = workspace({
      "c.kz": `~event count { n: u32 }
| next u32
| done

~proc count {
    if (n == 0) return .{ .done = .{} };
    return .{ .next = n - 1 };
}

~#loop count(n: 5)
| next m |> @loop(n: m)
| done |> _
`,
    });
    const d = new Daemon(dir);
    d.send('{"cmd":"run","entry":"c.kz","optimize":"Debug","record":"transitions","max_transitions":0,"id":"z"}');
    const done = await d.until((m) => m.id === "z" && (m.type === "run_done" || m.type === "error"));
    expect(done).toMatchObject({ type: "run_done", exit_code: 0 });
    expect(d.messages.filter((m) => m.type === "transition")).toEqual([]);
    expect(d.messages.find((m) => m.type === "recorder_summary")).toMatchObject({ transitions_written: 0 });
    expect(d.messages.some((m) => m.type === "edge_stats")).toBe(true);
    await d.close();
  }, 120_000);
});
