// Variant harness support: builds inputs of any event shape from a byte stream (so a case
// is its bytes: exact replay, shrinking on bytes), runs the baseline and a variant on fresh,
// poisoned copies, compares outputs structurally under a float policy, benchmarks both in
// interleaved pairs. Copied beside the generated harness by koruc; never linked into programs.
const std = @import("std");
const builtin = @import("builtin");

pub const FloatPolicy = union(enum) {
    exact,
    bitwise,
    ulp: u64,
    abs_rel: struct { abs: f64, rel: f64 },
};

// ---------------------------------------------------------------------------------------
// The byte source every generator draws from.

pub const Mode = enum { random, replay, edge, exhaustive };

pub const Src = struct {
    mode: Mode,
    rng: std.Random.DefaultPrng = std.Random.DefaultPrng.init(0),
    bytes: []const u8 = &.{},
    pos: usize = 0,
    /// Edge mode: the case number; each leaf takes edge (k + leaf) of its list.
    edge_k: u64 = 0,
    leaf: u64 = 0,
    /// Exhaustive mode: the case number, consumed bit by bit.
    bits: u64 = 0,
    /// Canonical bytes of every choice made, to store a case (null: not recording).
    tape: ?*std.ArrayList(u8) = null,
    /// The allocator a proc's `std.mem.Allocator` input gets (null: the case's own fresh,
    /// poisoned region, like the rest of the case).
    proc_alloc: ?std.mem.Allocator = null,
    alloc: std.mem.Allocator,

    inline fn record(self: *Src, b: u8) void {
        if (self.tape) |t| t.append(std.heap.page_allocator, b) catch {};
    }

    pub fn byte(self: *Src) u8 {
        const b: u8 = switch (self.mode) {
            .random => self.rng.random().int(u8),
            .replay => blk: {
                if (self.pos >= self.bytes.len) break :blk 0;
                self.pos += 1;
                break :blk self.bytes[self.pos - 1];
            },
            // Edge and exhaustive modes never ask for free bytes beyond choices.
            .edge, .exhaustive => 0,
        };
        self.record(b);
        return b;
    }

    /// A choice byte: low 2 bits the generation mode, high 6 bits an edge index.
    pub fn choice(self: *Src, n_edges: usize) u8 {
        if (self.mode == .edge) {
            const idx: u8 = @intCast((self.edge_k + self.leaf) % n_edges);
            self.leaf += 1;
            const b = idx << 2;
            self.record(b);
            return b;
        }
        return self.byte();
    }

    pub fn takeBits(self: *Src, comptime n: u16) std.meta.Int(.unsigned, n) {
        const U = std.meta.Int(.unsigned, n);
        if (n == 0) return 0;
        if (n >= 64) unreachable;
        const v: U = @truncate(self.bits);
        self.bits >>= @intCast(n);
        return v;
    }
};

// ---------------------------------------------------------------------------------------
// Generators by type.

fn intEdges(comptime T: type) []const T {
    comptime {
        const info = @typeInfo(T).int;
        const n = info.bits;
        var list: []const T = &.{0};
        if (n >= 2 or info.signedness == .unsigned) list = list ++ [_]T{1};
        list = list ++ [_]T{ std.math.maxInt(T), std.math.maxInt(T) - 1 };
        if (info.signedness == .signed) {
            list = list ++ [_]T{ -1, std.math.minInt(T), std.math.minInt(T) + 1 };
        }
        var k: u16 = 1;
        while (k + 1 < n and list.len < 60) : (k += if (n > 16) 3 else 1) {
            const p: T = 1 << k;
            list = list ++ [_]T{ p, p - 1, p + 1 };
        }
        return list;
    }
}

fn floatEdges(comptime T: type) []const T {
    comptime {
        const m = std.math;
        return &[_]T{
            0.0,               -0.0,              1.0,                -1.0,
            m.inf(T),          -m.inf(T),         m.nan(T),           m.floatTrueMin(T),
            -m.floatTrueMin(T), m.floatMin(T) - m.floatTrueMin(T), m.floatMin(T), m.floatMax(T),
            -m.floatMax(T),    m.floatEps(T),     0.5,                1.0 + m.floatEps(T),
            2.0 - m.floatEps(T), 3.0,             -2.5,               0.1,
            255.0,             256.0,             65536.0,            -1e-3,
        };
    }
}

/// Slice lengths always tried: empty, tiny, SIMD and unroll boundaries, one large.
const len_edges = [_]usize{ 0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 4097 };

pub const max_len: usize = 1 << 16;

fn genInt(comptime T: type, src: *Src) T {
    const info = @typeInfo(T).int;
    const n = info.bits;
    if (n == 0) return 0;
    const U = std.meta.Int(.unsigned, n);
    if (src.mode == .exhaustive) return @bitCast(src.takeBits(n));
    const edges = comptime intEdges(T);
    const c = src.choice(edges.len);
    switch (c & 3) {
        0 => return edges[(c >> 2) % edges.len],
        1 => {
            const b = src.byte();
            const small: i16 = if (info.signedness == .signed) @as(i16, b) - 128 else b;
            if (std.math.cast(T, small)) |v| return v;
            // Only narrow types get here (u1..u7, i1..i7): keep the low bits.
            if (n >= 16) unreachable;
            return @bitCast(@as(U, @truncate(@as(u16, @bitCast(small)))));
        },
        else => {
            var raw: u128 = 0;
            var i: u16 = 0;
            while (i < (n + 7) / 8) : (i += 1) raw |= @as(u128, src.byte()) << @intCast(i * 8);
            return @bitCast(@as(U, @truncate(raw)));
        },
    }
}

fn genFloat(comptime T: type, src: *Src) T {
    const n = @typeInfo(T).float.bits;
    const U = std.meta.Int(.unsigned, n);
    if (src.mode == .exhaustive) return @bitCast(src.takeBits(n));
    const edges = comptime floatEdges(T);
    const c = src.choice(edges.len);
    switch (c & 3) {
        0 => return edges[(c >> 2) % edges.len],
        // Small integers: results on them must be exact for most arithmetic.
        1 => return @floatFromInt(@as(i16, src.byte()) - 128),
        // Log-uniform magnitude in [2^-20, 2^20) with a random sign and mantissa.
        2 => {
            const e: i32 = @as(i32, src.byte() % 40) - 20;
            const mant: T = 1.0 + @as(T, @floatFromInt(src.byte())) / 256.0 + @as(T, @floatFromInt(src.byte())) / 65536.0;
            const v = std.math.ldexp(mant, e);
            return if (src.byte() & 1 == 1) -v else v;
        },
        else => {
            var raw: u128 = 0;
            var i: u16 = 0;
            while (i < (n + 7) / 8) : (i += 1) raw |= @as(u128, src.byte()) << @intCast(i * 8);
            return @bitCast(@as(U, @truncate(raw)));
        },
    }
}

fn genLen(src: *Src) usize {
    const c = src.choice(len_edges.len);
    return switch (c & 3) {
        0 => len_edges[(c >> 2) % len_edges.len],
        1 => src.byte() % 16,
        2 => src.byte(),
        else => blk: {
            const k = src.byte();
            // Random bytes reach an exact (possibly huge) length once in 256 draws of this mode.
            if (k < 255) break :blk @as(usize, k) * 16 + src.byte() % 16;
            // Four bytes of exact length: how recorded inputs keep their real sizes.
            var v: u32 = 0;
            for (0..4) |i| v |= @as(u32, src.byte()) << @intCast(i * 8);
            break :blk @min(v, max_len);
        },
    };
}

