// The workspace boundary and the daemon's resilience, through the real daemon over real pipes.
import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KORUC, koruc } from "./helpers.js";

type Msg = Record<string, unknown>;

/** Send `lines` to a fresh daemon in `cwd`; resolve with every message it wrote. */
function daemon(lines: string[], cwd: string): Promise<{ messages: Msg[]; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KORUC, "--ccp"], { cwd });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const messages = out
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Msg);
      resolve({ messages, code });
    });
    child.stdin.end(lines.map((l) => `${l}\n`).join(""));
  });
}

const HELLO = `~import "$std/io"

~event greet { name: []const u8 }
| greeting []const u8

~proc greet {
    return .{ .greeting = name };
}

~greet(name: "World")
| greeting g |> std.io:print.ln("Hello, {{ g:s }}!")
`;

/** A workspace (with koru.json) beside a folder outside it, and a symlink from one to the other. */
function boundary(): { base: string; ws: string; outside: string } {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "koru-boundary-")));
  const ws = join(base, "ws");
  const outside = join(base, "outside");
  mkdirSync(ws);
  mkdirSync(outside);
  writeFileSync(join(ws, "koru.json"), "{}\n");
  writeFileSync(join(ws, "app.kz"), HELLO);
  writeFileSync(join(outside, "secret.kz"), HELLO);
  symlinkSync(outside, join(ws, "outlink"));
  return { base, ws, outside };
}

describe("the workspace boundary", () => {
  it("a symlink from the workspace to outside is refused for every command that takes a path", async () => {
    const { ws, outside } = boundary();
    const lines = [
      '{"cmd":"parse","file":"outlink/secret.kz","id":"parse"}',
      '{"cmd":"ast_json","file":"outlink/secret.kz","id":"ast_json"}',
      '{"cmd":"ast","file":"outlink/secret.kz","id":"ast"}',
      '{"cmd":"compile","entry":"outlink/secret.kz","check_only":true,"id":"compile"}',
      '{"cmd":"compile","entry":"app.kz","output":"outlink/app","id":"output"}',
      '{"cmd":"compile","entry":"app.kz","output":"outlink/new/app","id":"output_new"}',
      '{"cmd":"run","entry":"outlink/secret.kz","id":"run"}',
      '{"cmd":"analyze","entry":"outlink/secret.kz","id":"analyze"}',
      '{"cmd":"list_events","entry":"outlink/secret.kz","id":"list_events"}',
    ];
    const { messages, code } = await daemon(lines, ws);
    expect(code).toBe(0);
    for (const id of ["parse", "ast_json", "ast", "compile", "output", "output_new", "run", "analyze", "list_events"]) {
      const answers = messages.filter((m) => m.id === id);
      expect(answers.at(-1), id).toMatchObject({ type: "error", code: "outside_workspace" });
      // Nothing of the secret file leaks into any answer.
      expect(JSON.stringify(answers), id).not.toContain('secret.kz","items');
    }
    expect(readdirSync(outside)).toEqual(["secret.kz"]);
  }, 120_000);

  it("`..dots.kz` is a file name inside the workspace, not a parent folder", async () => {
    const { ws } = boundary();
    writeFileSync(join(ws, "..dots.kz"), HELLO);
    const { messages } = await daemon(['{"cmd":"parse","file":"..dots.kz","id":1}'], ws);
    expect(messages.find((m) => m.id === 1)).toMatchObject({ type: "parsed", diagnostics: [] });
  });

  it("a malformed koru.json gives a located diagnostic (CLI and daemon)", async () => {
    const { ws } = boundary();
    writeFileSync(join(ws, "koru.json"), '{\n  "paths": {\n    "lib": "lib",\n  }\n}\n');
    const cli = await koruc(["check", "app.kz"], { cwd: ws });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/error\[KORU005\]: malformed koru\.json/);
    expect(cli.stderr).toContain(`${join(ws, "koru.json")}:4:`);
    const { messages } = await daemon(['{"cmd":"compile","entry":"app.kz","check_only":true,"id":1}'], ws);
    expect(messages.find((m) => m.type === "diagnostic")).toMatchObject({
      code: "KORU005",
      line: 4,
      file: join(ws, "koru.json"),
    });
    expect(messages.filter((m) => m.id === 1).at(-1)).toMatchObject({ type: "compile_failed" });
  });
});

describe("daemon resilience", () => {
  it("a failed spawn inside the daemon gives an error message and the daemon lives on", async () => {
    const { ws } = boundary();
    const first = await daemon(['{"cmd":"run","entry":"app.kz","optimize":"Debug","id":"r1"}'], ws);
    const compiled = first.messages.find((m) => m.type === "compiled") as { output: string };
    expect(first.messages.find((m) => m.type === "run_done")).toMatchObject({ exit_code: 0 });
    // The cached binary loses its execute bit: the next run reuses it and cannot start it.
    expect(existsSync(compiled.output)).toBe(true);
    chmodSync(compiled.output, 0o644);
    const { messages, code } = await daemon(
      [
        '{"cmd":"run","entry":"app.kz","optimize":"Debug","id":"r2"}',
        '{"cmd":"parse","file":"app.kz","id":"after"}',
        '{"cmd":"exit","id":"bye"}',
      ],
      ws,
    );
    expect(code).toBe(0);
    expect(messages.filter((m) => m.id === "r2").at(-1)).toMatchObject({ type: "error", code: "spawn_failed" });
    expect(messages.some((m) => m.id === "r2" && m.type === "run_done")).toBe(false);
    expect(messages.find((m) => m.id === "after")).toMatchObject({ type: "parsed" });
    expect(messages.at(-1)).toMatchObject({ type: "exit", id: "bye" });
  }, 120_000);
});
