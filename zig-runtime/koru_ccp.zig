//! CCP transition recorder, linked into programs built with `koruc --ccp` / `--profile`.
//!
//! The compiler emits a comptime table of sites (one per invocation site and branch of
//! the invoked event) and wraps every invocation in `observe(site, handler, input)`.
//! Per invocation the recorder reads the cycle counter twice, updates exact per-site
//! aggregates in thread-local memory and appends a 24-byte record to a thread-local
//! buffer; records become JSONL `transition` lines in batches. Nothing is formatted or
//! written on the hot path. At `finish` (or on panic) every thread's aggregates are
//! merged into `edge_stats` lines and a `recorder_summary`.
//!
//! Output: the fd in KORU_CCP_FD, else the file KORU_CCP_FILE, else stderr (never
//! stdout). KORU_CCP_MAX_TRANSITIONS caps raw lines (default 1,000,000; 0 = none).
//! KORU_PROFILE_FILE receives a Chrome trace (complete events, real pid and tid).
const std = @import("std");
const builtin = @import("builtin");

pub const Site = struct {
    source: []const u8,
    branch: []const u8,
    destination: ?[]const u8,
};

pub const Options = struct {
    transitions: bool = true,
    profile: bool = false,
};

pub fn Recorder(comptime sites: []const Site) type {
    return struct {
        const Self = @This();
        const site_count = sites.len;
        const batch = 4096;

        const Agg = struct {
            count: u64 = 0,
            total: u64 = 0,
            self: u64 = 0,
            min: u64 = std.math.maxInt(u64),
            max: u64 = 0,
        };

        const Record = struct { site: u32, start: u64, ticks: u64 };

        const Thread = struct {
            aggs: [site_count]Agg = [_]Agg{.{}} ** site_count,
            records: [batch]Record = undefined,
            len: usize = 0,
            /// Raw slots this thread reserved against the global cap.
            reserved: usize = 0,
            /// Ticks spent in invocations nested in the current one.
            child: u64 = 0,
            /// Clock at the end of this thread's last observed invocation.
            last: u64 = 0,
            tid: u64 = 0,
            next: ?*Thread = null,
        };

        threadlocal var current: ?*Thread = null;
        var threads: ?*Thread = null;
        var threads_lock: std.Thread.Mutex = .{};
        var write_lock: std.Thread.Mutex = .{};

        var enabled_raw: bool = true;
        var profile: bool = false;
        var cap: usize = 1_000_000;
        var reserved_total = std.atomic.Value(usize).init(0);
        var flush_ticks = std.atomic.Value(u64).init(0);

        const Block = struct { records: [batch]Record = undefined, len: usize = 0, tid: u64 = 0 };
        const ring_size = 64;
        var ring: [ring_size]Block = [_]Block{.{}} ** ring_size;
        var ring_head: usize = 0;
        var ring_count: usize = 0;
        var ring_lock: std.Thread.Mutex = .{};
        var ring_cond: std.Thread.Condition = .{};
        var stopping = false;
        var writer: ?std.Thread = null;
        var written: usize = 0;
        var out_fd: std.posix.fd_t = 2;
        var trace_fd: ?std.posix.fd_t = null;
        var trace_first = true;
        var started = false;
        var finished = std.atomic.Value(bool).init(false);
        var tick0: u64 = 0;
        var mono0: u64 = 0;
        var wall0_ms: u64 = 0;

        /// Per-site JSON prefixes, built once at comptime.
        const prefixes = blk: {
            var p: [site_count][]const u8 = undefined;
            for (sites, 0..) |s, i| {
                p[i] = "{\"type\":\"transition\",\"source\":" ++ jsonString(s.source) ++ ",\"branch\":" ++ jsonString(s.branch) ++
                    ",\"destination\":" ++ (if (s.destination) |d| jsonString(d) else "null");
            }
            break :blk p;
        };

        pub fn start(opts: Options) void {
            if (started) return;
            started = true;
            profile = opts.profile;
            enabled_raw = opts.transitions;
            if (std.posix.getenv("KORU_CCP_MAX_TRANSITIONS")) |v| cap = std.fmt.parseInt(usize, v, 10) catch cap;
            if (std.posix.getenv("KORU_CCP_FD")) |v| {
                out_fd = std.fmt.parseInt(std.posix.fd_t, v, 10) catch 2;
            } else if (std.posix.getenv("KORU_CCP_FILE")) |path| {
                out_fd = std.posix.open(path, .{ .ACCMODE = .WRONLY, .CREAT = true, .TRUNC = true }, 0o644) catch 2;
            } else if (!opts.transitions) {
                out_fd = -1; // Profiling only: no JSONL unless asked for.
            }
            if (profile) {
                // Where upstream's profiler writes, unless koruc (or the user) says otherwise.
                const path = std.posix.getenv("KORU_PROFILE_FILE") orelse "/tmp/koru_profile.json";
                trace_fd = std.posix.open(path, .{ .ACCMODE = .WRONLY, .CREAT = true, .TRUNC = true }, 0o644) catch null;
                if (trace_fd) |fd| writeAll(fd, "{\"traceEvents\":[\n");
            }
            if (!enabled_raw and trace_fd == null) cap = 0;
            if (cap > 0) writer = std.Thread.spawn(.{}, writerLoop, .{}) catch null;
            wall0_ms = @intCast(std.time.milliTimestamp());
            mono0 = monotonic();
            tick0 = ticks();
        }

        /// Call `handler(input)` and record the invocation at `site` + the branch taken.
        pub inline fn observe(comptime site: u32, comptime handler: anytype, input: InputOf(handler)) ReturnOf(handler) {
            return record(site, handler, input, false);
        }

        /// Like `observe`, for an invocation that directly follows another observed one on
        /// this thread (a continuation's first step, a label loop's next iteration): it
        /// starts when that one ended, so one clock read serves both.
        pub inline fn observeChained(comptime site: u32, comptime handler: anytype, input: InputOf(handler), chained: bool) ReturnOf(handler) {
            return record(site, handler, input, chained);
        }

        inline fn record(comptime site: u32, comptime handler: anytype, input: InputOf(handler), chained: bool) ReturnOf(handler) {
            const t = state();
            const outer_child = t.child;
            t.child = 0;
            const t0 = if (chained) t.last else ticks();
            const result = handler(input);
            const t1 = ticks();
            t.last = t1;
            const elapsed = t1 -% t0;
            const index = site + branchIndex(result);
            const agg = &t.aggs[index];
            agg.count += 1;
            agg.total += elapsed;
            agg.self += elapsed -| t.child;
            agg.min = @min(agg.min, elapsed);
            agg.max = @max(agg.max, elapsed);
            t.child = outer_child + elapsed;
            if (t.reserved > 0) {
                t.records[t.len] = .{ .site = index, .start = t0, .ticks = elapsed };
                t.len += 1;
                t.reserved -= 1;
                if (t.len == batch) {
                    handOff(t);
                    t.last = ticks(); // A chained successor must not be charged for the hand-off.
                }
            } else if (cap > 0) {
                reserve(t, index, t0, elapsed);
            }
            return result;
        }

        fn InputOf(comptime handler: anytype) type {
            return @typeInfo(@TypeOf(handler)).@"fn".params[0].type.?;
        }

        fn ReturnOf(comptime handler: anytype) type {
            return @typeInfo(@TypeOf(handler)).@"fn".return_type.?;
        }

        inline fn branchIndex(result: anytype) u32 {
            const T = @TypeOf(result);
            if (T == void) return 0;
            return @intFromEnum(@as(std.meta.Tag(T), result));
        }

        noinline fn reserve(t: *Thread, index: u32, t0: u64, elapsed: u64) void {
            const got = reserved_total.fetchAdd(batch, .monotonic);
            if (got >= cap) return;
            t.reserved = @min(batch, cap - got);
            t.records[t.len] = .{ .site = index, .start = t0, .ticks = elapsed };
            t.len += 1;
            t.reserved -= 1;
            if (t.len == batch) handOff(t);
            t.last = ticks();
        }

        inline fn state() *Thread {
            if (current) |t| return t;
            return register();
        }

        noinline fn register() *Thread {
            const t = std.heap.page_allocator.create(Thread) catch @panic("koru_ccp: out of memory");
            t.* = .{};
            t.tid = std.Thread.getCurrentId();
            t.last = ticks();
            threads_lock.lock();
            t.next = threads;
            threads = t;
            threads_lock.unlock();
            current = t;
            return t;
        }

        /// A full buffer goes to the writer thread (a copy, no formatting on the program's
        /// thread); when the writer is behind or absent, the thread formats it itself.
        fn handOff(t: *Thread) void {
            const f0 = ticks();
            defer _ = flush_ticks.fetchAdd(ticks() -% f0, .monotonic);
            if (writer != null) {
                ring_lock.lock();
                if (ring_count < ring_size) {
                    const slot = &ring[(ring_head + ring_count) % ring_size];
                    @memcpy(slot.records[0..t.len], t.records[0..t.len]);
                    slot.len = t.len;
                    slot.tid = t.tid;
                    ring_count += 1;
                    ring_cond.signal();
                    ring_lock.unlock();
                    t.len = 0;
                    return;
                }
                ring_lock.unlock();
            }
            formatRecords(t.records[0..t.len], t.tid);
            t.len = 0;
        }

        fn writerLoop() void {
            while (true) {
                ring_lock.lock();
                while (ring_count == 0 and !stopping) ring_cond.wait(&ring_lock);
                if (ring_count == 0) {
                    ring_lock.unlock();
                    return;
                }
                const slot = &ring[ring_head];
                ring_lock.unlock();
                formatRecords(slot.records[0..slot.len], slot.tid);
                ring_lock.lock();
                ring_head = (ring_head + 1) % ring_size;
                ring_count -= 1;
                ring_lock.unlock();
            }
        }

        fn stopWriter() void {
            const w = writer orelse return;
            ring_lock.lock();
            stopping = true;
            ring_cond.signal();
            ring_lock.unlock();
            w.join();
            writer = null;
        }

        fn flushThread(t: *Thread) void {
            if (t.len == 0) return;
            formatRecords(t.records[0..t.len], t.tid);
            t.len = 0;
        }

        fn formatRecords(records: []const Record, tid: u64) void {
            var buf: [64 * 1024]u8 = undefined;
            var n: usize = 0;
            const scale = nsPerTick();
            write_lock.lock();
            defer write_lock.unlock();
            // Ticks to ns in 32.32 fixed point: no float conversions per record.
            const mul: u128 = @intFromFloat(scale * 4294967296.0);
            for (records) |r| {
                const start_ns: u64 = @truncate((@as(u128, r.start -% tick0) * mul) >> 32);
                const dur_ns: u64 = @truncate((@as(u128, r.ticks) * mul) >> 32);
                if (enabled_raw) {
                    if (n + prefixes[r.site].len + 96 > buf.len) {
                        writeAll(out_fd, buf[0..n]);
                        n = 0;
                    }
                    const wall_ms: u64 = wall0_ms + start_ns / 1_000_000;
                    n = append(&buf, n, prefixes[r.site]);
                    n = append(&buf, n, ",\"timestamp\":");
                    n = appendInt(&buf, n, wall_ms);
                    n = append(&buf, n, ",\"timestamp_ns\":");
                    n = appendInt(&buf, n, start_ns);
                    n = append(&buf, n, ",\"duration_ns\":");
                    n = appendInt(&buf, n, dur_ns);
                    n = append(&buf, n, "}\n");
                    written += 1;
                }
                if (trace_fd) |fd| writeTrace(fd, r.site, start_ns, dur_ns, tid);
            }
            if (n > 0) writeAll(out_fd, buf[0..n]);
        }

        fn writeTrace(fd: std.posix.fd_t, site: u32, start_ns: u64, dur_ns: u64, tid: u64) void {
            var buf: [512]u8 = undefined;
            const sep: []const u8 = if (trace_first) "" else ",\n";
            trace_first = false;
            const line = std.fmt.bufPrint(&buf, "{s}{{\"name\":{s},\"cat\":\"event\",\"ph\":\"X\",\"ts\":{d}.{d:0>3},\"dur\":{d}.{d:0>3},\"pid\":{d},\"tid\":{d}}}", .{
                sep, comptime_names[site], start_ns / 1000, start_ns % 1000, dur_ns / 1000, dur_ns % 1000, pid(), tid,
            }) catch return;
            writeAll(fd, line);
        }

        const comptime_names = blk: {
            var names: [site_count][]const u8 = undefined;
            for (sites, 0..) |s, i| names[i] = jsonString(s.source);
            break :blk names;
        };

        /// Flush every thread's records and write the exact per-edge statistics.
        pub fn finish() void {
            if (!started or finished.swap(true, .acq_rel)) return;
            stopWriter();
            const scale = nsPerTick();
            var total = [_]Agg{.{}} ** site_count;
            var thread_count: usize = 0;
            threads_lock.lock();
            var it = threads;
            while (it) |t| : (it = t.next) {
                thread_count += 1;
                flushThread(t);
                for (t.aggs, 0..) |a, i| {
                    if (a.count == 0) continue;
                    total[i].count += a.count;
                    total[i].total += a.total;
                    total[i].self += a.self;
                    total[i].min = @min(total[i].min, a.min);
                    total[i].max = @max(total[i].max, a.max);
                }
            }
            threads_lock.unlock();
            var invocations: u64 = 0;
            var buf: [2048]u8 = undefined;
            for (total, 0..) |a, i| {
                if (a.count == 0) continue;
                invocations += a.count;
                const s = sites[i];
                const line = std.fmt.bufPrint(&buf, "{{\"type\":\"edge_stats\",\"source\":{s},\"branch\":{s},\"destination\":{s},\"count\":{d},\"total_ns\":{d},\"self_ns\":{d},\"min_ns\":{d},\"max_ns\":{d}}}\n", .{
                    comptime_names[i], branch_json[i], dest_json[i], a.count, toNs(a.total, scale), toNs(a.self, scale), toNs(a.min, scale), toNs(a.max, scale),
                }) catch continue;
                writeAll(out_fd, line);
                _ = s;
            }
            const wall = monotonic() -% mono0;
            const dropped = if (enabled_raw) invocations - written else 0;
            const line = std.fmt.bufPrint(&buf, "{{\"type\":\"recorder_summary\",\"transitions_written\":{d},\"transitions_dropped\":{d},\"cap\":{d},\"wall_ns\":{d},\"recorder_ns\":{d},\"threads\":{d}}}\n", .{
                written, dropped, if (enabled_raw) cap else 0, wall, toNs(flush_ticks.load(.monotonic), scale), thread_count,
            }) catch return;
            writeAll(out_fd, line);
            if (trace_fd) |fd| {
                writeAll(fd, "\n]}\n");
                std.posix.close(fd);
            }
        }

        const branch_json = blk: {
            var v: [site_count][]const u8 = undefined;
            for (sites, 0..) |s, i| v[i] = jsonString(s.branch);
            break :blk v;
        };
        const dest_json = blk: {
            var v: [site_count][]const u8 = undefined;
            for (sites, 0..) |s, i| v[i] = if (s.destination) |d| jsonString(d) else "null";
            break :blk v;
        };

        /// Root panic handler: flush what was recorded, then panic as usual.
        pub const panic = std.debug.FullPanic(onPanic);

        fn onPanic(msg: []const u8, first_trace_addr: ?usize) noreturn {
            finish();
            std.debug.defaultPanic(msg, first_trace_addr);
        }

        fn nsPerTick() f64 {
            const dt = ticks() -% tick0;
            const dn = monotonic() -% mono0;
            if (dt == 0 or dn == 0) return 1.0;
            return @as(f64, @floatFromInt(dn)) / @as(f64, @floatFromInt(dt));
        }

        fn toNs(t: u64, scale: f64) u64 {
            return @intFromFloat(@as(f64, @floatFromInt(t)) * scale);
        }
    };
}

