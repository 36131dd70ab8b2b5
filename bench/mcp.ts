// koru-mcp latency through a real server over stdio, each figure beside the same operation
// called directly in this process (the baseline), measured in the same run:
//   - analyze of examples/nbody with a warm build cache (target <= 3 s);
//   - list_events on a generated workspace of 1,000 events (target <= 100 ms);
//   - tool-call overhead: list_events on a small program via MCP minus the direct call (target <= 5 ms).
// "Direct" calls the same service functions list_events calls (mcp/ops.ts: the parsed program,
// reused while no source changed, and the event description) in this process.
// Usage: node dist/bench/mcp.js [rounds=20]
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Session } from "../ccp/session.js";
import { packageRoot } from "../compiler/index.js";
import { describeEvents, parseProgram } from "../mcp/ops.js";
import { median } from "./timing.js";

const rounds = Number(process.argv[2] ?? 20);
const root = packageRoot();
const main = join(root, "dist", "mcp", "main.js");

async function server(dir: string): Promise<Client> {
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [main, "--root", dir, "--no-watch"],
      stderr: "ignore",
    }),
  );
  return client;
}

async function time(f: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

async function interleave(
  a: () => Promise<unknown>,
  b: () => Promise<unknown> | unknown,
  n: number,
): Promise<[number, number]> {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    xs.push(await time(a));
    ys.push(await time(b));
  }
  return [median(xs), median(ys)];
}

function line(what: string, mcp: number, direct: number, target: string, ok: boolean): void {
  console.log(
    `${what.padEnd(44)} mcp ${mcp.toFixed(2).padStart(9)} ms   direct ${direct.toFixed(2).padStart(9)} ms   ` +
      `ratio ${(mcp / direct).toFixed(3)}   ${target} ${ok ? "ok" : "MISSED"}`,
  );
}

// 1. list_events on 1,000 events.
const big = mkdtempSync(join(tmpdir(), "koru-bench-mcp-"));
const src: string[] = ['const std = @import("std");'];
for (let i = 0; i < 1000; i++) {
  src.push(
    `~event ev${i} { a: i32, b: i32 }`,
    "| ok i32",
    "| err",
    `~proc ev${i} {`,
    "    if (a > b) return .{ .err = .{} };",
    "    return .{ .ok = a + b };",
    "}",
  );
}
writeFileSync(join(big, "app.kz"), `${src.join("\n")}\n`);
const bigClient = await server(big);
const bigEntry = join(big, "app.kz");
const coldMcp = await time(() => bigClient.callTool({ name: "list_events", arguments: { limit: 100 } }));
const coldDirect = await time(() => describeEvents(parseProgram(bigEntry).program!, undefined, false).slice(0, 100));
line("list_events, 1,000 events, first call (parse)", coldMcp, coldDirect, "<= 100 ms:", coldMcp <= 100);
const [bigMcp, bigDirect] = await interleave(
  () => bigClient.callTool({ name: "list_events", arguments: { limit: 100 } }),
  () => describeEvents(parseProgram(bigEntry).program!, undefined, false).slice(0, 100),
  rounds,
);
line("list_events, 1,000 events, later calls", bigMcp, bigDirect, "<= 100 ms:", bigMcp <= 100);
await bigClient.close();

// 2. Tool-call overhead on a small program.
const small = mkdtempSync(join(tmpdir(), "koru-bench-mcp-"));
copyFileSync(join(root, "examples", "hello", "hello.kz"), join(small, "hello.kz"));
const smallClient = await server(small);
const smallEntry = join(small, "hello.kz");
const [smallMcp, smallDirect] = await interleave(
  () => smallClient.callTool({ name: "list_events", arguments: {} }),
  () => describeEvents(parseProgram(smallEntry).program!, undefined, false),
  rounds * 5,
);
line(
  "tool-call overhead (list_events, hello)",
  smallMcp,
  smallDirect,
  `<= 5 ms over direct (${(smallMcp - smallDirect).toFixed(2)} ms):`,
  smallMcp - smallDirect <= 5,
);
await smallClient.close();

// 3. analyze nbody, warm build cache.
const nbody = mkdtempSync(join(tmpdir(), "koru-bench-mcp-"));
copyFileSync(join(root, "examples", "nbody", "nbody.kz"), join(nbody, "nbody.kz"));
const nbodyClient = await server(nbody);
const args = { optimize: "ReleaseFast", args: ["100000"] };
process.stderr.write("building nbody once (cold cache)...\n");
await nbodyClient.callTool({ name: "analyze", arguments: args }, undefined, { timeout: 600_000 });
const direct = async () => {
  const session = new Session(
    nbody,
    () => {},
    () => {},
  );
  await session.handle({ cmd: "analyze", entry: join(nbody, "nbody.kz"), args: ["100000"], optimize: "ReleaseFast" });
};
const [anMcp, anDirect] = await interleave(
  () => nbodyClient.callTool({ name: "analyze", arguments: args }, undefined, { timeout: 600_000 }),
  direct,
  Math.max(3, Math.floor(rounds / 4)),
);
line("analyze nbody 100,000 steps, warm cache", anMcp, anDirect, "<= 3000 ms:", anMcp <= 3000);
await nbodyClient.close();
