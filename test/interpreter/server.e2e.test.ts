// The issue's program (examples/interpreter-server) built, started on a free loopback port
// and exercised over real HTTP: both answers byte for byte, every error answer, limits,
// keep-alive and pipelining, many concurrent connections, and a graceful SIGTERM.
import http from "node:http";
import net from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeScopes, evalFlow, renderVocabulary } from "../../ccp/index.js";
import { type ProcessResult, runProcess, type SpawnedProcess } from "../../compiler/toolchain/process.js";
import { KORUC, ROOT } from "../helpers.js";

const EXAMPLE = join(ROOT, "examples", "interpreter-server", "main.kz");
const NESTED_ADD = "~add(a: 3, b: 4)\n| sum s |> add(a: s, b: 10)\n    | sum s2 |> result { value: s2 }";
const GREET = '~greet(name: "World")\n| greeted g |> result { message: g }';

interface Answer {
  status: number;
  type: string | undefined;
  body: string;
}

let port = 0;
let server: SpawnedProcess | undefined;
let exited: Promise<ProcessResult> | undefined;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function request(method: string, path: string, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          type: res.headers["content-type"],
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

const post = (body: string | Buffer) => request("POST", "/eval", body);

beforeAll(async () => {
  // Built asynchronously: a blocking build would stall the test worker's heartbeat. The binary
  // stays in the example's own .koru/ (an -o outside its workspace is refused); build prints its path.
  const built = await runProcess(process.execPath, [KORUC, "build", EXAMPLE, "-O", "ReleaseSafe"], {
    timeoutMs: 300_000,
  });
  expect(built.stdout + built.stderr).not.toContain("error[");
  expect(built.exitCode).toBe(0);
  const exe = built.stdout.toString().trim().split("\n").pop()!;
  // Port 0: the server picks a free loopback port and prints it.
  const listening = new Promise<number>((resolve, reject) => {
    exited = runProcess(exe, [], {
      env: { ORISHA_PORT: "0", ORISHA_HOST: "127.0.0.1" },
      onSpawn: (child) => {
        server = child;
        let text = "";
        child.stderr?.on("data", (c: Buffer) => {
          text += c.toString();
          const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
          if (m) resolve(Number(m[1]));
        });
      },
    });
    void exited.then((r) => reject(new Error(`server exited early: ${r.exitCode} ${r.stderr}`)));
  });
  port = await listening;
}, 240_000);

afterAll(async () => {
  agent.destroy();
  server?.kill("SIGKILL");
  await exited;
});

describe("examples/interpreter-server over HTTP", () => {
  it("GET / answers the compiled route", async () => {
    expect(await request("GET", "/")).toEqual({ status: 200, type: "text/plain", body: "POST Koru source to /eval" });
  });

  it("POST /eval with the nested add answers byte for byte", async () => {
    const a = await post(NESTED_ADD);
    expect(a).toEqual({
      status: 200,
      type: "application/json",
      body: '{"result":{"branch":"result","fields":{"value":17}},"budget_used":4}',
    });
  });

  it("POST /eval with greet answers byte for byte", async () => {
    const a = await post(GREET);
    expect(a.status).toBe(200);
    expect(a.body).toBe('{"result":{"branch":"result","fields":{"message":"Hello, World!"}},"budget_used":5}');
  });

  it("answers 429 when the budget runs out", async () => {
    // 201 chained greets cost 1005; the budget is 1000.
    const lines = ['greet(name: "a")'];
    for (let i = 1; i <= 200; i++) lines.push(`${" ".repeat(i)}| greeted g${i} |> greet(name: g${i})`);
    const a = await post(lines.join("\n"));
    expect(a).toEqual({ status: 429, type: "application/json", body: '{"error":"budget_exhausted","used":1000}' });
  });

  it("answers 400 with the position of a parse error", async () => {
    expect(await post("add(a: 1 b: 2)")).toEqual({
      status: 400,
      type: "application/json",
      body: `{"error":"parse_error","message":"expected ',' or ')' in the argument list at line 1, column 10"}`,
    });
    const a = await post("add(a: 1, b: 2)\n| sum s add(a: s, b: 1)");
    expect(JSON.parse(a.body)).toEqual({
      error: "parse_error",
      message: "expected '|>' after the branch and binding at line 2, column 9",
    });
  });

  it("denies an event outside the scope and the program's internal names", async () => {
    expect(await post("secret(a: 1)")).toEqual({
      status: 403,
      type: "application/json",
      body: '{"error":"event_denied","name":"secret"}',
    });
    expect((await post("main:add(a: 1, b: 2)")).body).toBe('{"error":"event_denied","name":"main:add"}');
    expect((await post('std.runtime:run(source: "x", scope: "api")')).status).toBe(403);
    // A denied flow runs nothing: a later denial inside it also stops it before the first call.
    expect((await post("add(a: 1, b: 2)\n| sum s |> orisha:serve(port: 1)")).body).toBe(
      '{"error":"event_denied","name":"orisha:serve"}',
    );
  });

  it("answers validation errors with 400", async () => {
    const a = await post('add(a: 1, b: "two")');
    expect(a.status).toBe(400);
    expect(JSON.parse(a.body)).toEqual({
      error: "validation_error",
      message: "bad argument for event 'add': expected an integer at line 1, column 1",
    });
  });

  it("answers 404 for other routes and methods", async () => {
    const notFound = { status: 404, type: "application/json", body: '{"error":"not_found"}' };
    expect(await request("GET", "/nope")).toEqual(notFound);
    expect(await request("GET", "/eval")).toEqual(notFound);
    expect(await request("POST", "/eval/x", NESTED_ADD)).toEqual(notFound);
  });

  it("refuses oversized bodies: over the request limit (413) and over the source limit (413)", async () => {
    expect(await post(Buffer.alloc(2 * 1024 * 1024, 32))).toEqual({
      status: 413,
      type: "application/json",
      body: '{"error":"request_too_large"}',
    });
    expect(await post(Buffer.alloc(100 * 1024, 32))).toEqual({
      status: 413,
      type: "application/json",
      body: '{"error":"source_too_large","limit":65536}',
    });
  });

  it("refuses deeply nested flows and values without crashing", async () => {
    const lines = ["add(a: 1, b: 1)"];
    for (let i = 0; i < 300; i++) lines.push(`${" ".repeat(i + 1)}| sum s${i} |> add(a: s${i}, b: 1)`);
    expect((await post(lines.join("\n"))).body).toBe('{"error":"too_deep","limit":256}');
    expect((await post(`add(a: ${"(".repeat(5000)}1, b: 1)`)).body).toBe('{"error":"too_deep","limit":32}');
    expect((await request("GET", "/")).status).toBe(200);
  });

  it("answers malformed UTF-8 with a parse error at its position", async () => {
    const body = Buffer.concat([Buffer.from('greet(name: "'), Buffer.from([0xff, 0xfe]), Buffer.from('")')]);
    expect(JSON.parse((await post(body)).body)).toEqual({
      error: "parse_error",
      message: "source is not valid UTF-8 at line 1, column 14",
    });
  });

  it("answers a malformed request line with 400", async () => {
    const answer = await rawExchange("NONSENSE\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it("survives 300 garbage requests and still answers", async () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const pieces = [
      "GET",
      "POST",
      " ",
      "/eval",
      "HTTP/1.1",
      "\r\n",
      ":",
      "Content-Length: ",
      "99999999999999999999",
      "-1",
      "\0",
      "\xff",
      "Transfer-Encoding: chunked",
    ];
    for (let i = 0; i < 300; i++) {
      let text = "";
      const n = 1 + (next() % 12);
      for (let k = 0; k < n; k++) text += pieces[next() % pieces.length];
      await rawExchange(`${text}\r\n\r\n`, 1, 300);
    }
    expect(await post(NESTED_ADD)).toMatchObject({ status: 200 });
  }, 60_000);

  it("keeps a connection alive and answers pipelined requests in order", async () => {
    const one = (n: number) =>
      `POST /eval HTTP/1.1\r\nHost: x\r\nContent-Length: ${`add(a: ${n}, b: 1)`.length}\r\n\r\nadd(a: ${n}, b: 1)`;
    const text = await rawExchange(one(1) + one(2) + one(3), 3);
    const bodies = responsesIn(text).map((r) => r.body);
    expect(bodies).toEqual([2, 3, 4].map((v) => `{"result":{"branch":"sum","value":${v}},"budget_used":2}`));
  });

  it("answers 64 concurrent connections, 1,600 requests, every answer correct", async () => {
    const jobs: Promise<void>[] = [];
    for (let c = 0; c < 64; c++) {
      jobs.push(
        (async () => {
          for (let k = 0; k < 25; k++) {
            const a = await post(`add(a: ${c}, b: ${k * 1000})`);
            expect(a.status).toBe(200);
            expect(a.body).toBe(`{"result":{"branch":"sum","value":${c + k * 1000}},"budget_used":2}`);
          }
        })(),
      );
    }
    await Promise.all(jobs);
  }, 60_000);

  it("evalFlow sends a flow and returns the answer (the MCP eval_flow tool)", async () => {
    const r = await evalFlow({ url: `http://127.0.0.1:${port}`, source: NESTED_ADD });
    expect(r).toEqual({
      ok: true,
      status: 200,
      body: '{"result":{"branch":"result","fields":{"value":17}},"budget_used":4}',
      json: { result: { branch: "result", fields: { value: 17 } }, budget_used: 4 },
    });
    const denied = await evalFlow({ url: `http://127.0.0.1:${port}/eval`, source: "nope()" });
    expect(denied.status).toBe(403);
    expect(denied.ok).toBe(false);
    expect((await evalFlow({ url: "ftp://x", source: "" })).error).toContain("unsupported URL scheme");
  });

  it("shuts down gracefully on SIGTERM", async () => {
    server?.kill("SIGTERM");
    const r = await exited!;
    expect(r.signal).toBeNull();
    expect(r.exitCode).toBe(0);
  }, 20_000);
});

/** Send raw bytes on a fresh connection; resolve with what came back once `responses` answers arrived. */
function rawExchange(data: string, responses = 1, waitMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1", () => sock.write(data));
    let text = "";
    const done = () => {
      sock.destroy();
      resolve(text);
    };
    sock.on("data", (c: Buffer) => {
      text += c.toString();
      if (responsesIn(text).length >= responses) done();
    });
    sock.on("end", done);
    sock.on("error", reject);
    setTimeout(done, waitMs);
  });
}

