// Streamable HTTP on loopback (Host/Origin checks, bearer token) and watch mode: an edit to a
// .kz file sends resources/updated to subscribers, a new file sends list_changed.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { call, connect, HELLO, MAIN, text, workspace } from "./helpers.js";

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end && !cond()) await new Promise((r) => setTimeout(r, 50));
  return cond();
}

describe("koru-mcp over HTTP", () => {
  it("serves on 127.0.0.1 only to the right Host, Origin and bearer token", async () => {
    const root = workspace({ "hello.kz": HELLO });
    const child = spawn(process.execPath, [MAIN, "--root", root, "--http", "0", "--token", "s3cret", "--no-watch"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    try {
      expect(await until(() => /127\.0\.0\.1:(\d+)/.test(err), 10_000)).toBe(true);
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(err)![1]);
      const url = `http://127.0.0.1:${port}/mcp`;
      const init = {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
      };
      const post = (headers: Record<string, string>) =>
        fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
          body: JSON.stringify(init),
        });
      expect((await post({})).status).toBe(401);
      expect((await post({ authorization: "Bearer wrong" })).status).toBe(401);
      expect((await post({ authorization: "Bearer s3cret", origin: "http://evil.example" })).status).toBe(403);
      // A rebinding attack reaches us under a foreign Host name.
      const rebind = await new Promise<number>((resolve) => {
        const req = request(
          {
            host: "127.0.0.1",
            port,
            path: "/mcp",
            method: "POST",
            headers: { host: `evil.example:${port}`, authorization: "Bearer s3cret" },
          },
          (res) => resolve(res.statusCode ?? 0),
        );
        req.end("{}");
      });
      expect(rebind).toBe(403);

      const client = new Client({ name: "http-test", version: "1" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url), {
          requestInit: { headers: { authorization: "Bearer s3cret" } },
        }),
      );
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("analyze");
      const r = (await client.callTool({ name: "list_events", arguments: {} })) as {
        structuredContent: { total: number };
      };
      expect(r.structuredContent.total).toBe(1);
      await client.close();
    } finally {
      child.kill("SIGTERM");
    }
    expect(await new Promise((r) => child.on("exit", r))).toBe(0);
  });
});

describe("koru-mcp watch mode", () => {
  it("sends resources/updated for a subscribed source and list_changed for a new file", async () => {
    const root = workspace({ "hello.kz": HELLO });
    const s = await connect(root);
    const updated: string[] = [];
    let listChanged = 0;
    s.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
    });
    s.client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
      listChanged++;
    });
    await s.client.subscribeResource({ uri: "koru://source/hello.kz" });
    await s.client.subscribeResource({ uri: "koru://events" });
    await new Promise((r) => setTimeout(r, 300)); // the watcher's initial scan
    writeFileSync(join(root, "hello.kz"), `${HELLO}\n~event extra {}\n`);
    expect(
      await until(() => updated.includes("koru://source/hello.kz") && updated.includes("koru://events"), 5000),
    ).toBe(true);
    const events = await call(s, "list_events", {});
    expect(text(events)).toContain("extra");
    writeFileSync(join(root, "second.kz"), HELLO);
    expect(await until(() => listChanged > 0, 5000)).toBe(true);
    await s.client.unsubscribeResource({ uri: "koru://source/hello.kz" });
    await s.close();
  });

  it("prompts: optimize_hotspot names the event, its baseline and the rules; explain_event works", async () => {
    const root = workspace({ "hello.kz": HELLO });
    const s = await connect(root, { args: ["--no-watch"] });
    const { prompts } = await s.client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(["explain_event", "optimize_hotspot"]);
    const p = await s.client.getPrompt({ name: "optimize_hotspot", arguments: { event: "greet" } });
    const body = (p.messages[0].content as { text: string }).text;
    expect(body).toContain("hello:greet");
    expect(body).toContain("if (name.len == 0)");
    expect(body).toContain("95% confidence interval");
    await expect(s.client.getPrompt({ name: "optimize_hotspot", arguments: {} })).rejects.toThrow(/analyze/);
    const e = await s.client.getPrompt({ name: "explain_event", arguments: { event: "greet" } });
    expect((e.messages[0].content as { text: string }).text).toContain("| empty");
    await s.close();
  });
});

describe("flow interpreter vocabulary", () => {
  it("koru://scopes lists each registered scope's names, shapes, branches and costs", async () => {
    const { readFileSync } = await import("node:fs");
    const { ROOT } = await import("./helpers.js");
    const src = readFileSync(join(ROOT, "examples", "interpreter-server", "main.kz"), "utf8");
    const s = await connect(workspace({ "main.kz": src }), { args: ["--no-watch"] });
    const all = ((await s.client.readResource({ uri: "koru://scopes" })).contents[0] as { text: string }).text;
    expect(all).toContain("# scope `api`");
    expect(all).toMatch(/\| `add` \| 2 \| a: i64, b: i64 \|/);
    const api = JSON.parse(
      ((await s.client.readResource({ uri: "koru://scopes/api" })).contents[0] as { text: string }).text,
    );
    const add = api.events.find((e: { name: string }) => e.name === "add");
    expect(add).toMatchObject({
      cost: 2,
      inputs: [
        { name: "a", type: "i64" },
        { name: "b", type: "i64" },
      ],
      branches: [{ name: "sum" }],
    });
    await expect(s.client.readResource({ uri: "koru://scopes/nope" })).rejects.toThrow(/no scope 'nope'/);
    await s.close();
  });
});
