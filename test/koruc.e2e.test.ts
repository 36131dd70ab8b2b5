// The koruc command line as a user meets it: real compiles, real Zig builds, real binaries.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { koruc, workspace } from "./helpers.js";

const PROGRAM = `const std = @import("std");

~event divide { a: i32, b: i32 }
| quotient i32
| by_zero

~proc divide {
    if (b == 0) return .{ .by_zero = .{} };
    return .{ .quotient = @divTrunc(a, b) };
}

~event finish { code: u8 }
~proc finish {
    std.debug.print("exiting with {d}\\n", .{code});
    std.process.exit(code);
}

~divide(a: 10, b: 0)
| quotient q |> finish(code: @intCast(q))
| by_zero |> finish(code: 3)
`;

describe("koruc", () => {
  it("prints truthful help and its version", async () => {
    const help = await koruc(["--help"]);
    expect(help.status).toBe(0);
    for (const cmd of ["build", "run", "check", "emit", "--ast-json", "--ccp", "--accept-commands=stdin"])
      expect(help.stdout).toContain(cmd);
    expect((await koruc(["--version"])).stdout).toMatch(/^koruc \d+\.\d+\.\d+/);
  });

  it("rejects bad usage with exit code 2", async () => {
    expect((await koruc(["run"])).status).toBe(2);
    expect((await koruc(["build", "x.kz", "-O", "Fastest"])).stderr).toContain("-O must be");
    expect((await koruc(["--bogus-option-only"])).status).toBe(2);
  });

  it("runs a program, relays its output and exit code, and does not rebuild it unchanged", async () => {
    const dir = workspace({ "app.kz": PROGRAM });
    const first = await koruc(["run", "app.kz"], { cwd: dir });
    expect(first.stderr).toBe("exiting with 3\n");
    expect(first.status).toBe(3);
    const builds = readdirSync(join(dir, ".koru", "build"));
    expect(builds).toHaveLength(1);
    const stamp = statSync(join(dir, ".koru", "build", builds[0])).mtimeMs;
    const second = await koruc(["run", "app.kz"], { cwd: dir });
    expect(second.status).toBe(3);
    expect(statSync(join(dir, ".koru", "build", builds[0])).mtimeMs).toBe(stamp);
    // Nothing but .koru/ is written beside the source.
    expect(readdirSync(dir).sort()).toEqual([".koru", "app.kz"]);
  });

  it("builds a binary where -o says", async () => {
    const dir = workspace({ "app.kz": PROGRAM });
    const r = await koruc(["build", "app.kz", "-o", "out/app"], { cwd: dir });
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, "out", "app"))).toBe(true);
  });

  it("reports every check error with file:line:col and a caret, exit 1", async () => {
    const dir = workspace({
      "bad.kz": `${PROGRAM}
~divide(a: 1, b: 1)
| quotient q |> finish(code: 0)
| by_zero |> _
| overflow |> _

~nothing()
`,
    });
    const r = await koruc(["check", "bad.kz"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "error[KORU100]: unused binding 'q'\n  --> bad.kz:23:0\n    |\n 23 | | quotient q |> finish(code: 0)\n    | ^\n",
    );
  });

  it("reports shape errors after front-end errors are fixed", async () => {
    const dir = workspace({
      "bad.kz": `${PROGRAM}
~divide(a: 1, b: 1)
| quotient _ |> _
| overflow |> _

~nothing()
`,
    });
    const r = await koruc(["check", "bad.kz"], { cwd: dir });
    expect(r.stderr).toContain(
      "error[KORU021]: event 'bad:divide' has no branch 'overflow' (available: quotient, by_zero)\n  --> bad.kz:24:0",
    );
    expect(r.stderr).toContain("error[KORU022]: branch 'by_zero' must be handled but no continuation found");
    expect(r.stderr).toContain("error[KORU040]: unknown event 'nothing'\n  --> bad.kz:26:0");
  });

  it("maps a Zig error inside a proc back to the .kz line", async () => {
    const dir = workspace({
      "typo.kz": `~event shout { text: []const u8 }

~proc shout {
    const n: u32 = text;
    _ = n;
}

~shout(text: "hi")
`,
    });
    const r = await koruc(["build", "typo.kz"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error\[ZIG001\]: expected type 'u32', found '\[\]const u8'\n {2}--> typo\.kz:4:\d+\n/);
    expect(r.stderr).toContain("  4 |     const n: u32 = text;");
  });

  it("prints the AST as JSON and the generated Zig", async () => {
    const dir = workspace({ "app.kz": PROGRAM });
    const ast = JSON.parse((await koruc(["app.kz", "--ast-json"], { cwd: dir })).stdout);
    expect(ast.entry.items.some((i: { kind: string }) => i.kind === "event")).toBe(true);
    const zig = (await koruc(["emit", "app.kz"], { cwd: dir })).stdout;
    expect(zig).toContain("pub const divide_event = struct {");
    expect(zig).not.toContain("__koru_ccp");
  });
});
