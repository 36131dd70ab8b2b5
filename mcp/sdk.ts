// The only module that talks to @modelcontextprotocol/sdk on the server side: it turns the
// tool, resource and prompt definitions into SDK registrations, and keeps subscriptions.
// Kept thin so a move to the SDK's v2 line touches one file.
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  type CallToolResult,
  ErrorCode,
  McpError,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { invokeTool } from "./invoke.js";
import type { PromptDef } from "./prompts.js";
import type { ResourceDef } from "./resources.js";
import type { Services } from "./services.js";
import { type AnyTool, type SamplingRequest, ToolError } from "./tool.js";

export const SERVER_NAME = "koru-mcp";
export const SERVER_VERSION = "0.1.0";

const INSTRUCTIONS = [
  "koru-mcp: observe and optimize a Koru program.",
  "Loop: analyze (hotspots) -> get_event / the optimize_hotspot prompt -> propose_variant -> test_variant ->",
  "benchmark_variant -> review_variant -> select_variant -> run. Or call optimize, which drives that loop with your model.",
  "Paths are relative to the workspace root. Work that may outlast 60 s: start_job then get_job.",
].join("\n");

/** Largest structured result sent inline (~25,000 tokens at ~3.5 characters per token). */
const MAX_RESULT_CHARS = 85_000;

export interface Definitions {
  tools: AnyTool[];
  resources: ResourceDef[];
  prompts: PromptDef[];
}

/** One connected MCP session (stdio has one; HTTP one per client session). */
export class Connection {
  readonly server: McpServer;
  private readonly subscriptions = new Set<string>();

  constructor(
    private readonly services: Services,
    defs: Definitions,
  ) {
    this.server = new McpServer(
      { name: SERVER_NAME, version: SERVER_VERSION },
      {
        capabilities: {
          logging: {},
          resources: { subscribe: true, listChanged: true },
          tools: { listChanged: true },
          prompts: {},
        },
        instructions: INSTRUCTIONS,
        maxToolInputElements: 10_000,
      },
    );
    for (const t of defs.tools) this.registerTool(t);
    for (const r of defs.resources) this.registerResource(r);
    for (const p of defs.prompts) this.registerPrompt(p);
    this.server.server.setRequestHandler(SubscribeRequestSchema, async (req) => {
      this.subscriptions.add(req.params.uri);
      return {};
    });
    this.server.server.setRequestHandler(UnsubscribeRequestSchema, async (req) => {
      this.subscriptions.delete(req.params.uri);
      return {};
    });
  }