pub const GenError = error{OutOfMemory};

pub fn gen(comptime T: type, src: *Src) GenError!T {
    // An allocator is not drawn from bytes: the harness hands one over (see `Src.proc_alloc`).
    if (T == std.mem.Allocator) return src.proc_alloc orelse src.alloc;
    switch (@typeInfo(T)) {
        .void => return {},
        .bool => {
            if (src.mode == .exhaustive) return src.takeBits(1) == 1;
            return (src.choice(2) >> 2) & 1 == 1;
        },
        .int => return genInt(T, src),
        .float => return genFloat(T, src),
        .@"enum" => |e| {
            if (src.mode == .exhaustive) {
                const v = src.takeBits(comptime bitsFor(e.fields.len));
                const idx = v % e.fields.len;
                inline for (e.fields, 0..) |f, i| if (i == idx) return @enumFromInt(f.value);
                unreachable;
            }
            const c = src.choice(e.fields.len);
            const idx = (if (c & 3 == 0) (c >> 2) else src.byte()) % e.fields.len;
            inline for (e.fields, 0..) |f, i| if (i == idx) return @enumFromInt(f.value);
            unreachable;
        },
        .optional => |o| {
            if (src.mode == .exhaustive) {
                if (src.takeBits(1) == 0) return null;
                return try gen(o.child, src);
            }
            // One case in eight is null; a zero byte (what shrinking reaches) is null too.
            const c = src.choice(2);
            if (c == 0 or c % 8 == 1) return null;
            return try gen(o.child, src);
        },
        .array => |a| {
            var out: T = undefined;
            for (&out) |*x| x.* = try gen(a.child, src);
            return out;
        },
        .vector => |v| {
            var out: T = undefined;
            for (0..v.len) |i| out[i] = try gen(v.child, src);
            return out;
        },
        .@"struct" => |s| {
            var out: T = undefined;
            inline for (s.fields) |f| {
                if (f.is_comptime) continue;
                @field(out, f.name) = try gen(f.type, src);
            }
            return out;
        },
        .@"union" => |u| {
            if (u.tag_type == null) @compileError("koru-harness: cannot generate untagged union " ++ @typeName(T));
            const c = src.choice(u.fields.len);
            const idx = (if (c & 3 == 0) (c >> 2) else src.byte()) % u.fields.len;
            inline for (u.fields, 0..) |f, i| {
                if (i == idx) return @unionInit(T, f.name, try gen(f.type, src));
            }
            unreachable;
        },
        .pointer => |p| {
            if (p.size == .one) {
                const ptr = try src.alloc.create(p.child);
                ptr.* = try gen(p.child, src);
                return ptr;
            }
            if (p.size == .slice) {
                const len = genLen(src);
                if (p.sentinel_ptr != null) @compileError("koru-harness: cannot generate sentinel slice " ++ @typeName(T));
                const buf = try src.alloc.alignedAlloc(p.child, std.mem.Alignment.fromByteUnits(p.alignment), len);
                for (buf) |*x| x.* = try gen(p.child, src);
                return buf;
            }
            @compileError("koru-harness: cannot generate pointer " ++ @typeName(T));
        },
        else => @compileError("koru-harness: cannot generate " ++ @typeName(T)),
    }
}

// ---------------------------------------------------------------------------------------
// The inverse of `gen` in replay mode: the bytes from which `gen(T)` rebuilds `v` exactly
// (`koruc run --capture` records real inputs with it). Slices longer than `max_len` keep
// their first `max_len` elements, as `gen` would read them.

pub fn encode(comptime T: type, v: T, out: *std.ArrayList(u8), alloc: std.mem.Allocator) GenError!void {
    if (T == std.mem.Allocator) return;
    switch (@typeInfo(T)) {
        .void => {},
        .bool => try out.append(alloc, @as(u8, @intFromBool(v)) << 2),
        .int => |info| {
            if (info.bits == 0) return;
            // Choice 2: the raw little-endian bytes.
            try out.append(alloc, 2);
            try rawBytes(std.meta.Int(.unsigned, info.bits), @bitCast(v), out, alloc);
        },
        .float => |f| {
            try out.append(alloc, 3);
            try rawBytes(std.meta.Int(.unsigned, f.bits), @bitCast(v), out, alloc);
        },
        .@"enum" => |e| {
            inline for (e.fields, 0..) |f, i| if (@intFromEnum(v) == f.value) {
                // Choice 1: the field index in the next byte.
                if (e.fields.len > 256) @compileError("koru-capture: enum with more than 256 fields " ++ @typeName(T));
                return out.appendSlice(alloc, &.{ 1, @intCast(i) });
            };
            unreachable;
        },
        .optional => |o| {
            if (v) |x| {
                try out.append(alloc, 2);
                try encode(o.child, x, out, alloc);
            } else try out.append(alloc, 0);
        },
        .array => |a| for (v) |x| try encode(a.child, x, out, alloc),
        .vector => |vec| for (0..vec.len) |i| try encode(vec.child, v[i], out, alloc),
        .@"struct" => |s| inline for (s.fields) |f| {
            if (f.is_comptime) continue;
            try encode(f.type, @field(v, f.name), out, alloc);
        },
        .@"union" => |u| {
            if (u.tag_type == null) @compileError("koru-capture: cannot encode untagged union " ++ @typeName(T));
            const tag = std.meta.activeTag(v);
            inline for (u.fields, 0..) |f, i| if (std.mem.eql(u8, f.name, @tagName(tag))) {
                if (u.fields.len > 256) @compileError("koru-capture: union with more than 256 fields " ++ @typeName(T));
                try out.appendSlice(alloc, &.{ 1, @intCast(i) });
                return encode(f.type, @field(v, f.name), out, alloc);
            };
            unreachable;
        },
        .pointer => |p| {
            if (p.size == .one) return encode(p.child, v.*, out, alloc);
            if (p.size == .slice) {
                // Length choice 3, escape byte 255, then the exact length in four bytes.
                const n: u32 = @intCast(@min(v.len, max_len));
                try out.appendSlice(alloc, &.{ 3, 255 });
                try rawBytes(u32, n, out, alloc);
                for (v[0..n]) |x| try encode(p.child, x, out, alloc);
                return;
            }
            @compileError("koru-capture: cannot encode pointer " ++ @typeName(T));
        },
        else => @compileError("koru-capture: cannot encode " ++ @typeName(T)),
    }
}

fn rawBytes(comptime U: type, x: U, out: *std.ArrayList(u8), alloc: std.mem.Allocator) GenError!void {
    const n = @typeInfo(U).int.bits;
    var i: u16 = 0;
    while (i < (n + 7) / 8) : (i += 1) try out.append(alloc, @truncate(@as(u128, x) >> @intCast(i * 8)));
}

fn bitsFor(n: usize) u16 {
    var b: u16 = 0;
    while ((@as(usize, 1) << @intCast(b)) < n) b += 1;
    return b;
}

