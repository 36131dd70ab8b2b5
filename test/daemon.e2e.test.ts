// The CCP daemon and the agent pipe, as real processes over real pipes.
import { spawn } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Message } from "../ccp/messages.js";
import { runProcess } from "../compiler/toolchain/process.js";
import { KORUC, ROOT, workspace } from "./helpers.js";

/** Send `lines` to a fresh daemon in `cwd`; resolve with every message it wrote. */
function daemon(lines: string[], cwd: string): Promise<{ messages: Record<string, unknown>[]; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KORUC, "--ccp"], { cwd });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const messages = out
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => {
          const m = JSON.parse(l) as Record<string, unknown>;
          const ok = Message.safeParse(m);
          if (!ok.success) throw new Error(`invalid message ${l}: ${ok.error.message}`);
          return m;
        });
      resolve({ messages, code });
    });
    child.stdin.end(lines.map((l) => `${l}\n`).join(""));
  });
}

const PROGRAM = `~import "$std/io"

~event greet { name: []const u8 }
| greeting []const u8

~proc greet {
    return .{ .greeting = name };
}

~greet(name: "World")
| greeting g |> std.io:print.ln("Hello, {{ g:s }}!")
`;

describe("koruc --ccp (daemon)", () => {
  it("greets, answers every command with its id, and keeps serving after bad input", async () => {
    const dir = workspace({ "app.kz": PROGRAM });
    const { messages, code } = await daemon(
      [
        '{"cmd":"parse","file":"app.kz","id":1}',
        "{not json",
        '{"cmd":"frobnicate","id":2}',
        '{"cmd":"parse","id":3}',
        '{"cmd":"set_flag","flag":"profile","value":true,"id":4}',
        '{"cmd":"list_events","entry":"app.kz","id":5}',
        '{"cmd":"parse","file":"../outside.kz","id":6}',
        '{"cmd":"compile","entry":"app.kz","check_only":true,"id":7}',
        '{"cmd":"exit","id":8}',
        '{"cmd":"parse","file":"app.kz","id":"never"}',
      ],
      dir,
    );
    expect(code).toBe(0);
    expect(messages[0]).toMatchObject({ type: "ready" });
    expect(messages.find((m) => m.id === 1)).toMatchObject({ type: "parsed", diagnostics: [] });
    expect(messages.filter((m) => m.type === "error" && m.id === undefined)).toHaveLength(1);
    expect(messages.find((m) => m.id === 2)).toMatchObject({ type: "error", code: "unknown_command" });
    expect(messages.find((m) => m.id === 3)).toMatchObject({ type: "error", field: "file" });
    expect(messages.find((m) => m.id === 4)).toMatchObject({ type: "flag_set", flag: "profile" });
    const events = messages.find((m) => m.id === 5) as { events: { event: string; branches: unknown[] }[] };
    expect(events.events.map((e) => e.event)).toEqual(["app:greet"]);
    expect(messages.find((m) => m.id === 6)).toMatchObject({ type: "error", code: "outside_workspace" });
    expect(messages.filter((m) => m.id === 7).map((m) => m.type)).toContain("compiled");
    expect(messages[messages.length - 1]).toMatchObject({ type: "exit", id: 8 });
  });

  it("runs a program instrumented and analyses it later from its aggregates", async () => {
    const dir = workspace({ "app.kz": PROGRAM });
    const first = await daemon(['{"cmd":"run","entry":"app.kz","optimize":"Debug","mode":"timing","id":"r"}'], dir);
    const done = first.messages.find((m) => m.type === "run_done") as { run_id: string; exit_code: number };
    expect(done.exit_code).toBe(0);
    expect(first.messages.some((m) => m.type === "program_output" && String(m.text).includes("Hello, World!"))).toBe(
      true,
    );
    const again = await daemon([`{"cmd":"hotspots","run_id":"${done.run_id}","min_share":0,"id":"h"}`], dir);
    expect(again.messages.find((m) => m.type === "hotspot_detected")).toMatchObject({
      id: "h",
      data: { event_name: "app:greet" },
    });
    expect(again.messages[again.messages.length - 1]).toMatchObject({ type: "hotspots_done", id: "h" });
    const missing = await daemon(
      ['{"cmd":"hotspots","run_id":"nope","id":"x"}', '{"cmd":"hotspots","run_id":"../../etc","id":"y"}'],
      dir,
    );
    expect(missing.messages.find((m) => m.id === "x")).toMatchObject({ type: "error", code: "not_found" });
    expect(missing.messages.find((m) => m.id === "y")).toMatchObject({ type: "error" });
  });

  it("survives 10,000 random and mutated lines, answering every one", async () => {
    const dir = workspace({});
    const seeds = [
      '{"cmd":"parse","file":"a.kz","id":1}',
      '{"cmd":"set_flag","flag":"x","value":true}',
      '{"cmd":"list_events","entry":"a.kz","id":"e"}',
      '{"cmd":"hotspots","run_id":"r1","id":2}',
      '{"cmd":"add_pass","pass":"p","id":3}',
    ];
    const mutated = fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.string({ maxLength: 4 })).map(([s, at, junk]) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + junk + s.slice(i + 1);
    });
    const lines = fc
      .sample(fc.oneof(mutated, fc.string({ maxLength: 40 }), fc.json()), { numRuns: 10_000, seed: 42 })
      .map((l) => l.replace(/[\r\n]/g, " "))
      .filter((l) => l.trim() !== "" && !l.includes('"exit"') && !/"cmd"\s*:\s*"(compile|run|analyze)"/.test(l));
    const { messages, code } = await daemon(lines, dir);
    expect(code).toBe(0);
    expect(messages.length - 1).toBe(lines.length);
  }, 120_000);
});

describe("koruc --ccp app.kz | agent | koruc --accept-commands=stdin app.kz", () => {
  it("lets the reference agent act on the hottest event", async () => {
    const dir = workspace({
      "app.kz": `~event work { n: u64 }
| next u64
| done

~proc work {
    var x: u64 = n;
    var i: u32 = 0;
    while (i < 2000) : (i += 1) x = x *% 6364136223846793005 +% 1442695040888963407;
    @import("std").mem.doNotOptimizeAway(x);
    if (n == 0) return .{ .done = .{} };
    return .{ .next = n - 1 };
}

~#loop work(n: 20000)
| next m |> @loop(n: m)
| done |> _
`,
    });
    const agent = join(ROOT, "examples", "agents", "hotspot-agent.mjs");
    const node = process.execPath;
    const r = await runProcess(
      "bash",
      [
        "-c",
        `"${node}" "${KORUC}" --ccp app.kz -O Debug | "${node}" "${agent}" | "${node}" "${KORUC}" --accept-commands=stdin app.kz`,
      ],
      { cwd: dir },
    );
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("agent: hottest event app:work");
    const messages = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(messages.find((m) => m.id === "events")).toMatchObject({ type: "events" });
    expect(messages.find((m) => m.type === "hotspot_detected")).toMatchObject({
      id: "again",
      data: { event_name: "app:work" },
    });
    expect(messages[messages.length - 1]).toMatchObject({ type: "exit", id: "bye" });
  }, 120_000);
});
