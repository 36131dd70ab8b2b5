// The read and build tools over a real server and workspace: structured results with a text
// mirror, diagnostics as successful results, errors a caller can fix as isError results.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, connect, HELLO, type Session, text, workspace } from "./helpers.js";

const BROKEN = `~event greet { name: []const u8 }
| greeting []const u8

~greet(name: "x")
| greting _ |> _
`;

describe("koru-mcp tools", () => {
  let s: Session;
  let root: string;
  beforeAll(async () => {
    root = workspace({ "hello.kz": HELLO, "lib/broken.kz": BROKEN });
    s = await connect(root, { args: ["--no-watch"] });
  });
  afterAll(() => s.close());

  it("lists every tool with schemas, annotations and a description", async () => {
    const { tools } = await s.client.listTools();
    const names = tools.map((t) => t.name);
    for (const n of [
      "list_events",
      "get_event",
      "get_ast",
      "check",
      "compile",
      "run",
      "analyze",
      "get_hotspots",
      "ccp",
      "start_job",
      "get_job",
    ]) {
      expect(names).toContain(n);
    }
    for (const t of tools) {
      expect(t.outputSchema, t.name).toBeDefined();
      expect(t.annotations?.readOnlyHint, t.name).toBeTypeOf("boolean");
      expect(t.description?.length, t.name).toBeGreaterThan(20);
      expect(t.name).toMatch(/^[a-z0-9_]+$/);
    }
    expect(tools.find((t) => t.name === "list_events")?.annotations?.readOnlyHint).toBe(true);
  });

  it("list_events and get_event describe the program with structured content and text", async () => {
    const r = await call(s, "list_events", { entry: "hello.kz" });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent!.total).toBe(1);
    expect(text(r)).toContain("greet");
    const e = await call(s, "get_event", { entry: "hello.kz", event: "greet" });
    expect(e.isError).toBeFalsy();
    expect(e.structuredContent!.baseline).toContain("name.len == 0");
    expect(e.structuredContent!.declaration).toContain("| greeting []const u8");
  });

  it("check reports diagnostics as a successful result naming file:line:col", async () => {
    const r = await call(s, "check", { entry: "lib/broken.kz" });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent!.ok).toBe(false);
    const d = (r.structuredContent!.diagnostics as { file: string; line: number }[])[0];
    expect(d.file).toBe("lib/broken.kz");
    expect(d.line).toBeGreaterThan(0);
    const fixed = await call(s, "check", { entry: "lib/broken.kz", source: BROKEN.replace("greting", "greeting") });
    expect(fixed.structuredContent!.ok).toBe(true);
  });

  it("an unknown event or a missing entry is an isError result that says what to do", async () => {
    const r = await call(s, "get_event", { entry: "hello.kz", event: "nope" });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/no event 'nope'.*list_events/);
    const two = await connect(workspace({ "a.kz": HELLO, "b.kz": HELLO }), { args: ["--no-watch"] });
    const m = await call(two, "list_events", {});
    await two.close();
    expect(m.isError).toBe(true);
    expect(text(m)).toContain("give `entry`");
  });

  it("compile and run build a real binary, report progress and the program's output", async () => {
    const progress: number[] = [];
    const r = await call(
      s,
      "run",
      { entry: "hello.kz", optimize: "Debug" },
      { onprogress: (p: { progress: number }) => progress.push(p.progress) },
    );
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent!.exit_code).toBe(0);
    expect(`${r.structuredContent!.stdout}${r.structuredContent!.stderr}`).toContain("Hello, World!");
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    const plain = await call(s, "run", { entry: "hello.kz", optimize: "Debug", instrumented: false });
    expect(plain.isError, text(plain)).toBeFalsy();
    expect(plain.structuredContent!.run_id).toBeUndefined();
    expect(`${plain.structuredContent!.stdout}${plain.structuredContent!.stderr}`).toContain("Hello, World!");
    const c = await call(s, "compile", { entry: "lib/broken.kz" });
    expect(c.isError).toBeFalsy();
    expect(c.structuredContent!.ok).toBe(false);
  });

  it("get_ast returns the entry module inline and links the resource", async () => {
    const r = await call(s, "get_ast", { entry: "hello.kz" });
    expect(r.isError).toBeFalsy();
    expect(JSON.stringify(r.structuredContent!.ast)).toContain('"greet"');
    expect(r.content.some((c) => c.type === "resource_link" && c.uri === "koru://ast/hello.kz")).toBe(true);
  });

  it("the ccp tool carries out any CCP command and refuses bad ones", async () => {
    const r = await call(s, "ccp", { command: { cmd: "list_passes" } });
    expect(r.isError).toBeFalsy();
    expect(JSON.stringify(r.structuredContent!.messages)).toContain("zig_build");
    const bad = await call(s, "ccp", { command: { cmd: "fly" } });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toContain("unknown");
    const out = await call(s, "ccp", { command: { cmd: "parse", file: "../../etc/hosts.kz" } });
    expect(out.isError).toBe(true);
  });

  it("resources: sources, ASTs and runs are listed and read", async () => {
    const { resources } = await s.client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain("koru://source/hello.kz");
    expect(uris).toContain("koru://source/lib/broken.kz");
    const src = await s.client.readResource({ uri: "koru://source/lib/broken.kz" });
    expect((src.contents[0] as { text: string }).text).toBe(BROKEN);
    const runs = JSON.parse(
      ((await s.client.readResource({ uri: "koru://runs" })).contents[0] as { text: string }).text,
    );
    expect(runs.length).toBeGreaterThan(0);
    const read = async (uri: string) =>
      JSON.parse(((await s.client.readResource({ uri })).contents[0] as { text: string }).text);
    const hot = await read(`koru://runs/${runs[0].run_id}/hotspots`);
    expect(Array.isArray(hot.hotspots)).toBe(true);
    expect(hot.stats.run_id).toBe(runs[0].run_id);
    const meta = await read(`koru://runs/${runs[0].run_id}/meta`);
    expect(meta.exit_code).toBe(0);
    const page = await read(`koru://runs/${runs[0].run_id}/transitions?cursor=0`);
    expect(Array.isArray(page.transitions)).toBe(true);
    await expect(s.client.readResource({ uri: "koru://source/..%2F..%2Fetc%2Fpasswd" })).rejects.toThrow();
  });

  it("start_job runs a tool in the background; get_job returns its result", async () => {
    const start = await call(s, "start_job", { tool: "run", arguments: { entry: "hello.kz", optimize: "Debug" } });
    expect(start.isError).toBeFalsy();
    const id = start.structuredContent!.job_id as string;
    const got = await call(s, "get_job", { job_id: id, wait_ms: 30_000 });
    expect(got.structuredContent!.status).toBe("done");
    expect((got.structuredContent!.result as { exit_code: number }).exit_code).toBe(0);
    const bad = await call(s, "start_job", { tool: "run", arguments: { entry: 5 } });
    expect(bad.isError).toBeFalsy();
    const failed = await call(s, "get_job", { job_id: bad.structuredContent!.job_id as string, wait_ms: 10_000 });
    expect(failed.structuredContent!.status).toBe("failed");
    expect(failed.structuredContent!.error).toContain("invalid arguments");
  });
});