/// Bits needed to enumerate every value of T, or null when T is not finite (slices, pointers).
pub fn spaceBits(comptime T: type) ?u16 {
    return switch (@typeInfo(T)) {
        .void => 0,
        .bool => 1,
        .int => |i| i.bits,
        .float => |f| f.bits,
        .@"enum" => |e| bitsFor(e.fields.len),
        .optional => |o| if (spaceBits(o.child)) |b| b + 1 else null,
        .array => |a| if (spaceBits(a.child)) |b| b * a.len else null,
        .@"struct" => |s| blk: {
            var total: u16 = 0;
            for (s.fields) |f| {
                if (f.is_comptime) continue;
                total += spaceBits(f.type) orelse break :blk null;
            }
            break :blk total;
        },
        else => null,
    };
}

// ---------------------------------------------------------------------------------------
// Structural comparison.

pub const FloatStats = struct {
    max_ulp: u64 = 0,
    max_abs: f64 = 0,
    /// Case of the largest error (ULP distance).
    argmax: ?u64 = null,
    current: u64 = 0,
};

fn ulpDistance(comptime T: type, a: T, b: T) u64 {
    const n = @typeInfo(T).float.bits;
    const I = std.meta.Int(.signed, n);
    const ord = struct {
        fn f(x: T) i128 {
            const i: I = @bitCast(x);
            return if (i < 0) @as(i128, std.math.minInt(I)) - i else i;
        }
    }.f;
    const d = @abs(ord(a) - ord(b));
    return if (d > std.math.maxInt(u64)) std.math.maxInt(u64) else @intCast(d);
}

fn floatEq(comptime T: type, a: T, b: T, policy: FloatPolicy, stats: *FloatStats) bool {
    const an = std.math.isNan(a);
    const bn = std.math.isNan(b);
    if (policy == .bitwise) {
        const U = std.meta.Int(.unsigned, @typeInfo(T).float.bits);
        return @as(U, @bitCast(a)) == @as(U, @bitCast(b));
    }
    if (an or bn) return an and bn;
    if (std.math.isInf(a) or std.math.isInf(b)) return a == b;
    if (a == b) return true;
    const u = ulpDistance(T, a, b);
    const abs: f64 = @floatCast(@abs(a - b));
    if (u > stats.max_ulp) {
        stats.max_ulp = u;
        stats.argmax = stats.current;
    }
    if (abs > stats.max_abs) stats.max_abs = abs;
    return switch (policy) {
        .exact, .bitwise => false,
        .ulp => |n| u <= n,
        .abs_rel => |t| blk: {
            const scale: f64 = @floatCast(@max(@abs(a), @abs(b)));
            break :blk abs <= t.abs + t.rel * scale;
        },
    };
}

pub fn eql(comptime T: type, a: T, b: T, policy: FloatPolicy, stats: *FloatStats) bool {
    // The allocators were handed over by the harness; what was allocated is compared as output.
    if (T == std.mem.Allocator) return true;
    switch (@typeInfo(T)) {
        .void => return true,
        .bool, .int, .@"enum" => return a == b,
        .float => return floatEq(T, a, b, policy, stats),
        .optional => |o| {
            if (a == null or b == null) return a == null and b == null;
            return eql(o.child, a.?, b.?, policy, stats);
        },
        .array => |arr| {
            var ok = true;
            for (0..arr.len) |i| ok = eql(arr.child, a[i], b[i], policy, stats) and ok;
            return ok;
        },
        .vector => |v| {
            var ok = true;
            for (0..v.len) |i| ok = eql(v.child, a[i], b[i], policy, stats) and ok;
            return ok;
        },
        .@"struct" => |s| {
            var ok = true;
            inline for (s.fields) |f| {
                if (f.is_comptime) continue;
                ok = eql(f.type, @field(a, f.name), @field(b, f.name), policy, stats) and ok;
            }
            return ok;
        },
        .@"union" => |u| {
            if (u.tag_type == null) @compileError("koru-harness: cannot compare untagged union " ++ @typeName(T));
            const ta = std.meta.activeTag(a);
            if (ta != std.meta.activeTag(b)) return false;
            inline for (u.fields) |f| {
                if (std.mem.eql(u8, f.name, @tagName(ta))) return eql(f.type, @field(a, f.name), @field(b, f.name), policy, stats);
            }
            unreachable;
        },
        .pointer => |p| {
            if (p.size == .one) return eql(p.child, a.*, b.*, policy, stats);
            if (p.size == .slice) {
                if (a.len != b.len) return false;
                var ok = true;
                for (a, b) |x, y| ok = eql(p.child, x, y, policy, stats) and ok;
                return ok;
            }
            @compileError("koru-harness: cannot compare pointer " ++ @typeName(T));
        },
        .error_union => |e| {
            const va = a catch |ea| return if (b) |_| false else |eb| ea == eb;
            const vb = b catch return false;
            return eql(e.payload, va, vb, policy, stats);
        },
        .error_set => return a == b,
        else => @compileError("koru-harness: cannot compare " ++ @typeName(T)),
    }
}

// ---------------------------------------------------------------------------------------
// Output lines (JSON, one per line) and the panic / hang reporting.

var out_buf: [1 << 16]u8 = undefined;

/// The harness's own lines go to a copy of the original stdout: fds 1 and 2 are pointed at the
/// text capture (test) or /dev/null (bench), so nothing a proc prints can forge a harness line.
var proto_fd: std.posix.fd_t = 1;

pub fn emit(comptime fmt: []const u8, args: anytype) void {
    const line = std.fmt.bufPrint(&out_buf, fmt ++ "\n", args) catch return;
    writeAllFd(proto_fd, line);
}

fn writeAllFd(fd: std.posix.fd_t, bytes: []const u8) void {
    var i: usize = 0;
    while (i < bytes.len) {
        const n = std.posix.write(fd, bytes[i..]) catch return;
        if (n == 0) return;
        i += n;
    }
}

/// Where the harness is, for the panic handler, the watchdog and the supervisor. It lives in
/// memory shared with the supervising parent, which survives a case that kills its child.
pub const Where = struct {
    phase: std.atomic.Value(u8) = .init(0),
    case: std.atomic.Value(u64) = .init(0),
    side: std.atomic.Value(u8) = .init(0),
    /// Calls started so far and whether one is running: the watchdog needs no clock in the hot path.
    calls: std.atomic.Value(u64) = .init(0),
    in_call: std.atomic.Value(bool) = .init(false),
    done: [4]u64 = .{ 0, 0, 0, 0 },
    failures: u64 = 0,
    shown: u64 = 0,
    /// Inputs on which the baseline panicked, hung or crashed: outside its domain, skipped.
    out_of_domain: u64 = 0,
    /// Random cases drawn (in domain or not).
    attempts: u64 = 0,
    stats: FloatStats = .{},
    /// Some proc printed: from then on each call's text is attributed and compared.
    printing: bool = false,
    /// The batch of cases not yet checked for printed text (phase, first case, counts before
    /// it): when text turns up, the batch runs again with each call's text compared.
    batch_phase: u8 = 0,
    batch_start: u64 = 0,
    batch_done: u64 = 0,
    batch_failures: u64 = 0,
    batch_alloc: u64 = 0,
    /// Cases also run with every allocation failing (procs taking an allocator).
    alloc_failure_cases: u64 = 0,
};
var where_private: Where = .{};
pub var where: *Where = &where_private;
/// In the shrinking process: a panic ends shrinking quietly (the case is already reported).
var quiet_panics = false;

/// Out-of-domain inputs reported one by one; the rest are only counted.
const ood_shown: u64 = 20;

pub const phase_names = [_][]const u8{ "replay", "edge", "random", "exhaustive" };
const side_names = [_][]const u8{ "none", "baseline", "variant", "variant_rerun" };