inline fn ticks() u64 {
    if (builtin.cpu.arch == .x86_64) {
        var lo: u32 = undefined;
        var hi: u32 = undefined;
        asm volatile ("rdtsc"
            : [lo] "={eax}" (lo),
              [hi] "={edx}" (hi),
        );
        return (@as(u64, hi) << 32) | lo;
    }
    return monotonic();
}

fn monotonic() u64 {
    const ts = std.posix.clock_gettime(.MONOTONIC) catch return 0;
    return @as(u64, @intCast(ts.sec)) * std.time.ns_per_s + @as(u64, @intCast(ts.nsec));
}

fn pid() i64 {
    if (builtin.os.tag == .linux) return std.os.linux.getpid();
    return 0;
}

inline fn append(buf: []u8, at: usize, text: []const u8) usize {
    @memcpy(buf[at .. at + text.len], text);
    return at + text.len;
}

/// "00" "01" ... "99": two digits per division.
const digit_pairs = blk: {
    var t: [200]u8 = undefined;
    for (0..100) |i| {
        t[2 * i] = '0' + @as(u8, @intCast(i / 10));
        t[2 * i + 1] = '0' + @as(u8, @intCast(i % 10));
    }
    break :blk t;
};

fn appendInt(buf: []u8, at: usize, value: u64) usize {
    var digits: [20]u8 = undefined;
    var i: usize = digits.len;
    var v = value;
    while (v >= 100) {
        const pair = (v % 100) * 2;
        v /= 100;
        i -= 2;
        digits[i] = digit_pairs[pair];
        digits[i + 1] = digit_pairs[pair + 1];
    }
    if (v >= 10) {
        i -= 2;
        digits[i] = digit_pairs[v * 2];
        digits[i + 1] = digit_pairs[v * 2 + 1];
    } else {
        i -= 1;
        digits[i] = @intCast('0' + v);
    }
    return append(buf, at, digits[i..]);
}

fn writeAll(fd: std.posix.fd_t, bytes: []const u8) void {
    if (fd < 0) return;
    var rest = bytes;
    while (rest.len > 0) {
        const n = std.posix.write(fd, rest) catch return;
        if (n == 0) return;
        rest = rest[n..];
    }
}

/// A JSON string literal for `text`, computed at comptime.
fn jsonString(comptime text: []const u8) []const u8 {
    comptime {
        var out: []const u8 = "\"";
        for (text) |c| {
            out = out ++ switch (c) {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                0...8, 11, 12, 14...31 => std.fmt.comptimePrint("\\u{x:0>4}", .{c}),
                else => &[_]u8{c},
            };
        }
        return out ++ "\"";
    }
}
