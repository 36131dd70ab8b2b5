// CCP daemon latency, measured through a real daemon process over pipes:
//   - `parse` of a 2,000-line program in a warm daemon (target <= 20 ms), against a cold
//     `koruc check` process of the same file;
//   - `hotspots` for a real run of 10,000,000 invocations (target <= 50 ms): it reads the
//     run's aggregates, never its raw transitions.
// Usage: node dist/bench/daemon.js [rounds=20]
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { packageRoot } from "../compiler/modules.js";
import { median, timeCommand } from "./timing.js";

const rounds = Number(process.argv[2] ?? 20);
const koruc = join(packageRoot(), "dist", "cli", "koruc.js");
const dir = mkdtempSync(join(tmpdir(), "koru-bench-daemon-"));

const program: string[] = ['~import "$std/io"', 'const std = @import("std");'];
for (let i = 0; program.length < 2000; i++) {
  program.push(
    `~event ev${i} { a: i32, b: i32 }`,
    `| ok { x: i32, y: i32 }`,
    "| err []const u8",
    `~proc ev${i} {`,
    '    if (a > b) return .{ .err = "no" };',
    "    return .{ .ok = .{ .x = a, .y = b } };",
    "}",
    `~ev${i}(a: 1, b: 2)`,
    '| ok o |> std.io:print.ln("{{ o.x:d }}")',
    "| err e |> std.io:println(text: e)",
    "",
  );
}
writeFileSync(join(dir, "big.kz"), program.join("\n"));
writeFileSync(
  join(dir, "tick.kz"),
  `~event tick { n: u64 }
| next u64
| done

~proc tick {
    if (n == 0) return .{ .done = .{} };
    return .{ .next = n - 1 };
}

~#loop tick(n: 9999999)
| next m |> @loop(n: m)
| done |> _
`,
);

const child = spawn(process.execPath, [koruc, "--ccp"], { cwd: dir, stdio: ["pipe", "pipe", "inherit"] });
const lines = createInterface({ input: child.stdout });
const waiting = new Map<string, { until: string; resolve: (m: Record<string, unknown>) => void }>();
lines.on("line", (line) => {
  const m = JSON.parse(line) as Record<string, unknown>;
  const w = typeof m.id === "string" ? waiting.get(m.id) : undefined;
  if (w && m.type === w.until) {
    waiting.delete(m.id as string);
    w.resolve(m);
  }
});
let n = 0;
function ask(cmd: Record<string, unknown>, until: string): Promise<{ ms: number; message: Record<string, unknown> }> {
  const id = `q${n++}`;
  const t = performance.now();
  return new Promise((resolve) => {
    waiting.set(id, { until, resolve: (message) => resolve({ ms: performance.now() - t, message }) });
    child.stdin.write(`${JSON.stringify({ ...cmd, id })}\n`);
  });
}

// Warm-up: a warm daemon has parsed before (the JIT has compiled the parser).
for (let i = 0; i < 5; i++) await ask({ cmd: "parse", file: "big.kz" }, "parsed");
const parseMs: number[] = [];
let replyBytes = 0;
for (let i = 0; i < rounds; i++) {
  const r = await ask({ cmd: "parse", file: "big.kz" }, "parsed");
  parseMs.push(r.ms);
  replyBytes = Buffer.byteLength(JSON.stringify(r.message));
}
const coldMs = median(
  Array.from({ length: 5 }, () => timeCommand(process.execPath, [koruc, "check", join(dir, "big.kz")])),
);

console.log("running a 10,000,000-invocation program instrumented (ReleaseFast) ...");
const run = await ask({ cmd: "run", entry: "tick.kz", optimize: "ReleaseFast" }, "run_done");
const runId = run.message.run_id as string;
const hotMs: number[] = [];
for (let i = 0; i < rounds; i++)
  hotMs.push((await ask({ cmd: "hotspots", run_id: runId, min_share: 0 }, "hotspots_done")).ms);
child.stdin.end();

const p = median(parseMs);
const h = median(hotMs);
console.log(
  `parse, 2,000 lines, warm daemon: ${p.toFixed(2)} ms (target <= 20; reply ${Math.round(replyBytes / 1024)} KiB); cold 'koruc check' process: ${coldMs.toFixed(1)} ms (${(coldMs / p).toFixed(1)}x)`,
);
console.log(`hotspots, run of 10,000,000 invocations: ${h.toFixed(2)} ms (target <= 50)`);
console.log(
  `load average: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
