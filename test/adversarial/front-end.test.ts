// Hostile input to the front end (issue 8: items 8, 9, 13, 17): special files, deep
// nesting, binary junk, huge lines and stray tokens each get one located diagnostic from
// the real koruc, never a hang, a crash or a Zig error.

import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { koruc, workspace } from "../helpers.js";

const STEP = `~event step { n: i32 }
| next i32
| done
~proc step {
    if (n > 0) return .{ .next = n - 1 };
    return .{ .done = .{} };
}
`;

/**
 * A flow whose continuations nest `depth` levels, indented `unit` spaces per level. Past
 * 2,000 levels the `| done` handlers are left out to keep the file under 16 MiB.
 */
function nested(depth: number, unit = 1): string {
  const out = [STEP, "~step(n: 3)\n"];
  for (let i = 0; i < depth; i++) out.push(`${" ".repeat(unit * i)}| next x${i} |> step(n: x${i})\n`);
  out.push(`${" ".repeat(unit * depth)}| next _ |> _\n`);
  for (let i = depth > 2_000 ? 0 : depth; i >= 0; i--) out.push(`${" ".repeat(unit * i)}| done |> _\n`);
  return out.join("");
}

/** koruc with a time limit: a hang fails the test instead of blocking the suite. */
function korucLimited(args: string[], cwd: string) {
  return koruc(args, { cwd, timeoutMs: 30_000 });
}

describe("8. special files", () => {
  it("8. special files: a symlink to /dev/zero is refused", async () => {
    const dir = workspace({});
    symlinkSync("/dev/zero", join(dir, "zero.kz"));
    // /dev/zero lies outside the workspace: koruc, like CCP and MCP, refuses it before it is opened.
    const r = await korucLimited(["check", "zero.kz"], dir);
    expect(r.timedOut).toBe(false);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^koruc: '.*zero\.kz' is outside the workspace/);
    // The compiler itself, reached without that boundary, still never reads it.
    const c = compileFile(join(dir, "zero.kz"), { checkOnly: true });
    expect(c.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([["KORU002", 1, 1]]);
    expect(c.diagnostics[0]!.message).toContain("character device, not a regular file");
  });

  it("8. special files: a FIFO is refused without blocking", async () => {
    const dir = workspace({});
    expect(spawnSync("mkfifo", [join(dir, "pipe.kz")]).status).toBe(0);
    const r = await korucLimited(["check", "pipe.kz"], dir);
    expect(r.timedOut).toBe(false); // no timeout
    expect(r.stderr).toContain("FIFO");
    expect(r.status).toBe(1);
  });

  it("8. special files: a directory named like a source is refused", async () => {
    const dir = workspace({});
    mkdirSync(join(dir, "dir.kz"));
    const r = await korucLimited(["--ast-json", "dir.kz"], dir);
    expect(r.stderr).toContain("it is a directory");
    expect(r.status).toBe(1);
  });

  it("8. special files: a file over 16 MiB is refused before it is read whole", async () => {
    const dir = workspace({});
    writeFileSync(join(dir, "big.kz"), Buffer.alloc(17 * 1024 * 1024, 0x20));
    const r = await korucLimited(["check", "big.kz"], dir);
    expect(r.stderr).toContain("larger than the 16 MiB limit");
    expect(r.status).toBe(1);
  });

  it("8. special files: an import of a FIFO or of /dev/zero is refused at the import, without blocking", async () => {
    const dir = workspace({
      "app.kz": `~import "$app/pipe"\n~import "$app/zero"\n${STEP}~step(n: 1)\n| next _ |> _\n| done |> _\n`,
    });
    expect(spawnSync("mkfifo", [join(dir, "pipe.kz")]).status).toBe(0);
    symlinkSync("/dev/zero", join(dir, "zero.kz"));
    const r = await korucLimited(["check", "app.kz"], dir);
    expect(r.timedOut).toBe(false);
    expect(r.stderr).toContain("pipe.kz': it is a FIFO (named pipe), not a regular file");
    expect(r.stderr).toContain("import '$app/zero' leads outside the workspace");
    expect(r.status).toBe(1);
  });
});

