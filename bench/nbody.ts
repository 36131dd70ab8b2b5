// nbody in Koru vs the same algorithm hand-written in Zig (both ReleaseFast) and C (gcc -O3).
// Prints medians and the Koru/Zig and Koru/C ratios (target Koru/Zig <= 1.05).
// Usage: node dist/bench/nbody.js [steps=5000000] [rounds=5]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildExecutable } from "../compiler/build/zig-build.js";
import { compileFile } from "../compiler/compile.js";
import { packageRoot } from "../compiler/modules.js";
import { findZig } from "../compiler/toolchain/zig.js";
import { interleaved, timeCommand } from "./timing.js";

const steps = process.argv[2] ?? "5000000";
const rounds = Number(process.argv[3] ?? 5);
const root = packageRoot();
const work = mkdtempSync(join(tmpdir(), "koru-bench-nbody-"));
try {
  const zig = findZig();
  if ("error" in zig) throw new Error(zig.error);

  const koru = compileFile(join(root, "examples", "nbody", "nbody.kz"));
  if (!koru.ok || !koru.zig) throw new Error("nbody.kz does not compile");
  const built = await buildExecutable({ zig: koru.zig, optimize: "ReleaseFast", workspace: work, name: "nbody-koru" });
  if (!built.ok) throw new Error(built.diagnostics.map((d) => d.message).join("\n"));
  const zigExe = join(work, "nbody-zig");
  execFileSync(zig.path, [
    "build-exe",
    join(root, "bench", "nbody", "nbody.zig"),
    "-O",
    "ReleaseFast",
    `-femit-bin=${zigExe}`,
    "--cache-dir",
    join(work, "cache"),
  ]);
  const cExe = join(work, "nbody-c");
  execFileSync("gcc", ["-O3", "-o", cExe, join(root, "bench", "nbody", "nbody.c"), "-lm"]);

  // The programs print their energies on stderr; all three must agree before timing.
  const energies = (exe: string) => spawnSync(exe, ["1000"], { encoding: "utf8" }).stderr;
  const expected = energies(zigExe);
  for (const exe of [built.exePath, cExe]) {
    if (energies(exe) !== expected) throw new Error(`${exe} computes different energies:\n${energies(exe)}`);
  }

  console.log(`nbody ${steps} steps, ${rounds} interleaved rounds (medians)`);
  const ms = interleaved(
    {
      koru: () => timeCommand(built.exePath, [steps]),
      zig: () => timeCommand(zigExe, [steps]),
      c: () => timeCommand(cExe, [steps]),
    },
    rounds,
  );
  for (const [k, v] of Object.entries(ms)) console.log(`  ${k.padEnd(5)} ${v.toFixed(1)} ms`);
  console.log(`Koru/Zig = ${(ms.koru / ms.zig).toFixed(3)} (target <= 1.05)`);
  console.log(`Koru/C   = ${(ms.koru / ms.c).toFixed(3)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
