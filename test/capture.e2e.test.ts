// `koruc run --capture <event>`: real inputs recorded in the harness's case encoding and
// replayed by `koruc variants test`. The encoder and the reservoir are checked by `zig test`;
// the emitted program is byte-identical without --capture; a real blur run's inputs reach
// the harness exactly (a variant wrong only on the real image is caught in the replay phase).
import { copyFileSync, mkdtempSync, readdirSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runInstrumented } from "../ccp/operations/index.js";
import { parseCommand } from "../ccp/parse-command.js";
import { captureInsertion, capturePath, compileSource, findZig } from "../compiler/index.js";
import { runProcess } from "../compiler/toolchain/process.js";
import { readRecords } from "../variants/corpus.js";
import { generateHarness } from "../variants/harness/generate.js";
import { proposeVariant, recordedInputsPath, testVariant } from "../variants/index.js";
import { loadTarget } from "../variants/target.js";
import { koruc, ROOT } from "./helpers.js";
import { call, connect, text } from "./mcp/helpers.js";

const BLUR = join(ROOT, "examples", "blur");
const NBODY = join(ROOT, "examples", "nbody", "nbody.kz");

/** The first pixels of blur's test image (its load proc's generator): what only a real run holds. */
function imagePrefix(n: number): number[] {
  let s = 12345;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out.push((s >>> 16) & 255);
  }
  return out;
}

describe("capture runtime (zig test)", () => {
  it("encodes exactly what the harness decodes and samples uniformly within its caps", async () => {
    const zig = findZig();
    if ("error" in zig) throw new Error(zig.error);
    const cache = join(ROOT, ".koru", "zig-test-cache");
    const r = await runProcess(zig.path, ["test", "capture_test.zig", "--cache-dir", cache], {
      cwd: join(ROOT, "zig-runtime"),
      timeoutMs: 120_000,
    });
    expect(r.stderr).toMatch(/All 4 tests passed/);
    expect(r.exitCode).toBe(0);
  }, 150_000);
});

