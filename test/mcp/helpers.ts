// Shared helpers for koru-mcp tests: a real server (dist/mcp/main.js) over stdio, driven by
// the SDK's Client, against a real temporary workspace.
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const MAIN = join(ROOT, "dist", "mcp", "main.js");

/** A fresh workspace folder with the given files (paths may have folders). */
export function workspace(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "koru-mcp-")));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

export interface Session {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
  close(): Promise<void>;
}

export async function connect(
  root: string,
  opts: { args?: string[]; capabilities?: Record<string, unknown> } = {},
): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MAIN, "--root", root, ...(opts.args ?? [])],
    stderr: "pipe",
    env: { ...(process.env as Record<string, string>) },
  });
  let err = "";
  transport.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const client = new Client({ name: "koru-mcp-test", version: "1.0.0" }, { capabilities: opts.capabilities ?? {} });
  await client.connect(transport);
  return { client, transport, stderr: () => err, close: () => client.close() };
}

export type ToolResult = {
  isError?: boolean;
  content: { type: string; text?: string; uri?: string }[];
  structuredContent?: Record<string, unknown>;
};

export async function call(
  s: Session,
  name: string,
  args: Record<string, unknown> = {},
  options = {},
): Promise<ToolResult> {
  return (await s.client.callTool({ name, arguments: args }, undefined, options)) as ToolResult;
}

export function text(r: ToolResult): string {
  return r.content.map((c) => c.text ?? "").join("\n");
}

export const HELLO = `~import "$std/io"

const std = @import("std");

~event greet { name: []const u8 }
| greeting []const u8
| empty

~proc greet {
    if (name.len == 0) return .{ .empty = .{} };
    return .{ .greeting = name };
}

~greet(name: "World")
| greeting g |> std.io:print.ln("Hello, {{ g:s }}!")
| empty |> std.io:println(text: "Hello, nobody!")
`;

/** A program that never ends on its own: for cancellation and time-limit tests. */
export const FOREVER = `const std = @import("std");

~event forever {}

~proc forever {
    while (true) std.Thread.sleep(10 * std.time.ns_per_ms);
}

~forever()
`;

/** Pids of live processes whose executable lies under `dir`. */
export function processesUnder(dir: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readlinkSync(`/proc/${e}/exe`).startsWith(dir)) out.push(Number(e));
    } catch {
      // gone or not ours
    }
  }
  return out;
}
