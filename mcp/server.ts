// The koru-mcp server: one Services (workspace, jobs, watchers) shared by every connection.
import { invokeTool } from "./invoke.js";
import { PROMPTS } from "./prompts.js";
import { RESOURCES } from "./resources.js";
import { Connection, type Definitions } from "./sdk.js";
import { Services } from "./services.js";
import { ToolError } from "./tool.js";
import { TOOLS, toolNamed } from "./tools/index.js";

export const DEFINITIONS: Definitions = { tools: TOOLS, resources: RESOURCES, prompts: PROMPTS };

export class KoruServer {
  readonly services: Services;
  private readonly connections = new Set<Connection>();

  constructor(root: string) {
    this.services = new Services(root);
    const conns = this.connections;
    this.services.notifier = {
      resourceListChanged: () => {
        for (const c of conns) c.resourceListChanged();
      },
      resourceUpdated: (uri) => {
        for (const c of conns) c.resourceUpdated(uri);
      },
      log: (level, data) => {
        for (const c of conns) c.log(level, data);
      },
    };
    this.services.runTool = async (name, args, signal, job) => {
      const def = toolNamed(name);
      if (!def) throw new ToolError(`no tool '${name}'`);
      const out = await invokeTool(def, args, this.services, {
        signal,
        progress: (progress, total, message) => {
          job.progress = { progress, ...(total !== undefined ? { total } : {}), ...(message ? { message } : {}) };
          this.services.notifier.resourceUpdated(`koru://jobs/${job.id}`);
        },
      });
      return { result: out.result, text: out.text };
    };
  }

  /** A new connection (one per stdio server or HTTP session). */
  connection(): Connection {
    const c = new Connection(this.services, DEFINITIONS);
    this.connections.add(c);
    c.server.server.onclose = () => this.connections.delete(c);
    return c;
  }

  /** Subscribed URIs across connections, for the watcher. */
  subscribed(): string[] {
    return [...this.connections].flatMap((c) => c.subscribed());
  }

  async close(): Promise<void> {
    this.services.lifetime.abort(new Error("server shutting down"));
    this.services.jobs.cancelAll();
    await Promise.all([...this.connections].map((c) => c.close().catch(() => {})));
  }
}
