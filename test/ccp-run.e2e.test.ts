// `koruc run --ccp`: real instrumented binaries; every stdout line is a valid CCP message,
// statistics are exact (also with threads and when the program panics), and observability
// costs nothing when it is off.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { messages, TICKS } from "./ccp-fixtures.js";
import { koruc, workspace } from "./helpers.js";

function edge(msgs: ReturnType<typeof messages>, branch: string) {
  return msgs.find((m) => m.type === "edge_stats" && m.branch === branch) as Record<string, number> | undefined;
}

describe("koruc run --ccp", () => {
  it("streams only valid CCP lines, exact counts across threads, and a run record", async () => {
    const dir = workspace({ "app.kz": `${TICKS}\n~parallel(threads: 4, n: 1000)\n` });
    const r = await koruc(["run", "--ccp=transitions", "app.kz", "-O", "Debug"], { cwd: dir });
    expect(r.status).toBe(0);
    const msgs = messages(r.stdout);
    const types = msgs.map((m) => m.type);
    expect(types.slice(0, 3)).toEqual(["progress", "pass_start", "pass_done"]);
    // Compiler messages come first, then the run's records, then run_done.
    expect(types.indexOf("compiled")).toBeLessThan(types.indexOf("edge_stats"));
    expect(types[types.length - 1]).toBe("run_done");
    expect(edge(msgs, "next")?.count).toBe(4000);
    expect(edge(msgs, "done")?.count).toBe(4);
    expect(edge(msgs, "next")?.destination).toBe("app:tick");
    const summary = msgs.find((m) => m.type === "recorder_summary") as Record<string, number>;
    expect(summary.threads).toBeGreaterThanOrEqual(4);
    expect(summary.transitions_written).toBe(4004 + 1);
    expect(msgs.filter((m) => m.type === "transition")).toHaveLength(4005);
    const runId = (msgs[msgs.length - 1] as { run_id: string }).run_id;
    const runDir = join(dir, ".koru", "runs", runId);
    const stats = JSON.parse(readFileSync(join(runDir, "stats.json"), "utf8"));
    expect(stats.edges.find((e: { branch: string }) => e.branch === "next").count).toBe(4000);
    expect(JSON.parse(readFileSync(join(runDir, "meta.json"), "utf8"))).toMatchObject({ run_id: runId, exit_code: 0 });
    expect(readFileSync(join(runDir, "transitions.jsonl"), "utf8").trim().split("\n")).toHaveLength(4005);
  });

  it("keeps statistics exact when raw transitions are capped", async () => {
    const dir = workspace({ "app.kz": `${TICKS}\n~parallel(threads: 1, n: 20000)\n` });
    const r = await koruc(["run", "--ccp=transitions:100", "app.kz", "-O", "Debug"], { cwd: dir });
    const msgs = messages(r.stdout);
    expect(edge(msgs, "next")?.count).toBe(20000);
    const summary = msgs.find((m) => m.type === "recorder_summary") as Record<string, number>;
    expect(summary.cap).toBe(100);
    expect(summary.transitions_written).toBeLessThanOrEqual(100);
    expect(summary.transitions_written + summary.transitions_dropped).toBe(20002);
  });

  it("flushes what it recorded when the program panics, and relays program output", async () => {
    const dir = workspace({
      "boom.kz": `${TICKS}
~event explode {}
~proc explode {
    std.debug.print("about to fail\\n", .{});
    @panic("boom");
}

~parallel(threads: 1, n: 10)
~explode()
`,
    });
    const r = await koruc(["run", "--ccp", "boom.kz", "-O", "Debug"], { cwd: dir });
    const msgs = messages(r.stdout);
    expect(edge(msgs, "next")?.count).toBe(10);
    const output = msgs
      .filter((m) => m.type === "program_output")
      .map((m) => m.text)
      .join("");
    expect(output).toContain("about to fail");
    expect(output).toContain("boom");
    const done = msgs[msgs.length - 1] as { exit_code: number | null; signal?: string };
    expect(done.exit_code === null ? done.signal : done.exit_code).toBeTruthy();
  });

  it("costs nothing when off: a flag-guarded $std/ccp import emits exactly the plain program", async () => {
    const body = `${TICKS}\n~parallel(threads: 1, n: 5)\n`;
    const guarded = workspace({ "app.kz": `~[ccp]import "$std/ccp"\n${body}` });
    const plain = workspace({ "app.kz": body });
    const withImport = await koruc(["emit", "app.kz"], { cwd: guarded });
    expect(withImport.status).toBe(0);
    expect(withImport.stdout).toBe((await koruc(["emit", "app.kz"], { cwd: plain })).stdout);
    expect((await koruc(["emit", "app.kz", "--ccp"], { cwd: guarded })).stdout).toContain("__koru_ccp.observe(");
  });

  it("writes a Chrome trace with nested complete events, real pid and tid", async () => {
    const dir = workspace({ "app.kz": `${TICKS}\n~parallel(threads: 2, n: 50)\n` });
    const r = await koruc(["run", "--profile", "app.kz"], { cwd: dir });
    expect(r.status).toBe(0);
    const path = /profile written to (\S+)/.exec(r.stderr)?.[1];
    expect(path).toBeTruthy();
    const trace = JSON.parse(readFileSync(path!, "utf8")) as {
      traceEvents: { ph: string; pid: number; tid: number; name: string }[];
    };
    // 2 threads x (50 + 1) ticks, plus the one `parallel` invocation on the main thread.
    expect(trace.traceEvents.length).toBe(103);
    expect(trace.traceEvents.every((e) => e.ph === "X" && e.pid > 0 && e.tid > 0)).toBe(true);
    expect(new Set(trace.traceEvents.map((e) => e.tid)).size).toBe(3);
  });
});
