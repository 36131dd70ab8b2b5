// Formatter speed on a generated ~20,000-line Koru file (bench/koru-program-gen.ts), measured
// interleaved in one run against parsing the same text (the baseline):
//   - the printer alone (`printModule` on a parsed module),
//   - comment placement plus printing (`printWithComments`), the formatter's work after parsing,
//   - `koruc fmt` as a whole (`formatSource`: parse + print + comments).
// Target: >= 200,000 lines/s for `koruc fmt` as a whole.
// Usage: node dist/bench/format.js [rounds=9] [lines=20000]
import { loadavg } from "node:os";
import { parseModule } from "../compiler/parse.js";
import { formatSource, printModule, printWithComments } from "../passes/print/index.js";
import { koruProgram } from "./koru-program-gen.js";
import { interleaved } from "./timing.js";

const rounds = Number(process.argv[2] ?? 9);
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
for (let i = 0; i < 8; i++) formatSource(text, "bench.kz");
const ms = interleaved(
  {
    parse: time(() => parseModule(text, "bench.kz", "input")),
    print: time(() => printModule(module)),
    comments: time(() => printWithComments(module, text)),
    format: time(() => formatSource(text, "bench.kz")),
  },
  rounds,
);
const rate = (m: number) => Math.round(lines / (m / 1000)).toLocaleString("en-US");
console.log(`format benchmark: ${lines.toLocaleString("en-US")} lines, median of ${rounds} rounds`);
const row = (name: string, m: number, note: string) =>
  console.log(`  ${name.padEnd(26)} ${m.toFixed(1).padStart(8)} ms  ${rate(m).padStart(11)} lines/s  ${note}`);
row("parse (baseline)", ms.parse, "");
row("printer alone", ms.print, `${(ms.print / ms.parse).toFixed(2)}x parse time`);
row("print with comments", ms.comments, `${(ms.comments / ms.parse).toFixed(2)}x parse time`);
row("koruc fmt (parse + print)", ms.format, `${(ms.format / ms.parse).toFixed(2)}x parse time`);
const ok = lines / (ms.format / 1000) >= 200_000;
console.log(`  target >= 200,000 lines/s for koruc fmt: ${ok ? "met" : "NOT met"} (${rate(ms.format)} lines/s)`);
console.log(
  `  load average: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
