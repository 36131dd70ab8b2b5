// The official MCP Inspector CLI (it needs Node >= 22: the npm package `node` provides one
// without touching the system's Node) lists the tools and calls one. Both are installed once
// into a cache folder outside the repository (KORU_MCP_INSPECTOR_DIR, default
// ~/.cache/koru-mcp-inspector); when they cannot be fetched the test is skipped and says why.
import { existsSync, mkdirSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runProcess } from "../../compiler/toolchain/process.js";
import { HELLO, MAIN, workspace } from "./helpers.js";

const DIR = process.env.KORU_MCP_INSPECTOR_DIR ?? join(homedir(), ".cache", "koru-mcp-inspector");
const NODE = join(DIR, "node_modules", "node", "bin", "node");
const LAUNCHER = join(DIR, "node_modules", ".bin", "mcp-inspector");

async function install(): Promise<string | undefined> {
  mkdirSync(DIR, { recursive: true });
  if (!existsSync(LAUNCHER)) {
    const r = await runProcess(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefix", DIR, "node@22", "@modelcontextprotocol/inspector@2.12.0"],
      { timeoutMs: 480_000 },
    );
    if (r.exitCode !== 0)
      return `npm install of the Inspector failed: ${(r.stderr || r.spawnError || (r.timedOut ? "timed out" : "")).slice(-300)}`;
  }
  if (!existsSync(NODE) || (await runProcess(NODE, ["--version"])).exitCode !== 0) {
    // npm 11 does not run install scripts unasked: run the `node` package's own setup step.
    const r = await runProcess(process.execPath, ["installArchSpecificPackage"], {
      cwd: join(DIR, "node_modules", "node"),
      timeoutMs: 300_000,
    });
    if (r.exitCode !== 0)
      return `installing Node 22 from the npm package 'node' failed: ${(r.stderr || "").slice(-300)}`;
  }
  const v = await runProcess(NODE, ["--version"]);
  if (!/^v2[2-9]\./.test(v.stdout)) return `the npm package 'node' gave no Node >= 22 (${v.stdout || v.stderr})`;
  return undefined;
}

async function inspector(root: string, args: string[]) {
  const r = await runProcess(
    NODE,
    [
      realpathSync(LAUNCHER),
      "--cli",
      process.execPath,
      MAIN,
      "--root",
      root,
      "--no-watch",
      "--",
      ...args,
      "--format",
      "json",
    ],
    { timeoutMs: 120_000 },
  );
  return {
    status: r.exitCode,
    json: r.stdout ? (JSON.parse(r.stdout) as { result: Record<string, unknown> }) : undefined,
    stderr: r.stderr,
  };
}

describe("MCP Inspector CLI", () => {
  let unavailable: string | undefined;
  beforeAll(async () => {
    unavailable = await install();
    if (unavailable) process.stderr.write(`inspector test skipped: ${unavailable}\n`);
  }, 900_000);

  it("lists the tools and calls list_events", async (ctx) => {
    if (unavailable) ctx.skip(unavailable);
    const root = workspace({ "hello.kz": HELLO });
    const list = await inspector(root, ["--method", "tools/list"]);
    expect(list.status, list.stderr).toBe(0);
    const tools = list.json!.result.tools as { name: string; outputSchema?: unknown }[];
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["analyze", "list_events", "get_event", "run"]));
    const called = await inspector(root, [
      "--method",
      "tools/call",
      "--tool-name",
      "get_event",
      "--tool-arg",
      "event=greet",
    ]);
    expect(called.status, called.stderr).toBe(0);
    const result = called.json!.result as { structuredContent: { declaration: string }; isError?: boolean };
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent.declaration).toContain("~event greet");
    // A tool error is exit code 5 in the Inspector's v2 CLI.
    const bad = await inspector(root, [
      "--method",
      "tools/call",
      "--tool-name",
      "get_event",
      "--tool-arg",
      "event=nope",
    ]);
    expect(bad.status).toBe(5);
  });
});
