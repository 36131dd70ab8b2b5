// The harness's guarantees beyond blur, on small integer procs (one harness build per event
// serves every variant): printed text is compared, a baseline that panics on many inputs is
// skipped input by input up to the case count (or ends inconclusive), a proposal that does
// not compile is not kept, and remove takes a variant out without touching the baseline.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runProcess } from "../compiler/index.js";
import { KORUC, workspace } from "../test/helpers.js";
import { listVariants, proposeVariant, removeVariant, selectVariant, testVariant } from "./index.js";

const PROGRAM = `~import "$std/io"
const std = @import("std");

// Prints on some inputs: the text is part of what a variant must reproduce.
~event tally { a: u32, b: u32 }
| out u32

~proc tally {
    if (a % 16 == 3) std.debug.print("tally {d}\\n", .{b});
    return .{ .out = a +% b };
}

// Overflows (a safety panic) on part of its inputs: those are outside its domain. It prints
// too, so text shows up in batches where a case also kills the harness's child.
~event sum { a: u32, b: u32 }
| out u32

~proc sum {
    if (a % 4 == 1) std.debug.print("sum of {d}\\n", .{a});
    return .{ .out = a + b };
}

// Defined on one input in eight only: too few to decide anything.
~event narrow { a: u32 }
| out u32

~proc narrow {
    if (a % 8 != 0) unreachable;
    return .{ .out = a / 8 };
}

// Takes an allocator: with every allocation failing it answers \`oom\`.
~event dup { s: []const u8, alloc: std.mem.Allocator }
| copy []u8
| oom

~proc dup {
    const out = alloc.alloc(u8, s.len) catch return .{ .oom = .{} };
    @memcpy(out, s);
    return .{ .copy = out };
}

~tally(a: 3, b: 4)
| out o |> std.io:print.ln("{{ o:d }}")
`;

const SIDECAR = `// Variants of the test program.

~proc tally|zig(same_text) {
    if (a & 15 == 3) std.debug.print("tally {d}\\n", .{b});
    return .{ .out = b +% a };
}

// Says it differently.
~proc tally|zig(other_text) {
    if (a & 15 == 3) std.debug.print("tally: {d}\\n", .{b});
    return .{ .out = b +% a };
}

~proc tally|zig(silent) {
    return .{ .out = b +% a };
}

~proc sum|zig(wrapping) {
    if (a & 3 == 1) std.debug.print("sum of {d}\\n", .{a});
    return .{ .out = a +% b };
}

~proc sum|zig(quiet) {
    return .{ .out = a +% b };
}

~proc dup|zig(dupe) {
    return .{ .copy = alloc.dupe(u8, s) catch return .{ .oom = .{} } };
}

~proc dup|zig(panics_on_oom) {
    return .{ .copy = alloc.dupe(u8, s) catch unreachable };
}

~proc dup|zig(no_oom) {
    return .{ .copy = alloc.dupe(u8, s) catch &.{} };
}

~proc narrow|zig(shift) {
    return .{ .out = a >> 3 };
}
`;

let dir: string;
let file: string;
let baselineBytes: Buffer;

beforeAll(() => {
  dir = workspace({ "app.kz": PROGRAM, "app.variants.kz": SIDECAR });
  file = join(dir, "app.kz");
  baselineBytes = readFileSync(file);
});

