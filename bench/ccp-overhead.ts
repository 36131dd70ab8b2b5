// Cost of CCP instrumentation: a tight label loop of N event invocations built three ways
// (ReleaseFast): plain, instrumented with our recorder (aggregates + raw transitions capped
// at the default 1,000,000), and a reproduction of upstream's approach (one formatted JSON
// line written to stderr per transition). Prints ns per invocation added and the ratio.
// Targets: added cost <= 15 ns per invocation; >= 50x cheaper than upstream's approach.
// Usage: node dist/bench/ccp-overhead.js [invocations=10000000] [rounds=3]
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildExecutable } from "../compiler/build/zig-build.js";
import { compileSource } from "../compiler/compile.js";
import type { InvocationProbe } from "../compiler/emit/flow.js";
import { emitProgram } from "../compiler/emit/program.js";
import { Symbols } from "../compiler/symbols.js";
import { interleaved, timeCommand } from "./timing.js";

const n = Number(process.argv[2] ?? 10_000_000);
const rounds = Number(process.argv[3] ?? 3);
const upstreamN = Math.min(n, 1_000_000); // upstream's approach is slow: time fewer, scale per invocation
const work = mkdtempSync(join(tmpdir(), "koru-bench-ccp-"));

const source = (count: number) => `const std = @import("std");

~event tick { n: u64 }
| next u64
| done

~proc tick {
    if (n == 0) return .{ .done = .{} };
    return .{ .next = n - 1 };
}

~#loop tick(n: ${count})
| next m |> @loop(n: m)
| done |> _
`;

/** Upstream's `$std/ccp`: a universal tap printing one JSON line per transition to stderr. */
const upstreamProbe: InvocationProbe = {
  wrap(handler, input, sym, destinations) {
    const names = sym.decl.branches.map((b) => `"${b.name}"`).join(", ");
    const dests = sym.decl.branches.map((b) => JSON.stringify(destinations.get(b.name) ?? "null")).join(", ");
    return `__upstream_observe("${sym.canonical}", .{ ${names} }, .{ ${dests} }, ${handler}, ${input})`;
  },
};
const UPSTREAM_HELPER = `
inline fn __upstream_observe(comptime source: []const u8, comptime branches: anytype, comptime dests: anytype, comptime handler: anytype, input: @typeInfo(@TypeOf(handler)).@"fn".params[0].type.?) @typeInfo(@TypeOf(handler)).@"fn".return_type.? {
    const r = handler(input);
    const i = @intFromEnum(@as(__koru_std.meta.Tag(@TypeOf(r)), r));
    inline for (branches, dests, 0..) |b, d, k| {
        if (k == i) __koru_std.debug.print("{{\\"type\\":\\"transition\\",\\"timestamp\\":{d},\\"source\\":\\"{s}\\",\\"branch\\":\\"{s}\\",\\"destination\\":\\"{s}\\",\\"timestamp_ns\\":{d}}}\\n", .{ __koru_std.time.milliTimestamp(), source, b, d, __koru_std.time.nanoTimestamp() });
    }
    return r;
}
`;

async function build(name: string, zig: string, runtimeFiles: string[] = []): Promise<string> {
  const built = await buildExecutable({ zig, runtimeFiles, optimize: "ReleaseFast", workspace: work, name });
  if (!built.ok) throw new Error(`${name}: ${built.diagnostics.map((d) => d.message).join("\n")}`);
  return built.exePath;
}

function compiled(count: number, ccp: boolean) {
  const file = join(work, `tick${count}${ccp ? "-ccp" : ""}.kz`);
  writeFileSync(file, source(count));
  const r = compileSource(undefined, file, { ccp });
  if (!r.ok || !r.zig || !r.program) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r;
}

const plainExe = await build("plain", compiled(n, false).zig!);
const ccp = compiled(n, true);
const ccpExe = await build("ccp", ccp.zig!, ccp.runtimeFiles);
const plainSmall = await build("plain-small", compiled(upstreamN, false).zig!);
const small = compiled(upstreamN, false);
const upstreamZig = emitProgram(small.program!, new Symbols(small.program!), {
  probe: upstreamProbe,
  epilogue: (w) => {
    for (const line of UPSTREAM_HELPER.split("\n")) w.line(line);
  },
}).zig;
const upstreamExe = await build("upstream", upstreamZig);

const devnull = { KORU_CCP_FILE: "/dev/null" };
Object.assign(process.env, devnull);
const shell = (exe: string, env = "") => () => timeCommand("sh", ["-c", `${env} "${exe}" 2>/dev/null`]);
console.log(`${n.toLocaleString()} invocations (upstream approach: ${upstreamN.toLocaleString()}), ${rounds} interleaved rounds, medians`);
const ms = interleaved(
  {
    plain: shell(plainExe),
    ccp: shell(ccpExe),
    aggregates: shell(ccpExe, "KORU_CCP_MAX_TRANSITIONS=0"),
    plainSmall: shell(plainSmall),
    upstream: shell(upstreamExe),
  },
  rounds,
);
const oursNs = ((ms.ccp - ms.plain) * 1e6) / n;
const upstreamNs = ((ms.upstream - ms.plainSmall) * 1e6) / upstreamN;
console.log(`  plain            ${ms.plain.toFixed(1)} ms`);
console.log(`  koru-ccp         ${ms.ccp.toFixed(1)} ms   added ${oursNs.toFixed(2)} ns/invocation (target <= 15)`);
const aggNs = ((ms.aggregates - ms.plain) * 1e6) / n;
console.log(`  koru-ccp, stats only (KORU_CCP_MAX_TRANSITIONS=0) ${ms.aggregates.toFixed(1)} ms   added ${aggNs.toFixed(2)} ns/invocation`);
console.log(`  upstream-style   ${ms.upstream.toFixed(1)} ms   added ${upstreamNs.toFixed(1)} ns/invocation`);
console.log(`upstream/ours added cost = ${(upstreamNs / Math.max(oursNs, 0.01)).toFixed(1)}x (target >= 50x)`);