describe("capture pass", () => {
  it("leaves the generated Zig byte-identical when off and only adds its own lines when on", () => {
    const file = join(BLUR, "blur.kz");
    const plain = compileSource(undefined, file, {});
    const again = compileSource(undefined, file, { insert: [] });
    const captured = compileSource(undefined, file, { insert: [captureInsertion({ event: "blur" })] });
    expect(plain.ok && captured.ok).toBe(true);
    expect(plain.zig).toBe(again.zig);
    expect(plain.zig).not.toContain("__koru_capture");
    const lines = captured.zig!.split("\n");
    expect(lines.filter((l) => l.includes("__koru_capture")).length).toBe(3);
    expect(lines.filter((l) => !l.includes("__koru_capture")).join("\n")).toBe(plain.zig);
    expect(captured.runtimeFiles).toEqual(expect.arrayContaining(["koru_capture.zig", "variant_harness.zig"]));
  });

  it("captures the module state the harness makes part of a case (nbody's bodies)", () => {
    const target = loadTarget(NBODY, "advance");
    if (!target.ok) throw new Error(JSON.stringify(target.diagnostics));
    const harnessState = generateHarness(target, { kind: "exact" }).state;
    expect(harnessState).toEqual(["bodies"]);
    const c = compileSource(undefined, NBODY, { insert: [captureInsertion({ event: "advance" })] });
    expect(c.zig).toContain(
      `__koru_capture.record(.{ __koru_event_input, ${harnessState.map((v) => `main_module.${v}`).join(", ")} })`,
    );
  });

  it("names the capture file where the harness reads recorded inputs", () => {
    expect(capturePath("/w", "blur:blur")).toBe(recordedInputsPath("/w", "blur:blur"));
    expect(capturePath("/w", "a.b:c d")).toBe(recordedInputsPath("/w", "a.b:c d"));
  });

  it("refuses an unknown event as a diagnostic", () => {
    const c = compileSource(undefined, join(BLUR, "blur.kz"), { insert: [captureInsertion({ event: "nope" })] });
    expect(c.ok).toBe(false);
    expect(c.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n")).toMatch(/KORU040 --capture: no event 'nope'/);
  });
});

describe("koruc run --capture blur, then koruc variants test", () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "koru-capture-"));
    for (const f of ["blur.kz", "blur.variants.kz"]) copyFileSync(join(BLUR, f), join(dir, f));
    file = join(dir, "blur.kz");
    // Wrong only on the real image's first pixels at its recorded length: no generated case has them.
    const [a, b, c] = imagePrefix(3);
    const body = [
      `if (px.len == 65536 and px[0] == ${a} and px[1] == ${b} and px[2] == ${c}) return .{ .again = left };`,
      "if (left == 0) return .{ .done = .{} };",
      "if (px.len == 0) return .{ .again = left - 1 };",
      "var prev: u16 = px[0];",
      "for (px, 0..) |*p, i| {",
      "    const cur: u16 = p.*;",
      "    const next: u16 = if (i + 1 < px.len) px[i + 1] else cur;",
      "    p.* = @intCast((prev + cur + next) / 3);",
      "    prev = cur;",
      "}",
      "return .{ .again = left - 1 };",
    ].join("\n");
    const proposed = await proposeVariant({ file, event: "blur", tag: "real_image", body });
    expect(proposed.ok, JSON.stringify(proposed)).toBe(true);
  }, 60_000);

  it("records the run's inputs, and the harness replays them", async () => {
    const plain = await koruc(["run", file, "3"], { cwd: dir });
    const run = await koruc(["run", "--capture", "blur", file, "3"], { cwd: dir });
    expect(run.status, run.stderr).toBe(0);
    // Same program output: capturing does not change what the program does.
    expect(run.stdout).toBe(plain.stdout);
    const captures = join(dir, ".koru", "captures", "blur_blur.bin");
    expect(run.stderr).toContain(captures);
    // Passes 3, 2, 1 and the final 0: four calls, all kept; blur's row is cut at the harness's 64 Ki.
    // A record: length choice and escape, u32 length, 64 Ki pixels (choice + byte each), `left`.
    const records = readRecords(captures);
    expect(records.length).toBe(4);
    for (const r of records) expect(r.length).toBe(2 + 4 + 65536 * 2 + 5);
    // Written by rename: no temporary file is left beside it.
    expect(readdirSync(join(dir, ".koru", "captures"))).toEqual(["blur_blur.bin"]);

    const good = await testVariant({ file, event: "blur", tag: "zig(simd16)" });
    if (!good.ok) throw new Error(JSON.stringify(good.diagnostics));
    expect(good.evidence.recorded_inputs).toBe(4);
    expect(good.evidence.verdict).toBe("passed_tests");

    const bad = await testVariant({ file, event: "blur", tag: "zig(real_image)" });
    if (!bad.ok) throw new Error(JSON.stringify(bad.diagnostics));
    expect(bad.evidence.verdict).toBe("rejected");
    expect(bad.evidence.recorded_inputs).toBe(4);
    expect(bad.evidence.counterexamples[0]?.phase).toBe("replay");
  }, 240_000);

  it("captures through the operations' instrumented run (CCP `run`/`analyze`, MCP) too", async () => {
    const ws = realpathSync(dir);
    const out = await runInstrumented(
      { entry: join(ws, "blur.kz"), args: ["5"], optimize: "Debug", capture: { event: "blur:blur", max: 3 } },
      { root: ws },
    );
    expect(out.run?.exitCode).toBe(0);
    expect(out.capture).toEqual({ event: "blur:blur", file: capturePath(ws, "blur:blur"), records: 3 });
    // Six calls (5..0), three kept: the CCP recorder and the capture share the build.
    expect(readRecords(out.capture!.file).length).toBe(3);
    const cmd = parseCommand(JSON.stringify({ cmd: "analyze", entry: "blur.kz", capture: { event: "blur", max: 10 } }));
    expect(cmd.ok && cmd.command.cmd === "analyze" && cmd.command.capture).toEqual({ event: "blur", max: 10 });
  }, 120_000);

  it("captures through MCP's run tool (a real client)", async () => {
    const s = await connect(realpathSync(dir), { args: ["--no-watch"] });
    try {
      const r = await call(s, "run", {
        entry: "blur.kz",
        args: ["2"],
        optimize: "Debug",
        capture: { event: "blur", max: 2 },
      });
      expect(r.isError ?? false, text(r)).toBe(false);
      expect(r.structuredContent?.["capture"]).toEqual({
        event: "blur:blur",
        file: join(".koru", "captures", "blur_blur.bin"),
        records: 2,
      });
      const bad = await call(s, "run", { entry: "blur.kz", instrumented: false, capture: { event: "blur" } });
      expect(bad.isError).toBe(true);
    } finally {
      await s.close();
    }
  }, 120_000);

  it("reports a usage error for --capture outside run/emit, and captures with --ccp", async () => {
    const r = await koruc(["build", "--capture", "blur", file], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--capture <event> goes with 'run'/);
    const ccp = await koruc(["run", "--ccp", "-O", "Debug", "--capture", "blur", file, "2"], { cwd: dir });
    expect(ccp.status, ccp.stderr).toBe(0);
    // Protocol only on stdout; the capture file holds the three calls (2, 1, 0).
    for (const line of ccp.stdout.trim().split("\n")) expect(JSON.parse(line)).toHaveProperty("type");
    expect(readRecords(join(dir, ".koru", "captures", "blur_blur.bin")).length).toBe(3);
  });
});
