// The variant commands over a real `koruc --ccp` daemon: a proposal that does not compile is
// refused and not kept, remove_variant unselects and removes; every line is a valid message.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Message } from "../ccp/messages.js";
import { runProcess } from "../compiler/index.js";
import { KORUC, workspace } from "../test/helpers.js";

const PROGRAM = `~import "$std/io"

~event inc { x: u32 }
| out u32

~proc inc {
    return .{ .out = x +% 1 };
}

~inc(x: 1)
| out o |> std.io:print.ln("{{ o:d }}")
`;

describe("variant commands over CCP", () => {
  it("add_variant refuses what does not compile; remove_variant unselects and removes", async () => {
    const dir = workspace({ "app.kz": PROGRAM });
    const lines = [
      {
        cmd: "add_variant",
        id: 1,
        entry: "app.kz",
        event: "inc",
        tag: "zig(good)",
        body: "return .{ .out = 1 +% x };",
      },
      { cmd: "add_variant", id: 2, entry: "app.kz", event: "inc", tag: "zig(bad)", body: "return .{ .out = y };" },
      { cmd: "select_variant", id: 3, entry: "app.kz", event: "inc", tag: "good", force: true },
      { cmd: "remove_variant", id: 4, entry: "app.kz", event: "inc", tag: "good" },
      { cmd: "list_variants", id: 5, entry: "app.kz" },
    ];
    const r = await runProcess(process.execPath, [KORUC, "--ccp"], {
      cwd: dir,
      input: lines.map((l) => `${JSON.stringify(l)}\n`).join(""),
      timeoutMs: 120_000,
    });
    const messages = r.stdout
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => {
        const m = JSON.parse(l) as Record<string, unknown>;
        expect(Message.safeParse(m).success, l).toBe(true);
        return m;
      });
    const answer = (id: number) => messages.filter((m) => m.id === id && m.type !== "progress").at(-1);
    expect(answer(1)).toMatchObject({ type: "variant_added", tag: "zig(good)" });
    expect(answer(2)).toMatchObject({ type: "error" });
    expect(messages.some((m) => m.id === 2 && m.type === "diagnostic" && m.code === "ZIG001")).toBe(true);
    expect(answer(3)).toMatchObject({ type: "variant_selected", tag: "zig(good)" });
    expect(answer(4)).toMatchObject({ type: "variant_removed", tag: "zig(good)", unselected: true });
    expect(answer(5)).toMatchObject({ type: "variants", variants: [] });
    expect(existsSync(join(dir, "app.variants.kz"))).toBe(false);
    expect(existsSync(join(dir, "koru.variants.json"))).toBe(false);
    expect(readFileSync(join(dir, "app.kz"), "utf8")).toBe(PROGRAM);
  });
});
