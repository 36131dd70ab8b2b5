// eval_flow: a flow sent through MCP to a real interpreter server (examples/interpreter-server,
// built by the compile tool and started on a free loopback port).
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, connect, ROOT, type Session, text, workspace } from "./helpers.js";

describe("eval_flow", () => {
  let s: Session;
  let server: ChildProcess | undefined;
  let url = "";
  beforeAll(async () => {
    const root = workspace({
      "main.kz": readFileSync(join(ROOT, "examples", "interpreter-server", "main.kz"), "utf8"),
    });
    s = await connect(root, { args: ["--no-watch"] });
    const built = await call(s, "compile", { optimize: "Debug" }, { timeout: 600_000 });
    expect(built.structuredContent!.ok, text(built)).toBe(true);
    const exe = join(root, built.structuredContent!.binary as string);
    server = spawn(exe, [], {
      env: { ...process.env, ORISHA_PORT: "0", ORISHA_HOST: "127.0.0.1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let err = "";
      server!.stderr!.on("data", (d: Buffer) => {
        err += d.toString();
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      server!.on("exit", (code) => reject(new Error(`server exited (${code}): ${err}`)));
    });
    url = `http://127.0.0.1:${port}/eval`;
  }, 600_000);
  afterAll(async () => {
    server?.kill("SIGKILL");
    await s?.close();
  });

  it("returns the interpreter's answer for a flow", async () => {
    const r = await call(s, "eval_flow", {
      url,
      source: "~add(a: 3, b: 4)\n| sum s |> add(a: s, b: 10)\n    | sum s2 |> result { value: s2 }",
    });
    expect(r.isError, text(r)).toBeFalsy();
    expect(r.structuredContent!.status).toBe(200);
    expect(r.structuredContent!.json).toEqual({ result: { branch: "result", fields: { value: 17 } }, budget_used: 4 });
    const bad = await call(s, "eval_flow", { url, source: "~add(a: 3" });
    expect(bad.isError).toBeFalsy();
    expect(bad.structuredContent!.status).toBe(400);
  });

  it("reaches only loopback servers and says when nothing answers", async () => {
    const far = await call(s, "eval_flow", { url: "http://example.com/eval", source: "~add(a: 1, b: 2)" });
    expect(far.isError).toBe(true);
    expect(text(far)).toContain("only reaches servers on this machine");
    const none = await call(s, "eval_flow", { url: "http://127.0.0.1:9/eval", source: "~add(a: 1, b: 2)" });
    expect(none.isError).toBe(true);
    expect(text(none)).toMatch(/no answer/);
  });
});
