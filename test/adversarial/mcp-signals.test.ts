// Signals to koru-mcp while a `run` tool call has a program (and its forked child) running:
// the server ends and no process of the test remains (issue 8, item 7; MCP is a long-running
// mode like the daemon).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, connect, workspace } from "../mcp/helpers.js";
import { processesMarked, reap, settle } from "./processes.js";

const FORKING = `const std = @import("std");
~event act {}
~proc act {
    _ = std.posix.fork() catch unreachable;
    while (true) std.Thread.sleep(100_000_000);
}
~act()
`;

let root = "";

beforeAll(() => {
  root = workspace({ "fork.kz": FORKING });
});

afterAll(() => reap(root));

describe("7. orphans (koru-mcp)", () => {
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    it(`7. orphans: ${sig} to koru-mcp during a run kills the program and its forked child`, async () => {
      const s = await connect(root, { args: ["--no-watch"] });
      const pending = call(s, "run", { entry: "fork.kz", optimize: "Debug", timeout_ms: 600_000 }).catch(
        () => undefined,
      );
      const deadline = Date.now() + 150_000;
      // Wait until both the program and its child run (the first test also builds it).
      while (processesMarked(`${root}/.koru/build`).length < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(processesMarked(`${root}/.koru/build`).length).toBe(2);
      const pid = s.transport.pid;
      expect(pid).toBeGreaterThan(0);
      process.kill(pid!, sig);
      expect(await settle(root, 10_000)).toEqual([]);
      await pending;
      await s.close().catch(() => undefined);
    }, 180_000);
  }
});
