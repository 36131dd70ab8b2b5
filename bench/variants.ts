// Variant harness benchmarks (issue 9):
// 1. Throughput on a small integer proc: harness cases/s (three fresh builds of the case, the
//    baseline, the variant twice, structural comparison, the printed-text check) printed beside
//    the cost of calling the baseline alone on pre-built inputs, measured by the same binary in
//    the same run. Also the cost of an input outside the baseline's domain (a panic: the
//    supervised child dies and a new one goes on), on a baseline that overflows.
// 2. A full gate (10,000 random cases + 64 edge cases) of examples/blur: time beyond compile,
//    with the harness build times (Debug vs ReleaseSafe, cold cache) reported separately, then
//    the same test again with both builds cached.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildExecutable, packageRoot } from "../compiler/index.js";
import { declaredPolicy } from "../variants/harness/float-policy.js";
import { generateHarness, HARNESS_RUNTIME } from "../variants/harness/generate.js";
import { testVariant } from "../variants/index.js";
import { loadTarget } from "../variants/target.js";

const MIX = `~import "$std/io"

~event mix { a: u32, b: u32 }
| out u32

~proc mix {
    return .{ .out = (a ^ b) +% (a >> 3) };
}

~mix(a: 1, b: 2)
| out o |> std.io:print.ln("{{ o:d }}")
`;
const MIX_VARIANT = "~proc mix|zig(same) {\n    return .{ .out = (b ^ a) +% (a >> 3) };\n}\n";
// The same proc without wrapping: it panics (overflow) on part of the inputs.
const SUM = MIX.replaceAll("mix", "sum").replace("(a ^ b) +% (a >> 3)", "a + b");
const SUM_VARIANT = "~proc sum|zig(same) {\n    return .{ .out = b + a };\n}\n";

// biome-ignore lint/suspicious/noExplicitAny: harness lines are read field by field
function json(stdout: string, t: string): Record<string, any> {
  const line = stdout.split("\n").find((l) => l.includes(`"t":"${t}"`));
  if (!line) throw new Error(`no ${t} line in: ${stdout.slice(0, 400)}`);
  return JSON.parse(line);
}

async function harnessFor(
  file: string,
  event: string,
  optimize: "Debug" | "ReleaseSafe" | "ReleaseFast",
  /** Keep Zig's segfault handler (as harness builds did before): the compile-time baseline. */
  segfaultHandler = false,
): Promise<{ exe: string; ms: number }> {
  const target = loadTarget(file, event);
  if (!target.ok) throw new Error(JSON.stringify(target.diagnostics));
  const gen = generateHarness(target, declaredPolicy(target.baseline).policy);
  if (!gen.compiled.zig) throw new Error(JSON.stringify(gen.compiled.diagnostics));
  // A fresh workspace per build: a cold Zig cache, as on a first test of a new variant.
  const ws = mkdtempSync(join(tmpdir(), "koru-vbench-"));
  const zig = segfaultHandler
    ? gen.compiled.zig.replace(/\npub const std_options[^\n]*enable_segfault_handler = false[^\n]*\n/, "\n")
    : gen.compiled.zig;
  if (segfaultHandler && zig === gen.compiled.zig) throw new Error("no std_options line to take out");
  const t0 = performance.now();
  const built = await buildExecutable({
    zig,
    runtimeFiles: [HARNESS_RUNTIME],
    optimize,
    workspace: ws,
    name: "harness",
  });
  if (!built.ok) throw new Error(JSON.stringify(built.diagnostics));
  return { exe: built.exePath, ms: performance.now() - t0 };
}

