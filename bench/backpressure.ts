// Daemon memory under a flood of program output (issue 8, item 16): a program writes 400 MB
// to stdout through `koruc --ccp`; the daemon's peak RSS with a slow client (reads, then
// pauses 5 ms, chunk after chunk) against a client reading at full speed (the baseline), in
// the same run. With backpressure the ratio stays near 1; without it the slow client's daemon
// buffered the whole output (1.3 GB RSS for 400 MB before the fix).
// Usage: node dist/bench/backpressure.js [megabytes=400]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../compiler/modules.js";

const megabytes = Number(process.argv[2] ?? 400);
const chunks = Math.ceil((megabytes * 1024 * 1024) / 65536);
const koruc = join(packageRoot(), "dist", "cli", "koruc.js");

const PROGRAM = `const std = @import("std");
~event flood {}
~proc flood {
    var buf: [65536]u8 = undefined;
    @memset(&buf, 'x');
    var i: usize = 0;
    while (i < ${chunks}) : (i += 1) std.fs.File.stdout().writeAll(&buf) catch return;
}
~flood()
`;

interface Outcome {
  peakRssMb: number;
  seconds: number;
  bytes: number;
}

function runClient(dir: string, pauseMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const d = spawn(process.execPath, [koruc, "--ccp"], { cwd: dir, stdio: ["pipe", "pipe", "inherit"] });
    d.stdin.end(`${JSON.stringify({ cmd: "run", entry: "flood.kz", optimize: "ReleaseFast", id: 1 })}\n`);
    let peak = 0;
    let bytes = 0;
    let started = 0;
    const sample = setInterval(() => {
      try {
        peak = Math.max(peak, Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${d.pid}/status`, "utf8"))?.[1] ?? 0));
      } catch {
        // The daemon has ended.
      }
    }, 20);
    d.stdout.on("data", (b: Buffer) => {
      if (!started && b.includes("program_output")) started = performance.now();
      bytes += b.length;
      if (pauseMs > 0) {
        d.stdout.pause();
        setTimeout(() => d.stdout.resume(), pauseMs);
      }
    });
    d.on("close", () => {
      clearInterval(sample);
      resolve({ peakRssMb: peak / 1024, seconds: (performance.now() - started) / 1000, bytes });
    });
  });
}

const work = mkdtempSync(join(tmpdir(), "koru-bench-backpressure-"));
try {
  writeFileSync(join(work, "flood.kz"), PROGRAM);
  await runClient(work, 0); // builds the program once; both measured runs use the cached binary
  const fast = await runClient(work, 0);
  const slow = await runClient(work, 5);
  const show = (name: string, o: Outcome) => {
    const rss = o.peakRssMb.toFixed(0).padStart(5);
    const mb = (o.bytes / 1e6).toFixed(0);
    console.log(`  ${name.padEnd(12)} peak RSS ${rss} MB, ${mb} MB of JSONL in ${o.seconds.toFixed(1)} s`);
  };
  console.log(`daemon memory while a program writes ${megabytes} MB (koruc --ccp, run)`);
  show("fast client", fast);
  show("slow client", slow);
  const ratio = (slow.peakRssMb / fast.peakRssMb).toFixed(2);
  console.log(`peak RSS ratio slow/fast = ${ratio} (target: near 1, not growing with output)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
