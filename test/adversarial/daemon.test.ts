// The CCP daemon under hostile input (issue 8): special files and deep nesting get one
// answer each, and a fuzz of commands interleaved with rewrites of the files they name
// gets exactly one final answer per command, from a real daemon over real pipes.
import { spawnSync } from "node:child_process";
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Message } from "../../ccp/messages.js";
import { workspace } from "../helpers.js";
import { DaemonClient, finalsById } from "./daemon-client.js";

const STEP = `~event step { n: i32 }
| next i32
| done
~proc step {
    if (n > 0) return .{ .next = n - 1 };
    return .{ .done = .{} };
}
`;

function nested(depth: number): string {
  const out = [STEP, "~step(n: 3)\n"];
  for (let i = 0; i < depth; i++) out.push(`${" ".repeat(i)}| next x${i} |> step(n: x${i})\n`);
  out.push(`${" ".repeat(depth)}| next _ |> _\n| done |> _\n`);
  return out.join("");
}

describe("daemon: special files", () => {
  it("8. special files: parse of a /dev/zero symlink, a FIFO and a directory each get one answer; the daemon lives on", async () => {
    const dir = workspace({ "ok.kz": `${STEP}~step(n: 1)\n| next _ |> _\n| done |> _\n` });
    symlinkSync("/dev/zero", join(dir, "zero.kz"));
    expect(spawnSync("mkfifo", [join(dir, "fifo.kz")]).status).toBe(0);
    mkdirSync(join(dir, "dir.kz"));
    const d = new DaemonClient(dir);
    const cases: [string, string][] = [
      ["zero.kz", "character device"],
      ["fifo.kz", "FIFO"],
      ["dir.kz", "directory"],
    ];
    for (const [file] of cases) {
      d.send({ cmd: "parse", file, id: `p-${file}` });
      d.send({ cmd: "ast_json", file, id: `a-${file}` });
      d.send({ cmd: "compile", entry: file, check_only: true, id: `c-${file}` });
    }
    d.send({ cmd: "parse", file: "ok.kz", id: "ok" });
    expect(await d.answer("ok", 20_000)).toMatchObject({ type: "parsed", diagnostics: [] });
    // /dev/zero lies outside the workspace: the boundary refuses it before it is opened.
    expect(await d.answer("p-zero.kz")).toMatchObject({ type: "error", code: "outside_workspace" });
    expect(await d.answer("c-zero.kz")).toMatchObject({ type: "error", code: "outside_workspace" });
    for (const [file, why] of cases.slice(1)) {
      const parsed = await d.answer(`p-${file}`);
      expect(parsed.type).toBe("parsed");
      expect(JSON.stringify(parsed.diagnostics)).toContain(why);
      expect((await d.answer(`c-${file}`)).type).toBe("compile_failed");
    }
    for (const [file] of cases) expect((await d.answer(`a-${file}`)).type).toBe("error");
    const { code } = await d.end();
    expect(code).toBe(0);
    for (const [, answers] of finalsById(d)) expect(answers).toHaveLength(1);
  }, 60_000);
});

describe("daemon: deep nesting", () => {
  it("9. deep nesting: parse and ast_json of a 2,000-deep file get exactly one answer each", async () => {
    const dir = workspace({ "deep.kz": nested(2_000) });
    const d = new DaemonClient(dir);
    d.send({ cmd: "parse", file: "deep.kz", id: 1 });
    d.send({ cmd: "ast_json", file: "deep.kz", id: 2 });
    d.send({ cmd: "list_events", entry: "deep.kz", id: 3 });
    d.send({ cmd: "compile", entry: "deep.kz", check_only: true, id: 4 });
    const parsed = await d.answer(1, 20_000);
    expect(parsed.type).toBe("parsed");
    expect(JSON.stringify(parsed.diagnostics)).toContain("KORU011");
    for (const id of [2, 3, 4]) await d.answer(id, 20_000);
    const { code } = await d.end();
    expect(code).toBe(0);
    expect([...finalsById(d).values()].map((a) => a.length)).toEqual([1, 1, 1, 1]);
  }, 60_000);
});

/** What the fuzz writes at the path the commands name. */
const REWRITES = ["valid", "broken", "deep", "nul", "zero", "fifo", "dir", "missing", "long", "brackets"] as const;
type Rewrite = (typeof REWRITES)[number];

let rewrites = 0;

function rewrite(dir: string, name: string, how: Rewrite): void {
  const path = join(dir, name);
  rmSync(path, { recursive: true, force: true });
  const write = (text: string | Buffer) => {
    // Half the rewrites replace the file in one step, half truncate and write in place.
    if (rewrites++ % 2 === 0) return writeFileSync(path, text);
    writeFileSync(`${path}.new`, text);
    renameSync(`${path}.new`, path);
  };
  switch (how) {
    case "valid":
      return write(`${STEP}~step(n: 2)\n| next _ |> _\n| done |> _\n`);
    case "broken":
      return write(`${STEP}~step(n: 2\n| next |> \n)\n=\n`);
    case "deep":
      return write(nested(600));
    case "nul":
      return write(Buffer.alloc(2048));
    case "zero":
      return symlinkSync("/dev/zero", path);
    case "fifo":
      spawnSync("mkfifo", [path]);
      return;
    case "dir":
      return mkdirSync(path);
    case "missing":
      return;
    case "long":
      return write(`${STEP}~step(n: 1) ${"y".repeat(200_000)}\n`);
    case "brackets":
      return write(`${STEP}~step(n: ${"(".repeat(5_000)}1${")".repeat(5_000)})\n| next _ |> _\n| done |> _\n`);
  }
}

describe("daemon: fuzz with file rewrites", () => {
  it("answers every command exactly once while the files it reads are rewritten underneath it", async () => {
    const dir = workspace({});
    rewrite(dir, "a.kz", "valid");
    rewrite(dir, "b.kz", "valid");
    const step = fc.oneof(
      fc.record({
        cmd: fc.constantFrom("parse", "ast_json", "list_events", "check", "ast"),
        file: fc.constantFrom("a.kz", "b.kz"),
        wait: fc.boolean(),
      }),
      fc.record({ rewrite: fc.constantFrom(...REWRITES), file: fc.constantFrom("a.kz", "b.kz") }),
    );
    const plan = fc.sample(step, { numRuns: 300, seed: 8 });
    const d = new DaemonClient(dir);
    let n = 0;
    for (const s of plan) {
      if ("rewrite" in s) {
        rewrite(dir, s.file, s.rewrite);
        continue;
      }
      const id = `c${n++}`;
      if (s.cmd === "parse" || s.cmd === "ast_json" || s.cmd === "ast") d.send({ cmd: s.cmd, file: s.file, id });
      else if (s.cmd === "list_events") d.send({ cmd: "list_events", entry: s.file, id });
      else d.send({ cmd: "compile", entry: s.file, check_only: true, id });
      if (s.wait) await d.answer(id, 30_000);
    }
    const { code } = await d.end();
    expect(code).toBe(0);
    const finals = finalsById(d);
    expect(finals.size).toBe(n);
    for (const [id, answers] of finals) expect(answers, `command ${String(id)}`).toHaveLength(1);
    for (const m of d.messages) expect(Message.safeParse(m).success, JSON.stringify(m).slice(0, 300)).toBe(true);
    expect(d.stderr).not.toContain("RangeError");
  }, 120_000);
});
