// The cost of `koruc run` on an unchanged, already built program: `koruc run hello.kz`
// (parse + check + emit + cache lookup + spawn) against running the cached binary directly,
// alternated. Prints medians and the overhead (target <= 0.3 s).
// Usage: node dist/bench/run-overhead.js [rounds=20]
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../compiler/modules.js";
import { interleaved, timeCommand } from "./timing.js";

const rounds = Number(process.argv[2] ?? 20);
const root = packageRoot();
const koruc = join(root, "dist", "cli", "koruc.js");

// Work on a copy of the example so the build cache (.koru/) lands in a temp folder.
const work = mkdtempSync(join(tmpdir(), "koru-bench-run-"));
try {
  cpSync(join(root, "examples", "hello"), work, {
    recursive: true,
    filter: (src) => !/[\\/]\.koru([\\/]|$)/.test(src),
  });
  const source = join(work, "hello.kz");
  // Build once (the cache `koruc run` will hit), and get a copy of that binary to run directly.
  const exe = join(work, "hello-direct");
  timeCommand(process.execPath, [koruc, "build", source, "-o", exe]);
  timeCommand(process.execPath, [koruc, "run", source]);

  console.log(`koruc run (cached) vs the binary, ${rounds} alternated rounds (medians)`);
  const ms = interleaved(
    {
      "koruc run": () => timeCommand(process.execPath, [koruc, "run", source]),
      binary: () => timeCommand(exe, []),
    },
    rounds,
  );
  for (const [k, v] of Object.entries(ms)) console.log(`  ${k.padEnd(10)} ${v.toFixed(1)} ms`);
  const overhead = ms["koruc run"] - ms.binary;
  console.log(`overhead = ${(overhead / 1000).toFixed(3)} s (target <= 0.3 s)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
