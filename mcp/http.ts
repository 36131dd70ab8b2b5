// `--http <port>`: Streamable HTTP on 127.0.0.1 only. Host and Origin are checked against
// DNS rebinding (a page on another site cannot reach the server through a name that resolves
// to 127.0.0.1), and an optional bearer token guards every request.
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { HttpSessions } from "./sdk.js";
import type { KoruServer } from "./server.js";

const MAX_BODY = 4 * 1024 * 1024;

export interface HttpOptions {
  port: number;
  token?: string;
}

export async function serveHttp(
  koru: KoruServer,
  opts: HttpOptions,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const sessions = new HttpSessions(() => koru.connection());
  let port = opts.port;
  const server = createServer((req, res) => {
    const refuse = (status: number, message: string) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
    };
    if (!hostAllowed(req.headers.host, port)) return refuse(403, "Host not allowed");
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, port)) return refuse(403, "Origin not allowed");
    if (opts.token && !tokenMatches(req.headers.authorization, opts.token)) {
      res.setHeader("www-authenticate", "Bearer");
      return refuse(401, "missing or wrong bearer token");
    }
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/mcp") return refuse(404, "the MCP endpoint is /mcp");
    readBody(req).then(
      (body) =>
        sessions.handle(req, res, body).catch((e: unknown) => {
          process.stderr.write(`koru-mcp: http: ${e instanceof Error ? e.message : String(e)}\n`);
          if (!res.headersSent) refuse(500, "internal error");
        }),
      (e: Error) =>
        refuse(
          e.message === "too large" ? 413 : 400,
          e.message === "too large" ? "request body too large" : "malformed JSON body",
        ),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  port = typeof addr === "object" && addr ? addr.port : opts.port;
  return {
    server,
    port,
    async close() {
      await sessions.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function originAllowed(origin: string, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? "");
  if (!m) return false;
  const a = Buffer.from(m[1]);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (req.method !== "POST") return resolve(undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        reject(new Error("malformed"));
      }
    });
    req.on("error", reject);
  });
}