describe("9. deep nesting", () => {
  for (const depth of [1_000, 2_000, 5_000]) {
    it(`9. deep nesting: ${depth} nested continuations get KORU011 from check and --ast-json, never a crash`, async () => {
      const dir = workspace({ "deep.kz": nested(depth) });
      for (const args of [
        ["check", "deep.kz"],
        ["deep.kz", "--ast-json"],
        ["emit", "deep.kz"],
      ]) {
        const r = await korucLimited(args, dir);
        expect(r.stderr).not.toContain("RangeError");
        expect(r.stderr).not.toContain("internal error");
        expect(r.stderr).toContain("error[KORU011]: continuations nested more than 200 levels deep");
        expect(r.stderr).toMatch(/deep\.kz:209:\d+/); // the first line past the limit
        expect(r.status).toBe(1);
      }
    });
  }

  it("9. deep nesting: 200 levels still compile", async () => {
    const dir = workspace({ "deep.kz": nested(199, 2) });
    const r = await korucLimited(["emit", "deep.kz"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  const brackets: Record<string, (n: number) => string> = {
    "parentheses in an argument": (n) =>
      `${STEP}~step(n: ${"(".repeat(n)}1${")".repeat(n)})\n| next _ |> _\n| done |> _\n`,
    "braces in a branch constructor": (n) =>
      `${STEP}~step(n: 1)\n| next _ |> done ${"{ a: ".repeat(n)}1${" }".repeat(n)}\n| done |> _\n`,
    "structs in an event shape": (n) => `~event deep { a: ${"struct { a: ".repeat(n)}i32${" }".repeat(n)} }\n`,
    "parentheses in an annotation": (n) => `~[${"a(".repeat(n)}${")".repeat(n)}] event q {}\n`,
  };
  for (const [what, make] of Object.entries(brackets)) {
    it(`9. deep nesting: 100,000 levels of ${what} get KORU011, never a crash`, async () => {
      const dir = workspace({ "deep.kz": make(100_000) });
      for (const args of [
        ["check", "deep.kz"],
        ["deep.kz", "--ast-json"],
      ]) {
        const r = await korucLimited(args, dir);
        expect(r.stderr).toContain("error[KORU011]: brackets nested more than 1000 levels deep");
        expect(r.stderr.length).toBeLessThan(2_000);
        expect(r.status).toBe(1);
      }
    });
  }
});

describe("13. bytes", () => {
  it("13. bytes: a file of NUL bytes gets a parse diagnostic, not a Zig error", async () => {
    const dir = workspace({ "nul.kz": "\0".repeat(4096) });
    for (const args of [
      ["check", "nul.kz"],
      ["build", "nul.kz"],
    ]) {
      const r = await koruc(args, { cwd: dir });
      expect(r.stderr).toContain("error[KORU003]: control character U+0000 in source");
      expect(r.stderr).toContain("nul.kz:1:1");
      expect(r.stderr).not.toContain("ZIG");
      expect(r.stderr).not.toContain("\0"); // the excerpt shows no raw control characters
      expect(r.status).toBe(1);
    }
  });

  it("13. bytes: invalid UTF-8 in a source is refused at its line", async () => {
    const dir = workspace({});
    writeFileSync(
      join(dir, "bad.kz"),
      Buffer.concat([Buffer.from(`${STEP}// ok\n// `), Buffer.from([0xff, 0xfe]), Buffer.from("\n")]),
    );
    const r = await koruc(["check", "bad.kz"], { cwd: dir });
    expect(r.stderr).toContain("not UTF-8 text (invalid byte 0xff)");
    expect(r.stderr).toContain("bad.kz:9:4");
    expect(r.status).toBe(1);
  });
});

describe("17. smaller", () => {
  it("17. smaller: a diagnostic never echoes a 5 MB line", async () => {
    const dir = workspace({ "long.kz": `${STEP}~step(n: 1) ${"z".repeat(5_000_000)}\n| next _ |> _\n| done |> _\n` });
    const r = await koruc(["check", "long.kz"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("long.kz:8:1");
    expect(r.stderr).toContain("…");
    expect(r.stderr.length).toBeLessThan(2_000);
  });

  it("17. smaller: the excerpt of a long line is centred on the column", async () => {
    const pad = "x".repeat(3_000);
    const dir = workspace({ "far.kz": `${STEP}~step(n: 1)\n| next _ |> _\n| done |> _\n${" ".repeat(4_000)}=\n` });
    const r = await koruc(["check", "far.kz"], { cwd: dir });
    expect(pad.length).toBe(3_000);
    expect(r.stderr).toContain("far.kz:11:4001");
    const [source, carets] = r.stderr.split("\n").filter((l) => l.includes(" | "));
    expect(source.length).toBeLessThan(240);
    expect(source).toContain("=");
    // The caret sits under the `=` in the cut line.
    expect(source.indexOf("=")).toBe(carets.indexOf("^"));
  });

  for (const stray of ["=", ")"]) {
    it(`17. smaller: a stray '${stray}' between flows is a parse diagnostic at the .kz line`, async () => {
      const src = `~event e {}\n~proc e {}\n~e()\n${stray}\n~e()\n`;
      const dir = workspace({ "stray.kz": src });
      for (const args of [
        ["check", "stray.kz"],
        ["build", "stray.kz"],
      ]) {
        const r = await koruc(args, { cwd: dir });
        expect(r.stderr).toContain(`error[PARSE001]: stray '${stray}'`);
        expect(r.stderr).toContain("stray.kz:4:1");
        expect(r.stderr).not.toContain("ZIG001");
        expect(r.status).toBe(1);
      }
    });
  }

  it("17. smaller: host Zig that spans lines is not mistaken for strays", async () => {
    const src = `const S = struct {\n    a: i32,\n};\nfn f(\n    x: i32,\n) i32 {\n    return x;\n}\nconst t = .{\n    1,\n};\n~event e {}\n~proc e { _ = f(1); _ = S{ .a = 1 }; _ = t; }\n~e()\n`;
    const dir = workspace({ "host.kz": src });
    const r = await koruc(["check", "host.kz"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
