// Front-end speed: parse + check + emit (no Zig) of generated Koru programs of about 2k,
// 20k and 200k lines, through the compiler's API (`compileSource`). Prints lines/s per
// size and the 20k/2k and 200k/20k time ratios (linear scaling gives 10).
// Target: >= 100,000 lines/s at 20k.
// Usage: node dist/bench/frontend.js [rounds=5]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSource } from "../compiler/compile.js";
import { koruProgram } from "./koru-program-gen.js";
import { median } from "./timing.js";

const rounds = Number(process.argv[2] ?? 5);
const SIZES = [2_000, 20_000, 200_000];

/** The shared generated program, without trailing comments (as this benchmark always measured). */
const program = (lines: number) => koruProgram(lines, { comments: false });

const dir = mkdtempSync(join(tmpdir(), "koru-bench-frontend-"));
try {
  const file = join(dir, "generated.kz");
  const compile = (text: string): number => {
    const t = performance.now();
    const r = compileSource(text, file);
    const ms = performance.now() - t;
    if (!r.ok || !r.zig) {
      const d = r.diagnostics.find((x) => x.level === "error");
      throw new Error(
        `generated program does not compile: ${d ? `${d.code} ${d.message} at ${d.line}:${d.col}` : "no Zig"}`,
      );
    }
    return ms;
  };

  // Warm up the JIT before timing anything.
  const small = program(SIZES[0]);
  writeFileSync(file, small.text); // on disk too, as the entry file's folder is searched for koru.json
  for (let i = 0; i < 10; i++) compile(small.text);
  compile(program(SIZES[1]).text);

  console.log(`front end (parse + check + emit, no Zig), median of ${rounds} rounds`);
  const times: number[] = [];
  for (const size of SIZES) {
    const p = program(size);
    const ms = median(
      Array.from({ length: size >= 200_000 ? Math.max(1, Math.min(rounds, 3)) : rounds }, () => compile(p.text)),
    );
    times.push(ms);
    const rate = Math.round(p.lines / (ms / 1000));
    console.log(
      `  ${String(p.lines).padStart(7)} lines  ${ms.toFixed(1).padStart(8)} ms  ${rate.toLocaleString("en-US").padStart(10)} lines/s`,
    );
  }
  console.log(`time 20k/2k   = ${(times[1] / times[0]).toFixed(2)} (linear = 10)`);
  console.log(`time 200k/20k = ${(times[2] / times[1]).toFixed(2)} (linear = 10)`);
  const at20k = Math.round(program(SIZES[1]).lines / (times[1] / 1000));
  console.log(`at 20k: ${at20k.toLocaleString("en-US")} lines/s (target >= 100,000)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
