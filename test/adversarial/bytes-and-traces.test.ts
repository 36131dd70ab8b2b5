// What a program writes reaches the user unchanged (issue 8, item 13), and its panic
// traces show the generated source lines (item 17): real Zig builds, real binaries.
import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { korucBytes, workspace } from "../helpers.js";

const BYTES = `const std = @import("std");
~event emit {}
~proc emit {
    std.fs.File.stdout().writeAll("ok \\xff\\xfe\\x80 end\\n") catch {};
}
~emit()
`;

function run(args: string[], cwd: string) {
  return korucBytes(args, { cwd, timeoutMs: 120_000 });
}

describe("13. bytes", () => {
  it("13. bytes: koruc run passes invalid UTF-8 through unchanged", async () => {
    const dir = workspace({ "app.kz": BYTES });
    const r = await run(["run", "app.kz"], dir);
    expect(r.status).toBe(0);
    expect(
      Buffer.from(r.stdout).equals(Buffer.from([...Buffer.from("ok "), 0xff, 0xfe, 0x80, ...Buffer.from(" end\n")])),
    ).toBe(true);
  });

  it("13. bytes: program_output carries invalid UTF-8 byte for byte in base64", async () => {
    const dir = workspace({ "app.kz": BYTES });
    const r = await run(["run", "--ccp", "app.kz"], dir);
    expect(r.status).toBe(0);
    const outputs = r.stdout
      .toString("utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; stream?: string; text?: string; base64?: string })
      .filter((m) => m.type === "program_output" && m.stream === "stdout");
    const bytes = Buffer.concat(
      outputs.map((m) => (m.base64 !== undefined ? Buffer.from(m.base64, "base64") : Buffer.from(m.text ?? ""))),
    );
    expect(bytes.equals(Buffer.from([...Buffer.from("ok "), 0xff, 0xfe, 0x80, ...Buffer.from(" end\n")]))).toBe(true);
    expect(outputs.some((m) => m.base64 !== undefined && m.text?.includes("\ufffd"))).toBe(true);
  });
});

describe("17. smaller", () => {
  it("17. smaller: a panic trace points at generated source that exists and shows its lines", async () => {
    const dir = workspace({
      "app.kz": `~event boom { n: i32 }
~proc boom {
    var a: [2]i32 = .{ 1, 2 };
    const i: usize = @intCast(n);
    a[i] = 3;
    @import("std").debug.print("{d}\\n", .{a[0]});
}
~boom(n: 5)
`,
    });
    const r = await run(["run", "app.kz"], dir);
    const stderr = r.stderr.toString("utf8");
    expect(stderr).toContain("panic: index out of bounds");
    const frame = /^(\/\S+\/main\.zig):\d+:\d+: .* in handler/m.exec(stderr);
    expect(frame?.[1]).toContain(`${dir}/.koru/build/`);
    expect(statSync(frame![1]).isFile()).toBe(true);
    // Zig prints the source line under the frame only when the file is still there.
    expect(stderr).toContain("a[i] = 3;");
  });
});
