// Agent-written pass overhead on a generated 2,000-line program (bench/koru-program-gen.ts),
// measured interleaved in one run against parsing the same program (the baseline):
//   - a no-op pass (`export default (p) => p`): program to JSON, a fresh QuickJS runtime and
//     context, JSON.parse inside, the program written in QuickJS's binary format before and
//     after the pass; the same bytes keep the program;
//   - a pass that changes the program (renames one event through the helper API): the same,
//     plus reading the result out of the binary format, the AST schema and the re-check.
// Target: sandbox start + a no-op pass <= 50 ms beyond parsing, in a warm process (the sandbox
// worker started). The first pass in a process (worker start, WebAssembly load) is printed apart.
// Usage: node dist/bench/pass-sandbox.js [rounds=15] [lines=2000]
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseOnly } from "../compiler/compile.js";
import { runAgentPass } from "../passes/sandbox/agent-pass.js";
import { closeSandbox } from "../passes/sandbox/sandbox.js";
import { koruProgram } from "./koru-program-gen.js";
import { interleaved } from "./timing.js";

const rounds = Number(process.argv[2] ?? 15);
const { text, lines } = koruProgram(Number(process.argv[3] ?? 2_000));
const dir = mkdtempSync(join(tmpdir(), "koru-bench-pass-"));
const file = join(dir, "bench.kz");
const NOOP = "export default (p) => p;";
const RENAME = 'export default (p, api) => api.renameEvent(p, "report_0", "summary_0");';

try {
  const program = parseOnly(file, {}, text).program;
  if (!program) throw new Error("benchmark program does not parse");
  const run = (source: string) => {
    const r = runAgentPass("bench", source, program, file);
    if (!r.ok) throw new Error(`pass rejected: ${r.diagnostic.message}`);
    return r.program;
  };
  const coldStart = performance.now();
  run(NOOP);
  const cold = performance.now() - coldStart;
  if (run(RENAME) === program) throw new Error("the renaming pass changed nothing");
  const time = (f: () => unknown) => () => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };
  const ms = interleaved(
    { parse: time(() => parseOnly(file, {}, text)), noop: time(() => run(NOOP)), rename: time(() => run(RENAME)) },
    rounds,
  );
  const row = (name: string, m: number, note = "") =>
    console.log(`  ${name.padEnd(40)} ${m.toFixed(1).padStart(7)} ms  ${note}`);
  console.log(`pass sandbox benchmark: ${lines.toLocaleString("en-US")}-line program, median of ${rounds} rounds`);
  row("parse (baseline)", ms.parse);
  row("no-op pass, warm process", ms.noop, `${(ms.noop / ms.parse).toFixed(2)}x parse time`);
  row("renaming pass (validate + re-check), warm", ms.rename, `${(ms.rename / ms.parse).toFixed(2)}x parse time`);
  row("first no-op pass in a process (cold)", cold, "worker start and WebAssembly load included");
  console.log(
    `  target <= 50 ms beyond parsing (no-op, warm): ${ms.noop <= 50 ? "met" : "NOT met"} (${ms.noop.toFixed(1)} ms)`,
  );
  console.log(
    `  load average: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
} finally {
  closeSandbox();
  rmSync(dir, { recursive: true, force: true });
}