async function throughput(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "koru-vbench-mix-"));
  writeFileSync(join(dir, "mix.kz"), MIX);
  writeFileSync(join(dir, "mix.variants.kz"), MIX_VARIANT);
  const { exe, ms } = await harnessFor(join(dir, "mix.kz"), "mix", "ReleaseSafe");
  const cases = 2_000_000;
  const run = spawnSync(exe, ["--mode", "test", "--cases", String(cases), "--seed", "9"], { encoding: "utf8" });
  const done = json(run.stdout, "done");
  const calls = json(
    spawnSync(exe, ["--mode", "calls", "--cases", String(cases), "--seed", "9"], { encoding: "utf8" }).stdout,
    "calls",
  );
  const perCase = done.ns / (cases + 64);
  const perCall = calls.ns / calls.calls;
  console.log(`harness throughput (mix: u32 x u32 -> u32, ReleaseSafe, build ${(ms / 1000).toFixed(1)} s):`);
  console.log(
    `  ${((cases + 64) / (done.ns / 1e9) / 1e6).toFixed(2)} M cases/s (${perCase.toFixed(1)} ns per case; target >= 1 M cases/s)`,
  );
  console.log(
    `  baseline alone: ${perCall.toFixed(2)} ns per call; harness overhead ${(perCase - perCall).toFixed(1)} ns per case, ratio ${(perCase / perCall).toFixed(1)}x`,
  );
  writeFileSync(join(dir, "sum.kz"), SUM);
  writeFileSync(join(dir, "sum.variants.kz"), SUM_VARIANT);
  const sum = await harnessFor(join(dir, "sum.kz"), "sum", "ReleaseSafe");
  const sumCases = 10_000;
  const s = json(
    spawnSync(sum.exe, ["--mode", "test", "--cases", String(sumCases), "--seed", "9"], { encoding: "utf8" }).stdout,
    "done",
  );
  const inDomain = sumCases + s.done[1];
  const perSkip = (s.ns - inDomain * perCase) / s.out_of_domain;
  console.log(
    `  inputs outside the baseline's domain (sum: a + b overflows): ${s.out_of_domain} skipped (${s.attempts} random cases drawn for ${sumCases} in its domain), ${(perSkip / 1e3).toFixed(0)} us each (a new supervised child); the tier took ${(s.ns / 1e9).toFixed(2)} s`,
  );
}

async function gate(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "koru-vbench-blur-"));
  for (const f of ["blur.kz", "blur.variants.kz"])
    copyFileSync(join(packageRoot(), "examples", "blur", f), join(dir, f));
  const file = join(dir, "blur.kz");
  const debug = await harnessFor(file, "blur", "Debug");
  const safe = await harnessFor(file, "blur", "ReleaseSafe");
  const withHandler = await harnessFor(file, "blur", "ReleaseSafe", true);
  console.log(
    `harness build of blur (cold cache): Debug ${(debug.ms / 1000).toFixed(1)} s, ReleaseSafe ${(safe.ms / 1000).toFixed(1)} s`,
  );
  console.log(
    `  ReleaseSafe with Zig's segfault handler (as before): ${(withHandler.ms / 1000).toFixed(1)} s; without it ${(safe.ms / withHandler.ms).toFixed(2)}x the time`,
  );
  const t0 = performance.now();
  const r = await testVariant({ file, event: "blur", tag: "simd16" });
  const total = performance.now() - t0;
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  const g = r.evidence.tiers.find((t) => t.tier === "gate");
  if (!g) throw new Error("no gate tier");
  console.log(
    `full gate of blur|zig(simd16): ${g.total} cases in ${(g.durationMs / 1000).toFixed(2)} s beyond compile (harness alone ${(g.harnessNs / 1e9).toFixed(2)} s; target < 1 s)`,
  );
  const builds = r.evidence.harness.builds.map(
    (b) => `${b.tier} ${b.optimize} ${(b.ms / 1000).toFixed(1)} s${b.cached ? " (cached)" : ""}`,
  );
  console.log(`  whole 'variants test' ${(total / 1000).toFixed(1)} s; harness builds: ${builds.join(", ")}`);
  console.log(`  verdict ${r.evidence.verdict}`);
  // Again, neither proc changed: both harness builds come from the cache.
  const t1 = performance.now();
  const again = await testVariant({ file, event: "blur", tag: "simd16" });
  const total2 = performance.now() - t1;
  if (!again.ok) throw new Error(JSON.stringify(again.diagnostics));
  const g2 = again.evidence.tiers.find((t) => t.tier === "gate");
  console.log(
    `  again (cached builds: ${again.evidence.harness.builds.every((b) => b.cached)}): whole 'variants test' ${(total2 / 1000).toFixed(2)} s, gate ${((g2?.durationMs ?? 0) / 1000).toFixed(2)} s`,
  );
}

await throughput();
await gate();
