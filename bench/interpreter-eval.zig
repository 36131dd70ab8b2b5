// Benchmark harness for bench/interpreter.ts: one eval of the nested add (parse, check,
// two dispatches through comptime shims, result JSON) per iteration, no HTTP. `add` is
// shaped the way koruc emits `~add = sum a + b`.
const std = @import("std");
const rt = @import("runtime/koru_runtime.zig");

const add_event = struct {
    pub const Input = struct { a: i64, b: i64 };
    pub const Output = union(enum) { sum: i64 };
    pub inline fn handler(__koru_event_input: Input) Output {
        const a = __koru_event_input.a;
        const b = __koru_event_input.b;
        return .{ .sum = a + b };
    }
};

const api: rt.Scope = .{ .name = "api", .entries = &.{rt.entry(add_event, "add", "main:add", 2, .{})} };
const scopes = [_]*const rt.Scope{&api};
const source = "~add(a: 3, b: 4)\n| sum s |> add(a: s, b: 10)\n    | sum s2 |> result { value: s2 }";

pub fn main() !void {
    var args = std.process.args();
    _ = args.next();
    const n = if (args.next()) |s| try std.fmt.parseInt(u64, s, 10) else 1_000_000;
    var arena = std.heap.ArenaAllocator.init(std.heap.page_allocator);
    defer arena.deinit();
    var total: usize = 0;
    var json: []const u8 = "";
    // CPU time of this process: the machine is shared, and waiting for a core is not work.
    const t0 = try std.posix.clock_gettime(.PROCESS_CPUTIME_ID);
    for (0..n) |_| {
        _ = arena.reset(.retain_capacity);
        const r = try rt.interp.run(arena.allocator(), &scopes, .{ .source = source, .scope = "api", .budget = 1000 });
        json = r.result.value.toJsonBuf();
        total += json.len + r.result.used;
    }
    const t1 = try std.posix.clock_gettime(.PROCESS_CPUTIME_ID);
    const ns: u64 = @intCast((t1.sec - t0.sec) * std.time.ns_per_s + (t1.nsec - t0.nsec));
    std.debug.print("{d:.1} {d} {s}\n", .{ @as(f64, @floatFromInt(ns)) / @as(f64, @floatFromInt(n)), total, json });
}
