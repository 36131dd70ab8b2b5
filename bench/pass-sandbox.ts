// Agent-written pass overhead: a no-op pass (`export default (p) => p`) run in the QuickJS
// sandbox on a generated 2,000-line program, against parsing the same program, interleaved
// in one run. The sandbox cost is everything the pass adds: program to JSON, a fresh QuickJS
// runtime and context, JSON in and out of the sandbox, schema validation and the re-check.
// Target: <= 50 ms beyond parsing (warm sandbox worker; the one-time worker start is printed too).
// Usage: node dist/bench/pass-sandbox.js [rounds=15] [lines=2000]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseOnly } from "../compiler/compile.js";
import { runAgentPass } from "../passes/sandbox/agent-pass.js";
import { closeSandbox } from "../passes/sandbox/sandbox.js";
import { koruProgram } from "./format.js";
import { interleaved } from "./timing.js";

const rounds = Number(process.argv[2] ?? 15);
const { text, lines } = koruProgram(Number(process.argv[3] ?? 2_000));
const dir = mkdtempSync(join(tmpdir(), "koru-bench-pass-"));
const file = join(dir, "bench.kz");
const NOOP = "export default (p) => p;";

try {
  const program = parseOnly(file, {}, text).program;
  if (!program) throw new Error("benchmark program does not parse");
  const coldStart = performance.now();
  const first = runAgentPass("noop", NOOP, program, file);
  const cold = performance.now() - coldStart;
  if (!first.ok) throw new Error(`no-op pass rejected: ${first.diagnostic.message}`);
  const time = (f: () => unknown) => () => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };
  const ms = interleaved(
    {
      parse: time(() => parseOnly(file, {}, text)),
      pass: time(() => {
        const r = runAgentPass("noop", NOOP, program, file);
        if (!r.ok) throw new Error(r.diagnostic.message);
      }),
    },
    rounds,
  );
  console.log(`pass sandbox benchmark: ${lines.toLocaleString("en-US")}-line program, median of ${rounds} rounds`);
  console.log(`  parse (baseline)              ${ms.parse.toFixed(1).padStart(7)} ms`);
  console.log(
    `  sandboxed no-op pass          ${ms.pass.toFixed(1).padStart(7)} ms  ${(ms.pass / ms.parse).toFixed(2)}x parse time`,
  );
  console.log(`  first pass (worker start)     ${cold.toFixed(1).padStart(7)} ms`);
  console.log(`  target <= 50 ms beyond parsing: ${ms.pass <= 50 ? "met" : "NOT met"} (${ms.pass.toFixed(1)} ms)`);
} finally {
  closeSandbox();
  rmSync(dir, { recursive: true, force: true });
}
