// The interpreter's Zig unit tests and its fuzz test (100,000 random and mutated flows run
// under std.testing.allocator: a crash, a leak or a hang fails the run).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runProcess } from "../../compiler/toolchain/process.js";
import { findZig } from "../../compiler/toolchain/zig.js";
import { ROOT } from "../helpers.js";

describe("zig-runtime/runtime (zig test)", () => {
  it("parser, interpreter, JSON, shims and limits pass; the fuzz test finds no crash, leak or hang", async () => {
    const zig = findZig();
    if ("error" in zig) throw new Error(zig.error);
    const dir = join(ROOT, "zig-runtime", "runtime");
    const cache = join(ROOT, ".koru", "zig-test-cache");
    const r = await runProcess(zig.path, ["test", "tests.zig", "--cache-dir", cache], { cwd: dir, timeoutMs: 240_000 });
    expect(r.timedOut).toBe(false);
    expect(r.stderr).toMatch(/All \d+ tests passed/);
    expect(r.stderr).toContain("fuzz: 100,000 random and mutated flows never crash, leak or hang...OK");
    expect(r.exitCode).toBe(0);
  }, 300_000);
});
