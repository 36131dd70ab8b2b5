// The server's life: only JSON-RPC on stdout, exit when stdin closes or on SIGTERM, and no
// process outlives a cancelled call or the server itself.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { call, connect, FOREVER, HELLO, MAIN, processesUnder, text, workspace } from "./helpers.js";

function rawServer(root: string) {
  const child = spawn(process.execPath, [MAIN, "--root", root], { stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on("line", (l) => lines.push(l));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
  const waitFor = async (id: number) => {
    for (let i = 0; i < 600; i++) {
      if (lines.some((l) => l.includes(`"id":${id}`))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no answer to ${id}`);
  };
  return { child, lines, exited, send, waitFor };
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

describe("koru-mcp lifecycle", () => {
  it("writes only JSON-RPC to stdout and exits when stdin closes", async () => {
    const root = workspace({ "hello.kz": HELLO, "bad.kz": "~event {" });
    const s = rawServer(root);
    s.send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    });
    await s.waitFor(1);
    s.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    const requests: [string, unknown][] = [
      ["tools/list", {}],
      ["resources/list", {}],
      ["resources/templates/list", {}],
      ["prompts/list", {}],
      ["tools/call", { name: "list_events", arguments: { entry: "hello.kz" } }],
      // A program that prints: its output must arrive inside a result, never on our stdout.
      ["tools/call", { name: "run", arguments: { entry: "hello.kz", optimize: "Debug" } }],
      ["tools/call", { name: "compile", arguments: { entry: "hello.kz", optimize: "Debug" } }],
      ["tools/call", { name: "check", arguments: { entry: "bad.kz" } }],
      ["tools/call", { name: "get_event", arguments: { entry: "bad.kz", event: "x" } }],
      ["tools/call", { name: "nope", arguments: {} }],
      ["resources/read", { uri: "koru://source/hello.kz" }],
      ["resources/read", { uri: "koru://nothing" }],
      ["prompts/get", { name: "explain_event", arguments: { event: "greet", entry: "hello.kz" } }],
      ["no/such/method", {}],
    ];
    for (const [i, [method, params]] of requests.entries()) s.send({ jsonrpc: "2.0", id: i + 2, method, params });
    for (let id = 2; id <= requests.length + 1; id++) await s.waitFor(id);
    expect(s.lines.join("\n")).toContain("Hello, World!");
    s.child.stdin.end();
    expect(await Promise.race([s.exited, new Promise((r) => setTimeout(() => r("still running"), 5000))])).toBe(0);
    expect(s.lines.length).toBeGreaterThanOrEqual(requests.length + 1);
    for (const line of s.lines) {
      const m = JSON.parse(line);
      expect(m.jsonrpc).toBe("2.0");
      expect("result" in m || "error" in m || "method" in m).toBe(true);
    }
  });

  it("a cancelled run kills its program; SIGTERM ends the server and every child", async () => {
    const root = workspace({ "forever.kz": FOREVER });
    const build = join(root, ".koru", "build");
    const s = await connect(root);
    const ctl = new AbortController();
    const running = call(
      s,
      "run",
      { entry: "forever.kz", optimize: "Debug" },
      { signal: ctl.signal, timeout: 300_000 },
    );
    running.catch(() => {});
    expect(await until(() => processesUnder(build).length > 0, 240_000)).toBe(true);
    ctl.abort();
    await expect(running).rejects.toThrow();
    expect(await until(() => processesUnder(build).length === 0, 5000)).toBe(true);
    // The server lives on and answers.
    expect((await call(s, "list_events", {})).isError).toBeFalsy();

    // Time limit of the program itself: a result, not a hang.
    const limited = await call(s, "run", { entry: "forever.kz", optimize: "Debug", timeout_ms: 500 });
    expect(limited.structuredContent!.timed_out).toBe(true);
    expect(text(limited)).toContain("timed out");

    // A run in flight when the server is told to stop.
    const again = call(s, "run", { entry: "forever.kz", optimize: "Debug" }, { timeout: 300_000 });
    again.catch(() => {});
    expect(await until(() => processesUnder(build).length > 0, 60_000)).toBe(true);
    const pid = s.transport.pid!;
    process.kill(pid, "SIGTERM");
    expect(await until(() => !alive(pid), 5000)).toBe(true);
    expect(await until(() => processesUnder(build).length === 0, 3000)).toBe(true);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
