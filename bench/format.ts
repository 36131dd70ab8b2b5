// Formatter speed: `formatSource` (parse + print + comment placement) and `printModule` alone
// on a generated ~20,000-line Koru file, against parsing the same text, measured interleaved
// in one run. Target: >= 200,000 lines/s for the formatter.
// Usage: node dist/bench/format.js [rounds=7] [lines=20000]
import { pathToFileURL } from "node:url";
import { parseModule } from "../compiler/parse.js";
import { formatSource, printModule } from "../passes/print/index.js";
import { interleaved } from "./timing.js";

/** One ~40-line block: comments, events, procs, an implementation, a label loop, nesting. */
function unit(i: number): string {
  return `// ---- unit ${i}
~event step_${i} { value: i32, limit: i32 }
| next i32 // keep going
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

~#loop_${i} step_${i}(value: 0, limit: 3) // the loop
| next n |> check_${i}(value: n)
    | small s |> @loop_${i}(value: s, limit: 3)
    | large l |> scale_${i}(value: l.excess, factor: ${i % 7})
        | scaled x |> report_${i}(total: x + l.value) |> @loop_${i}(value: l.value, limit: 3)
| done d |> std.io:print.ln("unit ${i} done at {{ d:d }}")

`;
}

/** A generated Koru file of about `lines` lines (also used by the pass sandbox benchmark). */
export function koruProgram(lines: number): { text: string; lines: number } {
  const parts = ['~import "$std/io"\n\n'];
  let count = 2;
  for (let i = 0; count < lines; i++) {
    const u = unit(i);
    parts.push(u);
    count += u.split("\n").length - 1;
  }
  return { text: parts.join(""), lines: count };
}

function main(): void {
  const rounds = Number(process.argv[2] ?? 7);
  const { text, lines } = koruProgram(Number(process.argv[3] ?? 20_000));
  const module = parseModule(text, "bench.kz", "input").module;
  const formatted = formatSource(text, "bench.kz");
  if (formatted.text === undefined) throw new Error("benchmark program does not parse");
  const time = (f: () => unknown) => () => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };
  // Warm up the JIT on every path before measuring.
  for (let i = 0; i < 8; i++) printModule(parseModule(formatted.text, "bench.kz", "input").module);
  const ms = interleaved(
    {
      parse: time(() => parseModule(text, "bench.kz", "input")),
      print: time(() => printModule(module)),
      format: time(() => formatSource(text, "bench.kz")),
    },
    rounds,
  );
  const rate = (m: number) => Math.round(lines / (m / 1000)).toLocaleString("en-US");
  console.log(`format benchmark: ${lines.toLocaleString("en-US")} lines, median of ${rounds} rounds`);
  const row = (name: string, m: number, note: string) =>
    console.log(`  ${name.padEnd(14)} ${m.toFixed(1).padStart(8)} ms  ${rate(m).padStart(11)} lines/s  ${note}`);
  row("parse", ms.parse, "(baseline)");
  row("print only", ms.print, `${(ms.print / ms.parse).toFixed(2)}x parse time`);
  row("format (fmt)", ms.format, `${(ms.format / ms.parse).toFixed(2)}x parse time`);
  const ok = lines / (ms.format / 1000) >= 200_000;
  console.log(`  target >= 200,000 lines/s for format: ${ok ? "met" : "NOT met"}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