  connect(transport: Transport): Promise<void> {
    return this.server.connect(transport);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  get connected(): boolean {
    return this.server.isConnected();
  }

  resourceListChanged(): void {
    if (this.connected) this.server.sendResourceListChanged();
  }

  resourceUpdated(uri: string): void {
    if (!this.connected) return;
    for (const sub of this.subscriptions) {
      // A subscription to a resource also covers its pages (`?cursor=`).
      if (sub === uri || sub.startsWith(`${uri}?`))
        this.server.server.sendResourceUpdated({ uri: sub }).catch(() => {});
    }
  }

  subscribed(): string[] {
    return [...this.subscriptions];
  }

  log(level: "debug" | "info" | "warning" | "error", data: unknown): void {
    if (this.connected) this.server.sendLoggingMessage({ level, logger: SERVER_NAME, data }).catch(() => {});
  }

  private canSample(): boolean {
    return this.server.server.getClientCapabilities()?.sampling !== undefined;
  }

  private sampler(signal: AbortSignal) {
    return async (req: SamplingRequest): Promise<string> => {
      const result = await this.server.server.createMessage(
        {
          messages: req.messages.map((m) => ({ role: m.role, content: { type: "text" as const, text: m.text } })),
          maxTokens: req.maxTokens,
          ...(req.systemPrompt ? { systemPrompt: req.systemPrompt } : {}),
        },
        { signal, timeout: 10 * 60_000 },
      );
      const content = Array.isArray(result.content) ? result.content : [result.content];
      return content.map((c) => (c.type === "text" ? c.text : "")).join("");
    };
  }

  private registerTool(def: AnyTool): void {
    this.server.registerTool(
      def.name,
      {
        title: def.title,
        description: def.description,
        inputSchema: def.input,
        outputSchema: def.output,
        annotations: { title: def.title, ...def.annotations },
      },
      async (args: unknown, extra): Promise<CallToolResult> => {
        const token = extra._meta?.progressToken;
        let last = -1;
        const progress = (value: number, total?: number, message?: string) => {
          if (token === undefined || value <= last) return; // progress must increase
          last = value;
          extra
            .sendNotification({
              method: "notifications/progress",
              params: {
                progressToken: token,
                progress: value,
                ...(total !== undefined ? { total } : {}),
                ...(message ? { message } : {}),
              },
            })
            .catch(() => {});
        };
        try {
          const out = await invokeTool(def, args, this.services, {
            signal: extra.signal,
            progress,
            ...(this.canSample() ? { sample: this.sampler(extra.signal) } : {}),
          });
          const size = JSON.stringify(out.result).length;
          if (size > MAX_RESULT_CHARS) {
            return errorResult(
              `the result of ${def.name} is too large (${size} characters): ask for fewer items with limit/cursor`,
            );
          }
          return {
            content: [
              { type: "text", text: out.text },
              ...(out.links ?? []).map((l) => ({ type: "resource_link" as const, ...l })),
            ],
            structuredContent: out.result as Record<string, unknown>,
          };
        } catch (e) {
          if (e instanceof ToolError) return errorResult(e.message);
          const message = e instanceof Error ? e.message : String(e);
          process.stderr.write(`koru-mcp: ${def.name} failed: ${e instanceof Error ? e.stack : message}\n`);
          return errorResult(`${def.name} failed: ${message}`);
        }
      },
    );
  }

  private registerResource(def: ResourceDef): void {
    const read = async (uri: URL, vars: Record<string, string | string[]>) => {
      try {
        const text = await def.read(this.services, uri, vars as Record<string, string>);
        return { contents: [{ uri: uri.href, mimeType: def.mimeType, text }] };
      } catch (e) {
        if (e instanceof ToolError) throw new McpError(ErrorCode.InvalidParams, e.message);
        throw e;
      }
    };
    const meta = { title: def.title, description: def.description, mimeType: def.mimeType };
    if (!def.template) {
      this.server.registerResource(def.name, def.uri, meta, (uri) => read(uri, {}));
      return;
    }
    const list = def.list;
    const template = new ResourceTemplate(def.uri, {
      list: list ? async () => ({ resources: list(this.services) }) : undefined,
    });
    this.server.registerResource(def.name, template, meta, (uri, vars) => read(uri, vars));
  }

  private registerPrompt(def: PromptDef): void {
    const get = async (args: unknown) => {
      try {
        const text = await def.text(this.services, (args ?? {}) as Record<string, string | undefined>);
        return {
          description: def.description,
          messages: [{ role: "user" as const, content: { type: "text" as const, text } }],
        };
      } catch (e) {
        if (e instanceof ToolError) throw new McpError(ErrorCode.InvalidParams, e.message);
        throw e;
      }
    };
    this.server.registerPrompt(
      def.name,
      { title: def.title, description: def.description, argsSchema: def.args as never },
      get as never,
    );
  }
}

function errorResult(text: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text }] };
}

// ── transports ─────────────────────────────────────────────────────────────────────────

import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";

export function stdioTransport(): Transport {
  return new StdioServerTransport();
}

/** Streamable HTTP sessions: one transport and one connection per client session. */
export class HttpSessions {
  private readonly sessions = new Map<string, StreamableHTTPServerTransport>();

  constructor(private readonly newConnection: () => Connection) {}

  async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const sid = req.headers["mcp-session-id"];
    const existing = typeof sid === "string" ? this.sessions.get(sid) : undefined;
    if (existing) return existing.handleRequest(req, res, body);
    if (req.method !== "POST" || !isInitializeRequest(body)) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          jsonrpc: "2.0",
          error: { code: -32000, message: "no valid session: initialize first" },
          id: null,
        }),
      );
      return;
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, transport);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
    };
    await this.newConnection().connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((t) => t.close().catch(() => {})));
    this.sessions.clear();
  }
}
