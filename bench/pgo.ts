// Profile-guided builds against plain ones (both ReleaseFast), measured side by side: for each
// program an instrumented run records edge counts, the program is built without and with the
// `pgo` pass, both must print the same, then they run interleaved and the medians' ratio is
// printed, with the ratio of the plain binary against itself (A/A) as the noise of this run.
// Usage: node dist/bench/pgo.js [rounds=5]
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildExecutable } from "../compiler/build/zig-build.js";
import { compileFile } from "../compiler/compile.js";
import { packageRoot } from "../compiler/modules.js";
import type { PassInsertion } from "../compiler/pipeline.js";
import { pgoInsertion } from "../passes/pgo/index.js";
import { interleaved, timeCommand } from "./timing.js";

const rounds = Number(process.argv[2] ?? 5);
const root = packageRoot();
const koruc = join(root, "dist", "cli", "koruc.js");

interface Program {
  name: string;
  source: string;
  /** Arguments of the recorded (short) run and of the timed runs. */
  profileArgs: string[];
  args: string[];
}

const programs: Program[] = [
  { name: "nbody", source: join(root, "examples", "nbody", "nbody.kz"), profileArgs: ["20000"], args: ["10000000"] },
  { name: "blur", source: join(root, "examples", "blur", "blur.kz"), profileArgs: ["20"], args: ["8000"] },
  { name: "branchy", source: join(root, "bench", "pgo", "branchy.kz"), profileArgs: ["200000"], args: ["300000000"] },
];

/** An instrumented run (exact counts) of `file`; its run id. */
function record(file: string, cwd: string, args: string[]): string {
  const r = spawnSync(process.execPath, [koruc, "run", "--ccp", file, "--", ...args], { cwd, encoding: "utf8" });
  const done = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { type: string; run_id?: string; exit_code?: number })
    .find((m) => m.type === "run_done");
  if (!done?.run_id || done.exit_code !== 0) throw new Error(`instrumented run of ${file} failed:\n${r.stderr}`);
  return done.run_id;
}

/** The binary, and how many `@branchHint`s its Zig holds. */
async function build(file: string, work: string, name: string, insert: PassInsertion[]) {
  const c = compileFile(file, { insert });
  if (!c.ok || !c.zig) throw new Error(`${file} does not compile: ${c.diagnostics.map((d) => d.message).join("\n")}`);
  const b = await buildExecutable({
    zig: c.zig,
    runtimeFiles: c.runtimeFiles ?? [],
    optimize: "ReleaseFast",
    workspace: work,
    name,
  });
  if (!b.ok) throw new Error(b.diagnostics.map((d) => d.message).join("\n"));
  return { exe: b.exePath, hints: c.zig.split("@branchHint(").length - 1 };
}

function output(exe: string, args: string[]): string {
  const r = spawnSync(exe, args, { encoding: "utf8" });
  return `${r.status}\n${r.stdout}\n${r.stderr}`;
}

console.log(`PGO: plain vs --pgo builds (ReleaseFast), ${rounds} interleaved rounds, medians`);
const ratios: string[] = [];
for (const p of programs) {
  const work = mkdtempSync(join(tmpdir(), `koru-bench-pgo-${p.name}-`));
  try {
    const file = join(work, `${p.name}.kz`);
    copyFileSync(p.source, file);
    const runId = record(file, work, p.profileArgs);
    const { exe: plain } = await build(file, work, `${p.name}-plain`, []);
    const { exe: pgo, hints } = await build(file, work, `${p.name}-pgo`, [pgoInsertion(runId, work)]);
    // The same program output first: a layout change must never change behavior.
    const small = p.profileArgs;
    if (output(plain, small) !== output(pgo, small)) throw new Error(`${p.name}: the pgo build prints something else`);
    const ms = interleaved(
      {
        plain: () => timeCommand(plain, p.args),
        pgo: () => timeCommand(pgo, p.args),
        again: () => timeCommand(plain, p.args),
      },
      rounds,
    );
    const ratio = ms.pgo / ms.plain;
    const noise = ms.again / ms.plain;
    console.log(
      `  ${p.name.padEnd(8)} plain ${ms.plain.toFixed(1).padStart(8)} ms   pgo ${ms.pgo.toFixed(1).padStart(8)} ms ` +
        `(${hints} hints)   pgo/plain = ${ratio.toFixed(3)}   plain/plain (A/A noise) = ${noise.toFixed(3)}`,
    );
    ratios.push(`${p.name} ${ratio.toFixed(3)} (noise ${noise.toFixed(3)})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
console.log(`pgo/plain (below 1 is faster): ${ratios.join(", ")}`);
