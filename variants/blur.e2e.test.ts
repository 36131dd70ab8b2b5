// End to end on examples/blur: every proposal lands in the sidecar (even written at once), each
// bad variant is rejected for its own reason, the good one passes, is faster and is selected,
// and the rebuilt program prints the same output, faster; removing them all leaves the program as
// it was. The baseline's bytes never change.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runProcess } from "../compiler/index.js";
import { KORUC, ROOT } from "../test/helpers.js";
import {
  listVariants,
  proposeVariant,
  readEvidence,
  removeVariant,
  revertVariant,
  reviewVariant,
  selectVariant,
  testVariant,
} from "./index.js";

const EXAMPLE = join(ROOT, "examples", "blur");
const BAD = ["edge_bug", "overflow", "constant", "pointer_cache", "clock", "slower"];

let dir: string;
let file: string;
let baselineBytes: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "koru-blur-"));
  for (const f of ["blur.kz", "blur.variants.kz"]) copyFileSync(join(EXAMPLE, f), join(dir, f));
  file = join(dir, "blur.kz");
  baselineBytes = readFileSync(file);
  // Six tools proposing at once: the sidecar's lock keeps every one of them.
  const results = await Promise.all(
    BAD.map((tag) =>
      proposeVariant({
        file,
        event: "blur",
        tag,
        body: readFileSync(join(EXAMPLE, "proposals", `${tag}.zig`), "utf8"),
      }),
    ),
  );
  for (const r of results) expect(r.ok, JSON.stringify(r)).toBe(true);
});