/** Complete responses in `text`, split by their Content-Length. */
function responsesIn(text: string): { head: string; body: string }[] {
  const out: { head: string; body: string }[] = [];
  let rest = text;
  for (;;) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0) return out;
    const head = rest.slice(0, end);
    const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
    if (rest.length < end + 4 + length) return out;
    out.push({ head, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
}

describe("describeScopes (the vocabulary resource)", () => {
  it("lists the example's scope: names, costs, inputs and branches", () => {
    const r = describeScopes(EXAMPLE);
    expect(r).toEqual({
      ok: true,
      scopes: [
        {
          scope: "api",
          events: [
            {
              name: "greet",
              event: "main:greet",
              cost: 5,
              inputs: [{ name: "name", type: "[]const u8", optional: false }],
              branches: [{ name: "greeted", payload: "[]const u8" }],
            },
            {
              name: "add",
              event: "main:add",
              cost: 2,
              inputs: [
                { name: "a", type: "i64", optional: false },
                { name: "b", type: "i64", optional: false },
              ],
              branches: [{ name: "sum", payload: "i64" }],
            },
          ],
        },
      ],
    });
    if (r.ok) expect(renderVocabulary(r.scopes)).toContain("| `add` | 2 | a: i64, b: i64 | sum i64 |");
  });

  it("answers diagnostics for a program that does not check, and a refused connection as a value", async () => {
    expect(describeScopes(join(ROOT, "examples", "no-such.kz")).ok).toBe(false);
    const r = await evalFlow({ url: "http://127.0.0.1:1/eval", source: "add(a: 1, b: 2)", timeoutMs: 2000 });
    expect(r.status).toBe(0);
    expect(r.error).toBeDefined();
  });
});
