#!/usr/bin/env node
// koru-mcp: the MCP server over a Koru workspace. stdio by default, `--http <port>` for
// Streamable HTTP on 127.0.0.1. Only JSON-RPC ever goes to stdout; logs go to stderr.
// Exits when stdin ends or on SIGTERM/SIGINT, closing watchers and killing every child.

// Anything printed with console.log would corrupt the protocol stream: send it to stderr.
console.log = console.error;
console.info = console.error;
console.debug = console.error;

const HELP = `koru-mcp - MCP server for a Koru workspace

Usage:
  koru-mcp --root <dir>                     serve over stdio (default root: the current folder)
  koru-mcp --root <dir> --http <port>       serve Streamable HTTP on http://127.0.0.1:<port>/mcp
Options:
  --token <t>     with --http: require "Authorization: Bearer <t>" (or set KORU_MCP_TOKEN)
  --no-watch      do not watch the workspace for changes
  -h, --help      this help
  -v, --version   the version
Environment: KORU_ZIG (Zig 0.15.2 binary; else zig on PATH, else the project's .tools install).
`;

interface Args {
  root: string;
  http?: number;
  token?: string;
  watch: boolean;
}

function parseArgs(argv: string[]): Args | "help" | "version" {
  const a: Args = { root: process.cwd(), watch: true };
  const token = process.env.KORU_MCP_TOKEN;
  if (token) a.token = token;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--root") a.root = value();
    else if (arg.startsWith("--root=")) a.root = arg.slice(7);
    else if (arg === "--http") {
      const p = Number(value());
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error("--http needs a port number (0-65535)");
      a.http = p;
    } else if (arg === "--token") a.token = value();
    else if (arg === "--no-watch") a.watch = false;
    else if (arg === "-h" || arg === "--help") return "help";
    else if (arg === "-v" || arg === "--version") return "version";
    else throw new Error(`unknown argument '${arg}' (see --help)`);
  }
  return a;
}

async function main(): Promise<void> {
  let args: Args | "help" | "version";
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`koru-mcp: ${(e as Error).message}\n`);
    process.exit(2);
  }
  if (args === "help") {
    process.stderr.write(HELP);
    return;
  }
  const { SERVER_VERSION } = await import("./sdk.js");
  if (args === "version") {
    process.stderr.write(`koru-mcp ${SERVER_VERSION}\n`);
    return;
  }
  const opts: Args = args;
  const { KoruServer } = await import("./server.js");
  const { killDescendants } = await import("./children.js");
  let koru: InstanceType<typeof KoruServer>;
  try {
    koru = new KoruServer(opts.root);
  } catch (e) {
    process.stderr.write(`koru-mcp: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const closers: (() => Promise<void> | void)[] = [];
  let closing = false;
  const shutdown = async (why: string) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`koru-mcp: shutting down (${why})\n`);
    const hardStop = setTimeout(() => {
      killDescendants();
      process.exit(0);
    }, 3000);
    hardStop.unref();
    try {
      await koru.close();
      for (const c of closers) await c();
    } catch {
      // Shutting down regardless.
    }
    killDescendants();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGHUP", () => void shutdown("SIGHUP"));
  process.on("exit", () => killDescendants());

  if (opts.watch) {
    const { watchWorkspace } = await import("./watch.js");
    const watcher = watchWorkspace(koru);
    closers.push(() => watcher.close());
  }
  if (opts.http !== undefined) {
    const { serveHttp } = await import("./http.js");
    const http = await serveHttp(koru, { port: opts.http, ...(opts.token ? { token: opts.token } : {}) });
    closers.push(() => http.close());
    process.stderr.write(`koru-mcp: serving ${koru.services.root} on http://127.0.0.1:${http.port}/mcp\n`);
  } else {
    const { stdioTransport } = await import("./sdk.js");
    // The SDK's stdio transport does not watch for the end of stdin: without this the server
    // would outlive its client.
    process.stdin.on("end", () => void shutdown("stdin closed"));
    process.stdin.on("close", () => void shutdown("stdin closed"));
    await koru.connection().connect(stdioTransport());
    process.stderr.write(`koru-mcp: serving ${koru.services.root} on stdio\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`koru-mcp: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