describe("variant harness", () => {
  it("compares printed text: same bytes pass, different or missing text is a counterexample", async () => {
    const same = await testVariant({ file, event: "tally", tag: "same_text" });
    if (!same.ok) throw new Error(JSON.stringify(same.diagnostics));
    expect(same.evidence.verdict, same.evidence.reasons.join("; ")).toBe("passed_tests");
    expect(same.evidence.text_compared).toBe(true);
    expect(same.evidence.tiers.every((t) => t.printed)).toBe(true);

    for (const [tag, printed] of [
      ["other_text", /tally: \d+/],
      ["silent", /^$/],
    ] as const) {
      const r = await testVariant({ file, event: "tally", tag });
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      expect(r.evidence.verdict, tag).toBe("rejected");
      const c = r.evidence.counterexamples[0];
      expect(c.baselineText, tag).toMatch(/^tally \d+\n$/);
      expect(c.variantText, tag).toMatch(printed);
      // Both outputs are equal: the text alone rejects it, and the reason shows both texts.
      expect(c.variant, tag).toBe(c.baseline);
      expect(r.evidence.reasons.join(" "), tag).toMatch(/it prints .*, the baseline "tally \d+\\n"/);
    }
  });

  it("skips inputs outside the baseline's domain and still runs the gate's case count", async () => {
    const r = await testVariant({ file, event: "sum", tag: "wrapping" });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.evidence.verdict, r.evidence.reasons.join("; ")).toBe("passed_tests");
    const gate = r.evidence.tiers.find((t) => t.tier === "gate");
    expect(gate?.cases.random).toBe(10_000);
    // Far more than the 50 skips that used to stop the test.
    expect(gate?.outOfDomainCount).toBeGreaterThan(200);
    // The random phase drew more cases in place of the skipped ones.
    expect(gate?.attempts).toBeGreaterThan(10_000);
    expect(gate?.attempts).toBeLessThanOrEqual(10_000 + (gate?.outOfDomainCount ?? 0));
    expect(gate?.outOfDomain.length).toBeLessThanOrEqual(20);
    expect(gate?.outOfDomain[0]?.message).toMatch(/overflow/);
    expect(r.evidence.out_of_domain).toBeGreaterThan(200);
    expect(gate?.printed).toBe(true);
    const quiet = await testVariant({ file, event: "sum", tag: "quiet" });
    if (!quiet.ok) throw new Error(JSON.stringify(quiet.diagnostics));
    expect(quiet.evidence.verdict).toBe("rejected");
    expect(quiet.evidence.counterexamples[0].baselineText).toMatch(/^sum of \d+\n$/);
  });

  it("calls a test inconclusive when the baseline is defined on too few inputs", async () => {
    const r = await testVariant({ file, event: "narrow", tag: "shift" });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.evidence.verdict).toBe("inconclusive");
    expect(r.evidence.reasons.join(" ")).toMatch(/inconclusive: .*only \d+ of the smoke tier's random cases/);
    const smoke = r.evidence.tiers[0];
    expect(smoke.cases.random).toBeLessThan(100);
    expect(smoke.attempts).toBe(400);
    const cli = await korucAsync(["variants", "test", file, "narrow", "shift"]);
    expect(cli.status, cli.stderr).toBe(1);
    expect(cli.stderr).toMatch(/^inconclusive: /m);
    expect((await selectVariant({ file, event: "narrow", tag: "shift" })).ok).toBe(false);
  });

  it("runs procs taking an allocator with every allocation failing too: both must answer alike", async () => {
    const good = await testVariant({ file, event: "dup", tag: "dupe" });
    if (!good.ok) throw new Error(JSON.stringify(good.diagnostics));
    expect(good.evidence.verdict, good.evidence.reasons.join("; ")).toBe("passed_tests");
    expect(good.evidence.alloc_failure_cases).toBeGreaterThan(2_500);
    const panics = await testVariant({ file, event: "dup", tag: "panics_on_oom" });
    if (!panics.ok) throw new Error(JSON.stringify(panics.diagnostics));
    expect(panics.evidence.verdict).toBe("rejected");
    expect(panics.evidence.incidents[0]).toMatchObject({ kind: "panic", side: "variant" });
    expect(panics.evidence.incidents[0].message).toMatch(/OutOfMemory/);
    const noOom = await testVariant({ file, event: "dup", tag: "no_oom" });
    if (!noOom.ok) throw new Error(JSON.stringify(noOom.diagnostics));
    expect(noOom.evidence.verdict).toBe("rejected");
    expect(noOom.evidence.counterexamples[0].allocFails).toBe(true);
    expect(noOom.evidence.counterexamples[0].baseline).toMatch(/\.oom/);
    expect(noOom.evidence.reasons.join(" ")).toMatch(/with every allocation failing gives/);
  });

  it("keeps no proposal that does not compile, and removes variants without touching the baseline", async () => {
    const sidecar = join(dir, "app.variants.kz");
    const before = readFileSync(sidecar, "utf8");
    const bad = await proposeVariant({ file, event: "sum", tag: "typo", body: "return .{ .out = a +% c };" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.diagnostics.map((d) => d.code)).toContain("ZIG001");
    expect(readFileSync(sidecar, "utf8")).toBe(before);

    const sel = await selectVariant({ file, event: "tally", tag: "same_text", force: true });
    expect(sel.ok).toBe(true);
    const rm = await removeVariant({ file, event: "tally", tag: "other_text" });
    expect(rm.ok && rm.unselected).toBe(false);
    const rmSelected = await removeVariant({ file, event: "tally", tag: "same_text" });
    expect(rmSelected.ok && rmSelected.unselected).toBe(true);
    expect(existsSync(join(dir, "koru.variants.json"))).toBe(false);
    expect(existsSync(join(dir, ".koru", "evidence", "app_tally", "zig_same_text_.json"))).toBe(false);
    const text = readFileSync(sidecar, "utf8");
    expect(text).not.toMatch(/same_text|other_text|Says it differently/);
    expect(text).toMatch(/tally\|zig\(silent\)/);
    const listed = await listVariants({ file });
    if (!listed.ok) throw new Error("list failed");
    expect(listed.variants.map((v) => v.tag).sort()).toEqual([
      "zig(dupe)",
      "zig(no_oom)",
      "zig(panics_on_oom)",
      "zig(quiet)",
      "zig(shift)",
      "zig(silent)",
      "zig(wrapping)",
    ]);
    // From the command line too; an unknown tag is a usage error.
    expect((await korucAsync(["variants", "remove", file, "narrow", "shift"])).status).toBe(0);
    expect((await korucAsync(["variants", "remove", file, "narrow", "shift"])).status).toBe(2);
    expect(readFileSync(file).equals(baselineBytes)).toBe(true);
  });
});

/** The real koruc CLI, asynchronously (a worker blocked on a long build would stall vitest). */
async function korucAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await runProcess(process.execPath, [KORUC, ...args], { stdin: "ignore", timeoutMs: 600_000 });
  return { status: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}
