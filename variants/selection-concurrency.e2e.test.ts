// Many `koruc variants select|revert|remove` processes on one workspace at the same moment:
// koru.variants.json stays valid JSON, every write lands (none lost, none torn), the sidecar
// keeps every variant nobody removed, and the baseline's bytes never change.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runProcess } from "../compiler/index.js";
import { KORUC, workspace } from "../test/helpers.js";

const EVENTS = ["e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7"];

const PROGRAM = `~import "$std/io"
${EVENTS.map((e, i) => `~event ${e} { x: u32 }\n| out u32\n\n~proc ${e} {\n    return .{ .out = x +% ${i} };\n}\n`).join("\n")}
~e0(x: 1)
| out o |> std.io:print.ln("{{ o:d }}")
`;

const SIDECAR = EVENTS.map(
  (e, i) =>
    `~proc ${e}|zig(a) {\n    return .{ .out = ${i} +% x };\n}\n\n~proc ${e}|zig(b) {\n    return .{ .out = x +% ${i} };\n}\n`,
).join("\n");

let dir: string;
let file: string;
let baselineBytes: Buffer;

beforeAll(() => {
  dir = workspace({ "app.kz": PROGRAM, "app.variants.kz": SIDECAR });
  file = join(dir, "app.kz");
  baselineBytes = readFileSync(file);
});

async function variants(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const r = await runProcess(process.execPath, [KORUC, "variants", ...args], { stdin: "ignore", timeoutMs: 60_000 });
  return { code: r.exitCode, stderr: r.stderr };
}

function selection(): Record<string, string> {
  const path = join(dir, "koru.variants.json");
  if (!existsSync(path)) return {};
  return (JSON.parse(readFileSync(path, "utf8")) as { selected: Record<string, string> }).selected;
}

describe("concurrent selection", () => {
  it("keeps every selection made at the same moment, then every select, revert and remove", async () => {
    const first = await Promise.all(EVENTS.map((e) => variants(["select", file, e, "a", "--force"])));
    for (const r of first) expect(r.code, r.stderr).toBe(0);
    expect(selection()).toEqual(Object.fromEntries(EVENTS.map((e) => [`app:${e}`, "zig(a)"])));

    // At once: revert e0-e2, remove the selected zig(a) of e3-e5, select zig(b) of e6-e7.
    const second = await Promise.all([
      ...EVENTS.slice(0, 3).map((e) => variants(["revert", file, e])),
      ...EVENTS.slice(3, 6).map((e) => variants(["remove", file, e, "a"])),
      ...EVENTS.slice(6).map((e) => variants(["select", file, e, "b", "--force"])),
    ]);
    for (const r of second) expect(r.code, r.stderr).toBe(0);
    expect(selection()).toEqual({ "app:e6": "zig(b)", "app:e7": "zig(b)" });

    const sidecar = readFileSync(join(dir, "app.variants.kz"), "utf8");
    for (const [i, e] of EVENTS.entries()) {
      expect(sidecar).toContain(`~proc ${e}|zig(b)`);
      if (i >= 3 && i < 6) expect(sidecar).not.toContain(`~proc ${e}|zig(a)`);
      else expect(sidecar).toContain(`~proc ${e}|zig(a)`);
    }
    // No lock or temporary file left behind; the baseline untouched.
    expect(readdirSync(dir).filter((f) => /\.lock$|\.tmp/.test(f))).toEqual([]);
    expect(readFileSync(file).equals(baselineBytes)).toBe(true);
  });
});
