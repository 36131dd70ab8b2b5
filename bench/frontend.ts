// Front-end speed: parse + check + emit (no Zig) of generated Koru programs of about 2k,
// 20k and 200k lines, through the compiler's API (`compileSource`). Prints lines/s per
// size and the 20k/2k and 200k/20k time ratios (linear scaling gives 10).
// Target: >= 100,000 lines/s at 20k.
// Usage: node dist/bench/frontend.js [rounds=5]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSource } from "../compiler/compile.js";
import { median } from "./timing.js";

const rounds = Number(process.argv[2] ?? 5);
const SIZES = [2_000, 20_000, 200_000];

/** One self-contained block of ~40 lines: events, procs, an implementation, a label loop. */
function unit(i: number): string {
  return `// ---- unit ${i}
~event step_${i} { value: i32, limit: i32 }
| next i32
| done i32

~proc step_${i} {
    if (value >= limit) return .{ .done = value };
    return .{ .next = value + 1 };
}

~event check_${i} { value: i32 }
| small i32
| large { value: i32, excess: i32 }

~proc check_${i} {
    if (value < 2) return .{ .small = value };
    return .{ .large = .{ .value = value, .excess = value - 2 } };
}

~event scale_${i} { value: i32, factor: i32 }
| scaled i32

~scale_${i} = scaled value * factor

~event report_${i} { total: i32 }

~proc report_${i} {
    _ = total;
}

~#loop_${i} step_${i}(value: 0, limit: 3)
| next n |> check_${i}(value: n)
    | small s |> @loop_${i}(value: s, limit: 3)
    | large l |> scale_${i}(value: l.excess, factor: ${i % 7})
        | scaled x |> report_${i}(total: x + l.value) |> @loop_${i}(value: l.value, limit: 3)
| done d |> std.io:print.ln("unit ${i} done at {{ d:d }}")

`;
}

function program(lines: number): { text: string; lines: number } {
  const parts = ['~import "$std/io"\n\n'];
  let count = 2;
  for (let i = 0; count < lines; i++) {
    const u = unit(i);
    parts.push(u);
    count += u.split("\n").length - 1;
  }
  return { text: parts.join(""), lines: count };
}

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