describe("blur variants", () => {
  it("keeps every concurrently proposed variant, in the sidecar only", async () => {
    const listed = await listVariants({ file, event: "blur" });
    if (!listed.ok) throw new Error(JSON.stringify(listed.diagnostics));
    expect(listed.variants.map((v) => v.tag).sort()).toEqual([...BAD, "simd16"].map((t) => `zig(${t})`).sort());
    for (const v of listed.variants) expect(v.file).toBe(join(dir, "blur.variants.kz"));
    expect(readFileSync(file).equals(baselineBytes)).toBe(true);
  });

  it("rejects the variants that compute something else, with a shrunk counterexample", async () => {
    for (const tag of ["edge_bug", "overflow", "constant"]) {
      const r = await testVariant({ file, event: "blur", tag });
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      expect(r.evidence.verdict, tag).toBe("rejected");
      expect(r.evidence.reasons.join(" "), tag).toMatch(/differs from the baseline/);
      expect(r.evidence.counterexamples.length, tag).toBeGreaterThan(0);
      expect(r.evidence.scan, tag).toEqual([]);
    }
    // The counterexamples became regression cases, replayed first next time.
    expect(existsSync(join(dir, ".koru", "variants", "blur_blur", "regressions.bin"))).toBe(true);
  });

  it("rejects the pointer-keyed cache and the clock reader by what they do", async () => {
    const cache = await testVariant({ file, event: "blur", tag: "pointer_cache" });
    const clock = await testVariant({ file, event: "blur", tag: "clock" });
    if (!cache.ok || !clock.ok) throw new Error("test failed to run");
    expect(cache.evidence.verdict).toBe("rejected");
    expect(cache.evidence.scan.map((f) => f.rule)).toContain("static_state");
    expect(clock.evidence.verdict).toBe("rejected");
    expect(clock.evidence.scan.map((f) => f.rule)).toContain("clock");
  });

  it("exits 1 with the reason on stderr from the command line", async () => {
    const r = await korucAsync(["variants", "test", file, "blur", "overflow"]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/rejected: .*differs from the baseline/);
  });

  it("accepts the good variant (exact on every case, faster) and rejects the slower one", async () => {
    const good = await testVariant({ file, event: "blur", tag: "simd16", bench: true });
    if (!good.ok) throw new Error(JSON.stringify(good.diagnostics));
    expect(good.evidence.verdict, good.evidence.reasons.join("; ")).toBe("accepted");
    const gate = good.evidence.tiers.find((t) => t.tier === "gate");
    expect(gate?.cases.random).toBeGreaterThanOrEqual(10_000);
    expect(gate?.cases.edge).toBeGreaterThan(0);
    expect(good.evidence.bench?.ciHigh).toBeLessThan(0.98);
    const slow = await testVariant({ file, event: "blur", tag: "slower", bench: true });
    if (!slow.ok) throw new Error(JSON.stringify(slow.diagnostics));
    expect(slow.evidence.verdict).toBe("rejected");
    expect(slow.evidence.reasons.join(" ")).toMatch(/not faster/);
    const review = await reviewVariant({ file, event: "blur", tag: "simd16" });
    expect(review.ok && review.markdown).toMatch(/ACCEPTED[\s\S]*Baseline[\s\S]*Variant/);
  });

  it("selects only passing evidence; the rebuilt program prints the same, faster; revert restores", async () => {
    const refused = await selectVariant({ file, event: "blur", tag: "overflow" });
    expect(refused.ok).toBe(false);
    const base = await build("base");
    const sel = await selectVariant({ file, event: "blur", tag: "simd16" });
    expect(sel.ok).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "koru.variants.json"), "utf8")).selected).toEqual({
      "blur:blur": "zig(simd16)",
    });
    const selected = await build("selected");
    const [before, after] = timeInterleaved(base, selected);
    expect(after.output).toBe(before.output);
    expect(after.ms).toBeLessThan(before.ms);
    const rev = await revertVariant({ file, event: "blur" });
    expect(rev.ok && rev.previous).toBe("zig(simd16)");
    expect(readEvidence(dir, "blur:blur", "zig(simd16)")?.verdict).toBe("accepted");
    expect(readFileSync(file).equals(baselineBytes)).toBe(true);
  });

  it("removes variants (the selected one is unselected first); the baseline's bytes never change", async () => {
    expect((await selectVariant({ file, event: "blur", tag: "simd16" })).ok).toBe(true);
    const removed = await Promise.all(["simd16", ...BAD].map((tag) => removeVariant({ file, event: "blur", tag })));
    for (const r of removed) expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(removed.filter((r) => r.ok && r.unselected).length).toBe(1);
    expect(existsSync(join(dir, "koru.variants.json"))).toBe(false);
    // Nothing but comments was left, so the sidecar went too; the program builds as before.
    expect(existsSync(join(dir, "blur.variants.kz"))).toBe(false);
    expect((await korucAsync(["build", file, "-o", join(dir, "again")])).status).toBe(0);
    expect(readFileSync(file).equals(baselineBytes)).toBe(true);
  });
});

/** Build ReleaseFast. */
async function build(name: string): Promise<string> {
  const exe = join(dir, name);
  const b = await korucAsync(["build", file, "-O", "ReleaseFast", "-o", exe]);
  expect(b.status, b.stderr).toBe(0);
  return exe;
}

/** Runs of 1,500 passes, the two programs alternating (load drifts alike for both); the fastest of five each. */
function timeInterleaved(...exes: string[]): { output: string; ms: number }[] {
  const out = exes.map(() => ({ output: "", ms: Number.POSITIVE_INFINITY }));
  for (let i = 0; i < 5; i++) {
    exes.forEach((exe, k) => {
      const t0 = performance.now();
      const r = spawnSync(exe, ["1500"], { encoding: "utf8" });
      out[k].ms = Math.min(out[k].ms, performance.now() - t0);
      expect(r.status).toBe(0);
      out[k].output = r.stdout;
    });
  }
  return out;
}

/** The real koruc CLI, asynchronously (a worker blocked on a long build would stall vitest). */
async function korucAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await runProcess(process.execPath, [KORUC, ...args], { stdin: "ignore", timeoutMs: 600_000 });
  return { status: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}