pub fn panicHandler(msg: []const u8, _: ?usize) noreturn {
    @branchHint(.cold);
    if (quiet_panics) std.posix.exit(4);
    const p = where.phase.load(.seq_cst);
    const side = where.side.load(.seq_cst);
    if (side != 1 or where.out_of_domain < ood_shown) {
        emit("{{\"t\":\"panic\",\"phase\":\"{s}\",\"case\":{d},\"side\":\"{s}\",\"msg\":\"{f}\",\"done\":[{d},{d},{d},{d}]}}", .{
            phase_names[p], where.case.load(.seq_cst), side_names[side], jsonText(msg),
            where.done[0], where.done[1], where.done[2], where.done[3],
        });
    }
    std.posix.exit(4);
}

fn nowNs() i64 {
    return @intCast(@divTrunc(std.time.nanoTimestamp(), 1));
}

fn watchdog(limit_ns: i64) void {
    const step = 20 * std.time.ns_per_ms;
    var last: u64 = 0;
    var stuck_ns: i64 = 0;
    while (true) {
        std.Thread.sleep(step);
        const now = where.calls.load(.monotonic);
        if (now != last or !where.in_call.load(.monotonic)) {
            last = now;
            stuck_ns = 0;
            continue;
        }
        stuck_ns += step;
        if (stuck_ns > limit_ns) {
            const p = where.phase.load(.seq_cst);
            const side = where.side.load(.seq_cst);
            if (side != 1 or where.out_of_domain < ood_shown) {
                emit("{{\"t\":\"hang\",\"phase\":\"{s}\",\"case\":{d},\"side\":\"{s}\",\"limit_ms\":{d},\"done\":[{d},{d},{d},{d}]}}", .{
                    phase_names[p], where.case.load(.seq_cst), side_names[side], @divTrunc(limit_ns, std.time.ns_per_ms),
                    where.done[0], where.done[1], where.done[2], where.done[3],
                });
            }
            std.posix.exit(3);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Text the procs print. During a test run fds 1 and 2 both point at one memory file; a case
// costs one seek when nothing was printed. Once anything is printed, every call's text is
// cut out by offsets and compared byte for byte.

const Text = struct {
    fd: std.posix.fd_t = -1,

    fn open(self: *Text) void {
        if (builtin.os.tag != .linux) return;
        const fd = std.posix.memfd_create("koru-harness-text", 0) catch return;
        std.posix.dup2(fd, 1) catch return;
        std.posix.dup2(fd, 2) catch return;
        self.fd = fd;
    }

    fn pos(self: *const Text) u64 {
        if (self.fd < 0) return 0;
        return std.posix.lseek_CUR_get(self.fd) catch 0;
    }

    fn reset(self: *const Text) void {
        if (self.fd < 0) return;
        std.posix.ftruncate(self.fd, 0) catch {};
        std.posix.lseek_SET(self.fd, 0) catch {};
    }

    fn rangesEqual(self: *const Text, a0: u64, a1: u64, b0: u64, b1: u64) bool {
        if (a1 - a0 != b1 - b0) return false;
        var ba: [4096]u8 = undefined;
        var bb: [4096]u8 = undefined;
        var off: u64 = 0;
        while (off < a1 - a0) {
            const n: usize = @intCast(@min(ba.len, a1 - a0 - off));
            const ra = std.posix.pread(self.fd, ba[0..n], a0 + off) catch return false;
            const rb = std.posix.pread(self.fd, bb[0..n], b0 + off) catch return false;
            if (ra != n or rb != n or !std.mem.eql(u8, ba[0..n], bb[0..n])) return false;
            off += n;
        }
        return true;
    }

    fn read(self: *const Text, a0: u64, a1: u64, buf: []u8) []const u8 {
        const n: usize = @intCast(@min(buf.len, a1 - a0));
        const r = std.posix.pread(self.fd, buf[0..n], a0) catch return buf[0..0];
        return buf[0..r];
    }
};
var printed: Text = .{};

/// Benchmarks: what procs print goes nowhere (and cannot forge a harness line).
fn silence() void {
    const fd = std.posix.open("/dev/null", .{ .ACCMODE = .WRONLY }, 0) catch return;
    std.posix.dup2(fd, 1) catch {};
    std.posix.dup2(fd, 2) catch {};
}

/// Memory shared with child processes (a supervised case or a shrinking run writes it in place).
fn sharedAlloc(n: usize) ?[]u8 {
    if (builtin.os.tag != .linux) return std.heap.page_allocator.alloc(u8, n) catch null;
    return std.posix.mmap(null, n, std.posix.PROT.READ | std.posix.PROT.WRITE, .{ .TYPE = .SHARED, .ANONYMOUS = true }, -1, 0) catch null;
}

/// Bytes as the inside of a JSON string (control and non-ASCII bytes as \u00XX).
fn jsonText(bytes: []const u8) std.fmt.Alt([]const u8, jsonTextFormat) {
    return .{ .data = bytes };
}

fn jsonTextFormat(bytes: []const u8, w: *std.Io.Writer) std.Io.Writer.Error!void {
    for (bytes) |b| switch (b) {
        '"' => try w.writeAll("\\\""),
        '\\' => try w.writeAll("\\\\"),
        '\n' => try w.writeAll("\\n"),
        '\t' => try w.writeAll("\\t"),
        0x20...0x21, 0x23...0x5B, 0x5D...0x7E => try w.writeByte(b),
        else => try w.print("\\u{x:0>4}", .{b}),
    };
}

// ---------------------------------------------------------------------------------------
// Allocation failure: procs that take a `std.mem.Allocator` also run with one whose every
// allocation fails; baseline and variant must then answer the same way (the same branch,
// e.g. an `oom` one). A panic is a panic: out of the baseline's domain, a rejection of the
// variant.

/// True when a value of T holds a `std.mem.Allocator` (a field, nested or optional).
pub fn hasAllocator(comptime T: type) bool {
    comptime {
        if (T == std.mem.Allocator) return true;
        return switch (@typeInfo(T)) {
            .@"struct" => |st| blk: {
                for (st.fields) |f| if (!f.is_comptime and hasAllocator(f.type)) break :blk true;
                break :blk false;
            },
            .optional => |o| hasAllocator(o.child),
            .array => |a| hasAllocator(a.child),
            else => false,
        };
    }
}

fn failAlloc(_: *anyopaque, _: usize, _: std.mem.Alignment, _: usize) ?[*]u8 {
    return null;
}
fn failResize(_: *anyopaque, _: []u8, _: std.mem.Alignment, _: usize, _: usize) bool {
    return false;
}
fn failRemap(_: *anyopaque, _: []u8, _: std.mem.Alignment, _: usize, _: usize) ?[*]u8 {
    return null;
}
fn failFree(_: *anyopaque, _: []u8, _: std.mem.Alignment, _: usize) void {}

var fail_state: u8 = 0;
pub const failing_allocator: std.mem.Allocator = .{
    .ptr = &fail_state,
    .vtable = &.{ .alloc = failAlloc, .resize = failResize, .remap = failRemap, .free = failFree },
};

/// Benchmarks: a proc's allocations come from here, emptied before every call.
var call_mem: [16 << 20]u8 = undefined;
var call_fba = std.heap.FixedBufferAllocator.init(&call_mem);

/// One case in this many also runs with every allocation failing.
const alloc_failure_every: u64 = 4;

// ---------------------------------------------------------------------------------------
// The harness proper.

pub fn Harness(comptime Input: type, comptime Output: type, comptime State: type) type {
    return struct {
        pub const Proc = *const fn (Input) Output;
        pub const Variant = struct { tag: []const u8, proc: Proc };
        pub const Hooks = struct {
            load_state: *const fn (*const State) void,
            save_state: *const fn (*State) void,
        };
        const Case = struct { input: Input, state: State };
        const Result = struct { out: Output, input: Input, state: State };

        const region_size: usize = 16 << 20;
        const takes_alloc = hasAllocator(Input);

        const Runner = struct {
            baseline: Proc,
            variant: Proc,
            hooks: Hooks,
            policy: FloatPolicy,
            mem: []u8,
            used: [3]usize = .{ 0, 0, 0 },
            /// Each region's allocator: it outlives `build`, since a proc taking an allocator
            /// allocates from its case's region during the call.
            fbas: [3]std.heap.FixedBufferAllocator = undefined,
            /// Bytes of each region written since it was last poisoned (case and allocations).
            dirty: [3]usize = .{ 0, 0, 0 },
            rerun: bool,

            fn region(self: *Runner, i: usize) []u8 {
                return self.mem[i * region_size .. (i + 1) * region_size];
            }

            /// Build the case into region i from a fresh source (same bytes give the same value).
            fn build(self: *Runner, i: usize, proto: Src) !Case {
                // Poison what the previous case used (its values and what its procs allocated),
                // so stale reads show 0xAA.
                @memset(self.region(i)[0..@max(self.dirty[i], self.fbas[i].end_index)], 0xAA);
                self.dirty[i] = 0;
                self.fbas[i] = std.heap.FixedBufferAllocator.init(self.region(i));
                var src = proto;
                src.alloc = self.fbas[i].allocator();
                const input = try gen(Input, &src);
                const state = try gen(State, &src);
                self.used[i] = self.fbas[i].end_index;
                return .{ .input = input, .state = state };
            }

            fn call(self: *Runner, proc: Proc, c: Case, side: u8) Result {
                var state = c.state;
                self.hooks.load_state(&state);
                where.side.store(side, .monotonic);
                _ = where.calls.fetchAdd(1, .monotonic);
                where.in_call.store(true, .monotonic);
                var r: Result = undefined;
                @memset(std.mem.asBytes(&r.out), 0xAA);
                r.out = proc(c.input);
                where.in_call.store(false, .monotonic);
                where.side.store(0, .monotonic);
                r.input = c.input;
                self.hooks.save_state(&r.state);
                return r;
            }

            /// True when the variant agrees with the baseline on the case (values and printed text).
            /// `detect`: look for printed text after this very case (a seek); the case loop
            /// instead looks once per batch.
            fn check(self: *Runner, proto: Src, case_no: u64, detect: bool) !bool {
                where.stats.current = case_no;
                const attributed = where.printing;
                var marks = [4]u64{ 0, 0, 0, 0 };
                const cb = try self.build(0, proto);
                const rb = self.call(self.baseline, cb, 1);
                if (attributed) marks[1] = printed.pos();
                const cv = try self.build(1, proto);
                const rv = self.call(self.variant, cv, 2);
                if (attributed) marks[2] = printed.pos();
                marks[3] = marks[2];
                var ok = eql(Result, rb, rv, self.policy, &where.stats);
                const again = ok and self.rerun;
                if (again) {
                    // Same value at another address: catches pointer-keyed caches and hidden state.
                    const cr = try self.build(2, proto);
                    const rr = self.call(self.variant, cr, 3);
                    if (attributed) marks[3] = printed.pos();
                    var ignore: FloatStats = .{};
                    ok = eql(Result, rv, rr, .bitwise, &ignore);
                }
                if (!attributed) {
                    if (detect and printed.pos() != 0) {
                        // The first text any proc printed: attribute it from now on, this case again.
                        where.printing = true;
                        printed.reset();
                        return self.check(proto, case_no, true);
                    }
                } else {
                    ok = ok and printed.rangesEqual(0, marks[1], marks[1], marks[2]) and
                        (!again or printed.rangesEqual(marks[1], marks[2], marks[2], marks[3]));
                    printed.reset();
                }
                if (comptime takes_alloc) {
                    if (ok and case_no % alloc_failure_every == 0) ok = try self.checkAllocFailure(proto);
                }
                return ok;
            }

            /// The case again with every allocation failing: both must answer the same.
            fn checkAllocFailure(self: *Runner, proto: Src) !bool {
                const attributed = where.printing;
                var fp = proto;
                fp.proc_alloc = failing_allocator;
                const cb = try self.build(0, fp);
                const rb = self.call(self.baseline, cb, 1);
                const m1 = printed.pos();
                const cv = try self.build(1, fp);
                const rv = self.call(self.variant, cv, 2);
                where.alloc_failure_cases += 1;
                var ok = eql(Result, rb, rv, self.policy, &where.stats);
                if (attributed) {
                    ok = ok and printed.rangesEqual(0, m1, m1, printed.pos());
                    printed.reset();
                }
                return ok;
            }

            fn report(self: *Runner, proto: Src, phase: []const u8, case_no: u64) void {
                // Shrink: keep the smallest byte string that still fails.
                var tape: std.ArrayList(u8) = .empty;
                var rec = proto;
                rec.tape = &tape;
                _ = self.check(rec, case_no, true) catch {};
                const best = self.shrink(tape.items, case_no);
                // Decode the shrunk case for the record, then print both outputs (and texts).
                const s = Src{ .mode = .replay, .bytes = best, .alloc = undefined };
                printed.reset();
                var cb = self.build(0, s) catch return;
                var rb = self.call(self.baseline, cb, 1);
                var m1 = printed.pos();
                var cv = self.build(1, s) catch return;
                var rv = self.call(self.variant, cv, 2);
                var m2 = printed.pos();
                var ignore: FloatStats = .{};
                var alloc_fails = false;
                if (comptime takes_alloc) {
                    if (eql(Result, rb, rv, self.policy, &ignore) and printed.rangesEqual(0, m1, m1, m2)) {
                        // They differ only when every allocation fails: show that.
                        alloc_fails = true;
                        printed.reset();
                        var fs = s;
                        fs.proc_alloc = failing_allocator;
                        cb = self.build(0, fs) catch return;
                        rb = self.call(self.baseline, cb, 1);
                        m1 = printed.pos();
                        cv = self.build(1, fs) catch return;
                        rv = self.call(self.variant, cv, 2);
                        m2 = printed.pos();
                    }
                }
                var tb: [2048]u8 = undefined;
                var tv: [2048]u8 = undefined;
                const text_b = printed.read(0, m1, &tb);
                const text_v = printed.read(m1, m2, &tv);
                printed.reset();
                emit("{{\"t\":\"counterexample\",\"phase\":\"{s}\",\"case\":{d},\"bytes\":\"{x}\",\"input\":\"{f}\",\"baseline\":\"{f}\",\"variant\":\"{f}\",\"printed\":{},\"baseline_text\":\"{f}\",\"variant_text\":\"{f}\",\"text_bytes\":[{d},{d}],\"alloc_fails\":{}}}", .{
                    phase,                           case_no,                                 best,
                    fmtAny(.{ cb.input, cb.state }), fmtAny(.{ rb.out, rb.input, rb.state }), fmtAny(.{ rv.out, rv.input, rv.state }),
                    where.printing,                  jsonText(text_b),                        jsonText(text_v),
                    m1,                              m2 - m1,                                 alloc_fails,
                });
            }

            /// Shrinking runs in a child process: a smaller candidate outside the baseline's
            /// domain may panic or hang, which ends shrinking there, not the test. The best case
            /// so far lives in shared memory.
            fn shrink(self: *Runner, start: []const u8, case_no: u64) []const u8 {
                if (builtin.os.tag != .linux or start.len == 0) return start;
                const shared = std.posix.mmap(null, start.len + 8, std.posix.PROT.READ | std.posix.PROT.WRITE, .{ .TYPE = .SHARED, .ANONYMOUS = true }, -1, 0) catch return start;
                const len_ptr: *u64 = @ptrCast(@alignCast(shared[0..8]));
                len_ptr.* = start.len;
                @memcpy(shared[8..][0..start.len], start);
                const pid = std.posix.fork() catch return start;
                if (pid == 0) {
                    var mine = where.*;
                    where = &mine;
                    quiet_panics = true;
                    self.shrinkIn(shared, case_no);
                    std.posix.exit(0);
                }
                // Shrinking has a time budget; a child still running after it (a hang) is stopped.
                const deadline = nowNs() + 3 * std.time.ns_per_s / 2;
                while (true) {
                    const r = std.posix.waitpid(pid, std.posix.W.NOHANG);
                    if (r.pid == pid) break;
                    if (nowNs() > deadline) {
                        std.posix.kill(pid, std.posix.SIG.KILL) catch {};
                        _ = std.posix.waitpid(pid, 0);
                        break;
                    }
                    std.Thread.sleep(std.time.ns_per_ms);
                }
                // The child wrote into the shared regions: poison them whole before the next case.
                self.dirty = .{ region_size, region_size, region_size };
                if (len_ptr.* == 0) return start;
                return shared[8..][0..len_ptr.*];
            }

            fn shrinkIn(self: *Runner, shared: []u8, case_no: u64) void {
                const len_ptr: *u64 = @ptrCast(@alignCast(shared[0..8]));
                var best: []const u8 = std.heap.page_allocator.dupe(u8, shared[8..][0..len_ptr.*]) catch return;
                _ = self.check(.{ .mode = .replay, .bytes = best, .alloc = undefined }, case_no, true) catch {};
                var best_size = self.used[0];
                var tries: usize = 0;
                const deadline = nowNs() + std.time.ns_per_s;
                var improved = true;
                while (improved and tries < 4000) {
                    improved = false;
                    var chunk: usize = @max(best.len / 2, 1);
                    while (chunk >= 1) : (chunk /= 2) {
                        var start: usize = 0;
                        while (start < best.len and tries < 4000 and nowNs() < deadline) : (start += chunk) {
                            const end = @min(start + chunk, best.len);
                            // Try removing the chunk, then zeroing it, then halving its bytes.
                            const cands = [_]u8{ 0, 1, 2 };
                            for (cands) |how| {
                                const cand = mutate(best, start, end, how) orelse continue;
                                tries += 1;
                                const s = Src{ .mode = .replay, .bytes = cand, .alloc = undefined };
                                const fails = !(self.check(s, case_no, true) catch true);
                                // A smaller byte string must not build a larger value (a length read anew).
                                if (fails and self.used[0] <= best_size) {
                                    best = cand;
                                    best_size = self.used[0];
                                    improved = true;
                                    // Zero length while copying: a child stopped mid-copy leaves no torn case.
                                    len_ptr.* = 0;
                                    @memcpy(shared[8..][0..best.len], best);
                                    len_ptr.* = best.len;
                                    break;
                                } else std.heap.page_allocator.free(cand);
                            }
                        }
                        if (chunk == 1) break;
                    }
                }
            }
        };

        fn mutate(src: []const u8, start: usize, end: usize, how: u8) ?[]u8 {
            const a = std.heap.page_allocator;
            switch (how) {
                0 => {
                    const out = a.alloc(u8, src.len - (end - start)) catch return null;
                    @memcpy(out[0..start], src[0..start]);
                    @memcpy(out[start..], src[end..]);
                    return out;
                },
                1 => {
                    var nonzero = false;
                    for (src[start..end]) |b| nonzero = nonzero or b != 0;
                    if (!nonzero) return null;
                    const out = a.dupe(u8, src) catch return null;
                    @memset(out[start..end], 0);
                    return out;
                },
                else => {
                    var big = false;
                    for (src[start..end]) |b| big = big or b > 1;
                    if (!big) return null;
                    const out = a.dupe(u8, src) catch return null;
                    for (out[start..end]) |*b| b.* /= 2;
                    return out;
                },
            }
        }

        const Args = struct {
            mode: []const u8 = "test",
            variant: usize = 0,
            seed: u64 = 1,
            cases: u64 = 100,
            edges: bool = true,
            replay: ?[]const u8 = null,
            resume_phase: u8 = 0,
            resume_case: u64 = 0,
            case_ms: i64 = 2000,
            pairs: usize = 30,
            max_failures: u64 = 1,
            rerun: bool = true,
        };

        fn parseArgs(alloc: std.mem.Allocator) !Args {
            var args: Args = .{};
            const argv = try std.process.argsAlloc(alloc);
            var i: usize = 1;
            while (i + 1 < argv.len) : (i += 2) {
                const k = argv[i];
                const v = argv[i + 1];
                if (std.mem.eql(u8, k, "--mode")) args.mode = v;
                if (std.mem.eql(u8, k, "--variant")) args.variant = try std.fmt.parseInt(usize, v, 10);
                if (std.mem.eql(u8, k, "--seed")) args.seed = try std.fmt.parseInt(u64, v, 10);
                if (std.mem.eql(u8, k, "--cases")) args.cases = try std.fmt.parseInt(u64, v, 10);
                if (std.mem.eql(u8, k, "--edges")) args.edges = std.mem.eql(u8, v, "1");
                if (std.mem.eql(u8, k, "--replay")) args.replay = v;
                if (std.mem.eql(u8, k, "--resume")) {
                    var it = std.mem.splitScalar(u8, v, ':');
                    args.resume_phase = try std.fmt.parseInt(u8, it.next() orelse "0", 10);
                    args.resume_case = try std.fmt.parseInt(u64, it.next() orelse "0", 10);
                }
                if (std.mem.eql(u8, k, "--case-ms")) args.case_ms = try std.fmt.parseInt(i64, v, 10);
                if (std.mem.eql(u8, k, "--pairs")) args.pairs = try std.fmt.parseInt(usize, v, 10);
                if (std.mem.eql(u8, k, "--max-failures")) args.max_failures = try std.fmt.parseInt(u64, v, 10);
                if (std.mem.eql(u8, k, "--rerun")) args.rerun = std.mem.eql(u8, v, "1");
            }
            return args;
        }

        /// Recorded or regression cases: a file of [u32 little-endian length][bytes] records.
        fn readCorpus(alloc: std.mem.Allocator, path: []const u8) ![]const []const u8 {
            const data = try std.fs.cwd().readFileAlloc(alloc, path, 1 << 30);
            var list: std.ArrayList([]const u8) = .empty;
            var pos: usize = 0;
            while (pos + 4 <= data.len) {
                const n = std.mem.readInt(u32, data[pos..][0..4], .little);
                pos += 4;
                if (pos + n > data.len) break;
                try list.append(alloc, data[pos .. pos + n]);
                pos += n;
            }
            return list.items;
        }

        fn caseSeed(seed: u64, i: u64) u64 {
            var z = seed +% (i +% 1) *% 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) *% 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) *% 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }

        /// A random phase draws at most this many cases per case asked for: a baseline that
        /// panics on most inputs ends the phase short (an inconclusive test), not endless.
        const attempts_per_case: u64 = 4;

        pub fn main(baseline: Proc, variants: []const Variant, hooks: Hooks, policy: FloatPolicy) void {
            const alloc = std.heap.page_allocator;
            const args = parseArgs(alloc) catch {
                emit("{{\"t\":\"error\",\"msg\":\"bad arguments\"}}", .{});
                std.posix.exit(2);
            };
            if (args.variant >= variants.len) {
                emit("{{\"t\":\"error\",\"msg\":\"no variant {d}\"}}", .{args.variant});
                std.posix.exit(2);
            }
            const testing = !std.mem.eql(u8, args.mode, "bench") and !std.mem.eql(u8, args.mode, "calls");
            // The harness's lines keep the original stdout; what procs print goes elsewhere.
            proto_fd = std.posix.dup(1) catch 1;
            if (testing) printed.open() else silence();
            // Regions and counters shared with the supervising parent (no copy-on-write on fork).
            const mem = sharedAlloc(3 * region_size) orelse {
                emit("{{\"t\":\"error\",\"msg\":\"cannot map the case regions\"}}", .{});
                std.posix.exit(2);
            };
            @memset(mem, 0xAA);
            // The supervisor reads the counts its children leave here: without it there is no run.
            const w = sharedAlloc(@sizeOf(Where)) orelse {
                emit("{{\"t\":\"error\",\"msg\":\"cannot map shared memory\"}}", .{});
                std.posix.exit(2);
            };
            const shared: *Where = @ptrCast(@alignCast(w.ptr));
            shared.* = .{};
            where = shared;
            var r = Runner{ .baseline = baseline, .variant = variants[args.variant].proc, .hooks = hooks, .policy = policy, .mem = mem, .rerun = args.rerun };
            for (0..3) |k| r.fbas[k] = std.heap.FixedBufferAllocator.init(r.region(k)[0..0]);
            const corpus: []const []const u8 = if (args.replay) |p| readCorpus(alloc, p) catch &.{} else &.{};
            if (!testing) {
                if (std.mem.eql(u8, args.mode, "bench")) return bench(&r, args, corpus);
                return calls(&r, args);
            }

            const space = comptime spaceBits(Case);
            const exhaustive = comptime space != null and space.? <= 20;
            emit("{{\"t\":\"start\",\"variant\":\"{s}\",\"space_bits\":{?d},\"exhaustive\":{},\"edge_cases\":{d},\"corpus\":{d},\"text_capture\":{}}}", .{
                variants[args.variant].tag, space, exhaustive, edgeCount(), corpus.len, printed.fd >= 0,
            });
            const t0 = nowNs();
            var from = [2]u64{ args.resume_phase, args.resume_case };
            // The supervisor: cases run in a child process. When the baseline panics, hangs or
            // crashes on a case, that input is outside its domain: it is counted and a new child
            // goes on from the next case. When the variant does, the test stops there (rejected).
            while (true) {
                const pid: std.posix.pid_t = if (builtin.os.tag == .linux) std.posix.fork() catch 0 else 0;
                if (pid == 0) {
                    _ = std.Thread.spawn(.{}, watchdog, .{args.case_ms * std.time.ns_per_ms}) catch {};
                    runCases(&r, args, corpus, from);
                    if (builtin.os.tag == .linux) std.posix.exit(0);
                    break;
                }
                const status = std.posix.waitpid(pid, 0).status;
                const exited = std.posix.W.IFEXITED(status);
                const code: u8 = if (exited) std.posix.W.EXITSTATUS(status) else 5;
                if (exited and code == 0) break;
                const side = where.side.load(.seq_cst);
                const phase = where.phase.load(.seq_cst);
                const case = where.case.load(.seq_cst);
                if (code != 3 and code != 4 and (side != 1 or where.out_of_domain < ood_shown)) {
                    const sig: u32 = if (exited) 0 else std.posix.W.TERMSIG(status);
                    emit("{{\"t\":\"crash\",\"phase\":\"{s}\",\"case\":{d},\"side\":\"{s}\",\"exit\":{d},\"signal\":{d},\"done\":[{d},{d},{d},{d}]}}", .{
                        phase_names[phase], case, side_names[side], if (exited) code else 0, sig,
                        where.done[0], where.done[1], where.done[2], where.done[3],
                    });
                }
                if (side != 1) std.posix.exit(code);
                // Text printed in the dead child's unchecked batch: run that batch again with
                // text compared (the case that died dies again and is counted then).
                if (textTurnedUp()) {
                    from = .{ where.batch_phase, where.batch_start };
                    continue;
                }
                where.out_of_domain += 1;
                // Whatever the dead call printed is not part of the next case's text.
                printed.reset();
                from = .{ phase, case + 1 };
            }
            const short = !exhaustive and where.done[2] < args.cases;
            emit("{{\"t\":\"done\",\"done\":[{d},{d},{d},{d}],\"failures\":{d},\"out_of_domain\":{d},\"attempts\":{d},\"short\":{},\"printed\":{},\"alloc_failure_cases\":{d},\"max_ulp\":{d},\"max_abs\":{e},\"argmax\":{?d},\"ns\":{d}}}", .{
                where.done[0],         where.done[1],   where.done[2],   where.done[3],    where.failures,  where.out_of_domain,
                where.attempts,        short,           where.printing,  where.alloc_failure_cases, where.stats.max_ulp, where.stats.max_abs, where.stats.argmax,
                nowNs() - t0,
            });
            std.posix.exit(0);
        }

        /// Replay, then every edge case (or the whole space when it is small), then random cases,
        /// starting at `from` (phase, case).
        fn runCases(r: *Runner, args: Args, corpus: []const []const u8, from: [2]u64) void {
            const space = comptime spaceBits(Case);
            const exhaustive = comptime space != null and space.? <= 20;
            const space_cases: u64 = comptime if (exhaustive) @as(u64, 1) << @intCast(space.?) else 0;
            const phases = if (exhaustive) [_]u8{ 0, 3 } else [_]u8{ 0, 1, 2 };
            for (phases) |phase| {
                if (phase < from[0]) continue;
                if (phase == 1 and !args.edges) continue;
                const first: u64 = if (phase == from[0]) from[1] else 0;
                // Random cases: until `cases` ran in the baseline's domain (or the attempts run out).
                const total: u64 = switch (phase) {
                    0 => corpus.len,
                    1 => edgeCount(),
                    2 => args.cases * attempts_per_case,
                    else => space_cases,
                };
                where.phase.store(phase, .seq_cst);
                var i: u64 = first;
                startBatch(phase, i);
                while (true) {
                    const end = i >= total or (phase == 2 and where.done[2] >= args.cases);
                    // Printed text is looked for once per batch of cases (a seek costs as much
                    // as a case), before a failure is reported and at the end of the phase.
                    if (end or i - where.batch_start >= text_batch) {
                        if (textTurnedUp()) {
                            i = where.batch_start;
                            continue;
                        }
                        startBatch(phase, i);
                    }
                    if (end) break;
                    if (phase == 2) where.attempts = i + 1;
                    where.case.store(i, .monotonic);
                    const proto: Src = switch (phase) {
                        0 => .{ .mode = .replay, .bytes = corpus[i], .alloc = undefined },
                        1 => .{ .mode = .edge, .edge_k = i, .alloc = undefined },
                        2 => .{ .mode = .random, .rng = std.Random.DefaultPrng.init(caseSeed(args.seed, i)), .alloc = undefined },
                        else => .{ .mode = .exhaustive, .bits = i, .alloc = undefined },
                    };
                    const ok = r.check(proto, i, false) catch |e| {
                        emit("{{\"t\":\"skip\",\"phase\":\"{s}\",\"case\":{d},\"why\":\"{s}\"}}", .{ phase_names[phase], i, @errorName(e) });
                        i += 1;
                        continue;
                    };
                    where.done[phase] += 1;
                    if (!ok) {
                        where.failures += 1;
                        if (textTurnedUp()) {
                            i = where.batch_start;
                            continue;
                        }
                        if (where.shown < args.max_failures) {
                            where.shown += 1;
                            r.report(proto, phase_names[phase], i);
                            // Shrinking may have printed (into the same memory file): not this batch's text.
                            if (!where.printing) printed.reset();
                        }
                    }
                    if (i % 65536 == 65535) emit("{{\"t\":\"progress\",\"phase\":\"{s}\",\"done\":{d},\"total\":{d}}}", .{ phase_names[phase], i + 1, total });
                    i += 1;
                }
            }
        }

        const text_batch: u64 = 64;

        fn startBatch(phase: u8, i: u64) void {
            where.batch_phase = phase;
            where.batch_start = i;
            where.batch_done = where.done[phase];
            where.batch_failures = where.failures;
            where.batch_alloc = where.alloc_failure_cases;
        }

        /// True when a proc printed during the current batch (while text was not yet compared):
        /// text is compared from now on and the batch's counts are rolled back to run it again.
        fn textTurnedUp() bool {
            if (where.printing or printed.pos() == 0) return false;
            where.printing = true;
            printed.reset();
            where.done[where.batch_phase] = where.batch_done;
            where.failures = where.batch_failures;
            where.alloc_failure_cases = where.batch_alloc;
            return true;
        }

        fn edgeCount() u64 {
            return 64;
        }

        /// Interleaved pairs on the same inputs; prints per-pair times of both sides.
        fn bench(r: *Runner, args: Args, corpus: []const []const u8) void {
            const n_inputs: usize = if (corpus.len > 0) corpus.len else 256;
            const cases = std.heap.page_allocator.alloc(Case, n_inputs) catch std.posix.exit(2);
            const arena_mem = std.heap.page_allocator.alloc(u8, region_size) catch std.posix.exit(2);
            var fba = std.heap.FixedBufferAllocator.init(arena_mem);
            for (cases, 0..) |*c, i| {
                var src: Src = if (corpus.len > 0)
                    .{ .mode = .replay, .bytes = corpus[i], .alloc = fba.allocator(), .proc_alloc = call_fba.allocator() }
                else
                    .{ .mode = .random, .rng = std.Random.DefaultPrng.init(caseSeed(args.seed, i)), .alloc = fba.allocator(), .proc_alloc = call_fba.allocator() };
                c.input = gen(Input, &src) catch std.posix.exit(2);
                c.state = gen(State, &src) catch std.posix.exit(2);
            }
            const procs = [2]Proc{ r.baseline, r.variant };
            // Calibrate: repeat the input set until one run takes at least ~1 ms.
            var reps: usize = 1;
            while (reps < (1 << 20)) : (reps *= 2) {
                if (sample(procs[0], r.hooks, cases, reps) >= std.time.ns_per_ms) break;
            }
            const warmup: usize = 5;
            emit("{{\"t\":\"bench_start\",\"inputs\":{d},\"reps\":{d},\"pairs\":{d},\"warmup\":{d},\"recorded\":{}}}", .{ n_inputs, reps, args.pairs, warmup, corpus.len > 0 });
            var p: usize = 0;
            while (p < args.pairs + warmup) : (p += 1) {
                // ABBA order alternates which side runs first.
                const first: usize = p % 2;
                var t: [2]u64 = undefined;
                // Each side's time in a pair is the fastest of 5 short runs, alternating sides:
                // noise only ever adds time (preemption on a shared machine), so the minimum
                // filters it out without favouring either side.
                t = .{ std.math.maxInt(u64), std.math.maxInt(u64) };
                for (0..5) |_| {
                    t[first] = @min(t[first], sample(procs[first], r.hooks, cases, reps));
                    t[1 - first] = @min(t[1 - first], sample(procs[1 - first], r.hooks, cases, reps));
                }
                if (p >= warmup) emit("{{\"t\":\"pair\",\"baseline_ns\":{d},\"variant_ns\":{d}}}", .{ t[0], t[1] });
            }
            emit("{{\"t\":\"bench_done\"}}", .{});
            std.posix.exit(0);
        }

        /// The cost of calling the baseline alone on pre-built inputs: what the harness adds is the rest.
        fn calls(r: *Runner, args: Args) void {
            const n_inputs: usize = 4096;
            const cases = std.heap.page_allocator.alloc(Case, n_inputs) catch std.posix.exit(2);
            const arena_mem = std.heap.page_allocator.alloc(u8, region_size) catch std.posix.exit(2);
            var fba = std.heap.FixedBufferAllocator.init(arena_mem);
            for (cases, 0..) |*c, i| {
                var src: Src = .{ .mode = .random, .rng = std.Random.DefaultPrng.init(caseSeed(args.seed, i)), .alloc = fba.allocator(), .proc_alloc = call_fba.allocator() };
                c.input = gen(Input, &src) catch std.posix.exit(2);
                c.state = gen(State, &src) catch std.posix.exit(2);
            }
            const reps: usize = @max(1, args.cases / n_inputs);
            const ns = sample(r.baseline, r.hooks, cases, reps);
            emit("{{\"t\":\"calls\",\"calls\":{d},\"ns\":{d}}}", .{ reps * n_inputs, ns });
            std.posix.exit(0);
        }

        fn sample(proc: Proc, hooks: Hooks, cases: []const Case, reps: usize) u64 {
            var timer = std.time.Timer.start() catch unreachable;
            for (0..reps) |_| {
                for (cases) |*c| {
                    hooks.load_state(&c.state);
                    if (comptime takes_alloc) call_fba.reset();
                    const out = proc(c.input);
                    std.mem.doNotOptimizeAway(&out);
                }
            }
            return timer.read();
        }
    };
}

/// `{any}` text of a value, escaped for a JSON string.
fn fmtAny(v: anytype) std.fmt.Alt(AnyCtx(@TypeOf(v)), AnyCtx(@TypeOf(v)).format) {
    return .{ .data = .{ .v = v } };
}

fn AnyCtx(comptime T: type) type {
    return struct {
        v: T,
        fn format(self: @This(), w: *std.Io.Writer) std.Io.Writer.Error!void {
            var buf: [1024]u8 = undefined;
            var fw = std.Io.Writer.fixed(&buf);
            fw.print("{any}", .{self.v}) catch {};
            const text = fw.buffered();
            try w.print("{f}", .{jsonText(text)});
            if (text.len == buf.len) try w.writeAll("...");
        }
    };
}
