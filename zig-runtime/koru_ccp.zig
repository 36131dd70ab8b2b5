//! CCP transition recorder, linked into programs built with `koruc --ccp` / `--profile`.
//!
//! The compiler emits a comptime table of sites (one per invocation site and branch of
//! the invoked event) and wraps every invocation in `observe(site, handler, input)`.
//! What an invocation costs depends on the mode, fixed at compile time:
//! - `counts` (default): an exact counter per edge and the site on the thread's stack of
//!   sites (a slot of a static pool); no clock read. Time comes from a sampler thread that
//!   reads each program thread's CPU clock and its stack (no signals; docs/run-records.md).
//! - `timing`: every invocation timed with the cycle counter (exact totals, min, max).
//! - `transitions`: `timing` plus raw `transition` lines, the first N or a uniform sample.
//! At `finish` (or on panic) every thread's aggregates are merged into `edge_stats`
//! lines and a `recorder_summary`.
//!
//! Output: the fd in KORU_CCP_FD, else the file KORU_CCP_FILE, else stderr (never
//! stdout). KORU_CCP_MAX_TRANSITIONS caps raw lines (default 1,000,000; 0 = none);
//! KORU_CCP_SAMPLE=uniform keeps a uniform sample of that many instead of the first ones.
//! KORU_CCP_SAMPLE_US fixes the sampling period (default: 100 µs for 64 samples, then adapted
//! so the sampler uses about 5% of a core until 1,000 samples, 1% after). KORU_PROFILE_FILE receives
//! a Chrome trace (complete events, real pid and tid).
const std = @import("std");
const builtin = @import("builtin");
const text = @import("ccp_text.zig");
const clock = @import("ccp_clock.zig");

pub const Site = struct {
    source: []const u8,
    branch: []const u8,
    destination: ?[]const u8,
    /// Index of the first site of the same invocation (its branches are consecutive).
    invocation: u32 = 0,
};

pub const Mode = enum { counts, timing, transitions };

pub const Config = struct {
    mode: Mode = .counts,
    profile: bool = false,
};

/// Kept for generated code that passes start options; the mode is in `Config`.
pub const Options = struct {};

pub fn Recorder(comptime sites: []const Site, comptime config: Config) type {
    return struct {
        const site_count = sites.len;
        /// Arrays are never empty: a program with no event invocation still links.
        const slots = @max(site_count, 1);
        const batch = 4096;
        const timed = config.mode != .counts or config.profile;
        const sampled = !timed;
        const raw_lines = config.mode == .transitions;
        const keep_records = raw_lines or config.profile;
        /// Deeper nesting is counted exactly; samples go to the latest site entered that deep.
        const max_depth = 128;

        const Agg = struct {
            count: u64 = 0,
            total: u64 = 0,
            self: u64 = 0,
            min: u64 = std.math.maxInt(u64),
            max: u64 = 0,
        };

        const Record = struct { site: u32, start: u64, ticks: u64 };

        /// A thread of a timed mode (counts mode uses `Slot` and `Tally` instead).
        const Thread = struct {
            // Written by this thread only.
            aggs: [if (timed) slots else 0]Agg = [_]Agg{.{}} ** (if (timed) slots else 0),
            records: [if (keep_records) batch else 0]Record = undefined,
            len: usize = 0,
            /// Raw slots this thread reserved against the global cap.
            reserved: usize = 0,
            /// The global cap is used up: no more reservations (no atomic past the cap).
            exhausted: bool = false,
            /// Uniform sample of this thread's invocations (KORU_CCP_SAMPLE=uniform).
            reservoir: []Record = &.{},
            seen: u64 = 0,
            rng: u64 = 0,
            /// Ticks spent in invocations nested in the current one.
            child: u64 = 0,
            /// Clock at the end of this thread's last observed invocation.
            last: u64 = 0,
            /// Clock when the thread first invoked an event.
            first: u64 = 0,
            /// Ticks this thread spent handing records over or formatting them.
            flush: u64 = 0,
            tid: i32 = 0,
            next: ?*Thread = null,
        };

        threadlocal var current: ?*Thread = null;

        // Counts mode keeps each thread's state in static arrays indexed by a thread-local
        // slot number, never behind a pointer. The optimizer then knows that the recorder's
        // stores cannot touch the program's data and keeps that data in registers across
        // invocations as in the plain build: with the state behind a heap pointer, nbody's
        // bodies were stored and reloaded at every step (+50% time). For the same reason the
        // hot path contains no call the optimizer cannot see through (`enroll` is inline and
        // reads the thread id with a raw system call that touches no memory).

        /// What a program thread writes, in counts mode (the sampler only reads it).
        const Slot = struct {
            /// 2 × the depth of invocations in progress. A chainable invocation (a label loop's
            /// turn, a continuation's step) leaves it unchanged when it returns: the dispatch
            /// until the next invocation starts is charged to it, as `timing` charges a label
            /// loop's dispatch to its next turn. (The low bit, 1 = the same, is kept for readers
            /// of older layouts: the sampler treats 2d + 1 as depth d + 1.)
            pos: u32 = 0,
            /// Sites of the invocations in progress, outermost first; the last entry holds the
            /// latest one entered deeper than `max_depth`.
            stack: [max_depth + 1]u32 = [_]u32{0} ** (max_depth + 1),
            counts: [slots]u64 = [_]u64{0} ** slots,
        };

        /// What the sampler writes about a program thread, in counts mode.
        const Tally = struct {
            /// Written once by the thread when it takes its slot; 0 until then.
            tid: i32 = 0,
            /// The sampler has read this thread's CPU clock at least once.
            seen: bool = false,
            dead: bool = false,
            /// CPU ns per site at samples: self (on top of the stack), total (anywhere on it).
            self_n: [slots]u64 = [_]u64{0} ** slots,
            total_n: [slots]u64 = [_]u64{0} ** slots,
            outside_n: u64 = 0,
            samples: u64 = 0,
            /// CPU ns charged at samples (at most two periods per sample).
            charged: u64 = 0,
            cpu_first: u64 = 0,
            cpu_last: u64 = 0,
        };

        /// Threads that can each have a slot of their own (64 MiB of address space at most,
        /// zero pages until a thread uses them); slot 0 is shared by any threads beyond.
        const pool_len: u32 = if (sampled) @max(64, @min(4096, (64 << 20) / (@sizeOf(Slot) + @sizeOf(Tally)))) else 1;
        var pool: [pool_len]Slot align(64) = [_]Slot{.{}} ** pool_len;
        var tallies: [pool_len]Tally = [_]Tally{.{}} ** pool_len;
        /// The next free slot (slot 0 is the shared one).
        var enrolled: u32 = 1;
        threadlocal var slot_of: u32 = 0;
        /// Invocations in progress on this thread (`Slot.pos` publishes it to the sampler).
        threadlocal var open_depth: u32 = 0;
        /// This thread found the pool full: it counts in slot 0.
        threadlocal var unslotted: bool = false;
        var threads: ?*Thread = null;
        var threads_lock: std.Thread.Mutex = .{};
        var write_lock: std.Thread.Mutex = .{};

        /// Timed modes: the least ticks between two back-to-back clock reads, measured at start.
        /// Every timed invocation contains about one clock read that the program without the
        /// recorder would not do; it is taken off each invocation's time (an event called
        /// millions of times would otherwise be charged millions of reads).
        var clock_read: u64 = 0;

        var cap: usize = 1_000_000;
        var uniform = false;
        var reserved_total = std.atomic.Value(usize).init(0);

        const Block = struct { records: [if (keep_records) batch else 0]Record = undefined, len: usize = 0, tid: i32 = 0 };
        const ring_size = if (keep_records) 64 else 0;
        var ring: [ring_size]Block = [_]Block{.{}} ** ring_size;
        var ring_head: usize = 0;
        var ring_count: usize = 0;
        var ring_lock: std.Thread.Mutex = .{};
        var ring_cond: std.Thread.Condition = .{};
        var stopping = false;
        var writer: ?std.Thread = null;
        var writer_cpu: u64 = 0;
        var writer_tid = std.atomic.Value(i32).init(0);
        var written: usize = 0;

        var sampler: ?std.Thread = null;
        var sampler_stop = std.atomic.Value(bool).init(false);
        /// The sampler waits on this futex between samples, so `finish` wakes it at once
        /// instead of waiting out a period (up to 20 ms).
        var sampler_wake = std.atomic.Value(u32).init(0);
        var sampler_cpu: u64 = 0;
        /// The sampling period now. It starts at `base_period_ns` for `warmup_samples` wakes,
        /// then adapts to what a wake costs the sampler (its own CPU time per wake, measured):
        /// a multiple of that cost, so the sampler uses a known fraction of a core whatever the
        /// machine (a wake costs ~20 µs of CPU on a small VM, a few µs on bare metal). Until
        /// `sample_budget` wakes the multiple is `early_budget` (5% of a core): a run of a few
        /// tenths of a second gets ~1,000 samples (shares ±1.5 points, not ±3); after it,
        /// `budget` (1%), so a long run pays ~1%.
        var period_ns: u64 = 100_000;
        var base_period_ns: u64 = 100_000;
        const max_period_ns: u64 = 20_000_000;
        const warmup_samples = 64;
        const sample_budget = 1000;
        const early_budget = 20;
        const budget = 100;
        /// KORU_CCP_SAMPLE_US fixes the period instead.
        var adaptive = true;
        var mark: [slots]u64 = [_]u64{0} ** slots;
        var generation: u64 = 0;

        var out_fd: std.posix.fd_t = 2;
        var trace_fd: ?std.posix.fd_t = null;
        var trace_first = true;
        var started = false;
        var finished = std.atomic.Value(bool).init(false);
        var pid0: i32 = 0;
        var tick0: u64 = 0;
        var mono0: u64 = 0;
        var cpu0: u64 = 0;
        var wall0_ms: u64 = 0;
        /// Per-run key from KORU_CCP_KEY, echoed in summary lines so a reader can tell the
        /// recorder's records from lines the program itself wrote to the record fd.
        var key_buf: [64]u8 = undefined;
        var key: []const u8 = "";

        /// Per-site JSON prefixes, built once at comptime.
        const prefixes = blk: {
            var p = [_][]const u8{""} ** slots;
            for (sites, 0..) |s, i| {
                p[i] = "{\"type\":\"transition\",\"source\":" ++ text.jsonString(s.source) ++ ",\"branch\":" ++
                    text.jsonString(s.branch) ++ ",\"destination\":" ++ (if (s.destination) |d| text.jsonString(d) else "null");
            }
            break :blk p;
        };

        /// The first site of each site's invocation (its branches follow it).
        const site_base = blk: {
            var b: [slots]u32 = [_]u32{0} ** slots;
            for (sites, 0..) |s, i| b[i] = s.invocation;
            break :blk b;
        };

        pub fn start(_: Options) void {
            if (started) return;
            started = true;
            pid0 = std.os.linux.getpid();
            if (std.posix.getenv("KORU_CCP_MAX_TRANSITIONS")) |v| cap = std.fmt.parseInt(usize, v, 10) catch cap;
            if (std.posix.getenv("KORU_CCP_SAMPLE")) |v| uniform = std.mem.eql(u8, v, "uniform");
            if (std.posix.getenv("KORU_CCP_SAMPLE_US")) |v| {
                const us = std.fmt.parseInt(u64, v, 10) catch 100;
                period_ns = @max(10, us) * 1000;
                base_period_ns = period_ns;
                adaptive = false;
            }
            takeKey();
            if (std.posix.getenv("KORU_CCP_FD")) |v| {
                out_fd = std.fmt.parseInt(std.posix.fd_t, v, 10) catch 2;
            } else if (std.posix.getenv("KORU_CCP_FILE")) |path| {
                out_fd = std.posix.open(path, .{ .ACCMODE = .WRONLY, .CREAT = true, .TRUNC = true }, 0o644) catch 2;
            } else if (config.profile and config.mode == .counts) {
                out_fd = -1; // Profiling only: no JSONL unless asked for.
            }
            if (config.profile) {
                // Where upstream's profiler writes, unless koruc (or the user) says otherwise.
                const path = std.posix.getenv("KORU_PROFILE_FILE") orelse "/tmp/koru_profile.json";
                trace_fd = std.posix.open(path, .{ .ACCMODE = .WRONLY, .CREAT = true, .TRUNC = true }, 0o644) catch null;
                if (trace_fd) |fd| text.writeAll(fd, "{\"traceEvents\":[\n");
            }
            if (!raw_lines) uniform = false;
            if (!keep_records or (!raw_lines and trace_fd == null)) cap = 0;
            if (config.profile and !raw_lines) cap = std.math.maxInt(usize); // the trace has every invocation
            if (keep_records and cap > 0 and !uniform) writer = std.Thread.spawn(.{}, writerLoop, .{}) catch null;
            wall0_ms = @intCast(std.time.milliTimestamp());
            mono0 = clock.monotonic();
            tick0 = clock.ticks();
            cpu0 = clock.processCpu() orelse 0;
            if (timed) clock_read = calibrate();
            if (sampled) {
                sampler = std.Thread.spawn(.{}, samplerLoop, .{}) catch null;
                // Enrolled after the spawn, so starting the recorder is not charged to the program.
                const i = enroll();
                const cpu = clock.threadCpu(std.os.linux.gettid()) orelse 0;
                tallies[i].cpu_first = cpu;
                tallies[i].cpu_last = cpu;
                @atomicStore(bool, &tallies[i].seen, true, .release);
            } else _ = state();
        }

        /// The median of many back-to-back clock read intervals: the cost of one read. Not the
        /// least: the cycle counter is not serializing, and out-of-order execution makes a few
        /// intervals near 0 (1 tick of ~25 on this VM's EPYC); an interrupt makes a few long.
        fn calibrate() u64 {
            var d: [255]u64 = undefined;
            for (&d) |*x| {
                const a = clock.ticks();
                const b = clock.ticks();
                x.* = b -% a;
            }
            std.mem.sort(u64, &d, {}, std.sort.asc(u64));
            return d[d.len / 2];
        }

        /// Read the run key and blank it in the environment, so the program cannot echo it.
        fn takeKey() void {
            for (std.os.environ) |entry| {
                const line = std.mem.span(entry);
                const name = "KORU_CCP_KEY=";
                if (!std.mem.startsWith(u8, line, name)) continue;
                const value = line[name.len..];
                const n = @min(value.len, key_buf.len);
                @memcpy(key_buf[0..n], value[0..n]);
                key = key_buf[0..n];
                @memset(value, 'x');
            }
        }

        /// Call `handler(input)` and record the invocation at `site` + the branch taken.
        pub inline fn observe(comptime site: u32, comptime handler: anytype, input: InputOf(handler)) ReturnOf(handler) {
            if (sampled) return counted(site, handler, input, false);
            return record(site, handler, input, false);
        }

        /// Like `observe`, for an invocation that directly follows another observed one on
        /// this thread (a continuation's first step, a label loop's next iteration): it
        /// starts when that one ended, so one clock read serves both.
        pub inline fn observeChained(comptime site: u32, comptime handler: anytype, input: InputOf(handler), chained: bool) ReturnOf(handler) {
            if (sampled) return counted(site, handler, input, true);
            return record(site, handler, input, chained);
        }

        /// Default mode: an exact count, and the site on the stack the sampler reads. Monotonic
        /// stores (plain `mov`s): a stronger order would make the optimizer assume they may
        /// publish the program's data, and store that data to memory at every invocation.
        /// No check that this thread has a slot: it took one when it entered the flow (`enter`);
        /// a thread that did not counts in slot 0.
        inline fn counted(comptime site: u32, comptime handler: anytype, input: InputOf(handler), comptime chainable: bool) ReturnOf(handler) {
            // A monotonic load: the optimizer does not hoist it, so the slot's address is not
            // loop-invariant for it and the stores below cannot be moved out of a loop.
            const s = &pool[@atomicLoad(u32, &slot_of, .monotonic)];
            // The depth is read from a plain thread-local, not from `pos`: the optimizer keeps
            // it in a register, and a loop's turns do not wait on reloading their own stores.
            const d = open_depth;
            // Branch-free: a conditional store here alone cost nbody 30%.
            @atomicStore(u32, &s.stack[@min(d, max_depth)], site, .unordered);
            @atomicStore(u32, &s.pos, (d + 1) << 1, .unordered);
            open_depth = d + 1;
            const result = handler(input);
            open_depth = d;
            // A chainable invocation leaves `pos` as it was inside it: until the next one
            // starts, the dispatch in between is charged to it (one store less per turn).
            if (!chainable) @atomicStore(u32, &s.pos, d << 1, .unordered);
            s.counts[site + branchIndex(result)] += 1;
            return result;
        }

        /// At the start of every flow the compiler emits (a subflow's handler): the thread takes
        /// a slot of the pool if it has none. Here and not in `counted`: a store to `slot_of`
        /// inside a loop makes the slot's address change from turn to turn for the optimizer,
        /// which then reloads and stores the program's data at every turn (nbody: +30%).
        pub inline fn enter() void {
            if (sampled and slot_of == 0) _ = enroll();
        }

        /// Give this thread a slot of the pool.
        inline fn enroll() u32 {
            if (unslotted) return 0;
            const i = @atomicRmw(u32, &enrolled, .Add, 1, .monotonic);
            if (i >= pool_len) {
                unslotted = true;
                return 0;
            }
            @atomicStore(i32, &tallies[i].tid, clock.gettid(), .monotonic);
            slot_of = i;
            return i;
        }

        inline fn record(comptime site: u32, comptime handler: anytype, input: InputOf(handler), chained: bool) ReturnOf(handler) {
            const t = state();
            const outer_child = t.child;
            t.child = 0;
            const t0 = if (chained) t.last else clock.ticks();
            const result = handler(input);
            const t1 = clock.ticks();
            t.last = t1;
            // Without the one clock read it contains (`calibrate`).
            const raw = t1 -% t0;
            const elapsed = raw -| clock_read;
            const index = site + branchIndex(result);
            const agg = &t.aggs[index];
            agg.count += 1;
            agg.total += elapsed;
            agg.self += elapsed -| t.child;
            agg.min = @min(agg.min, elapsed);
            agg.max = @max(agg.max, elapsed);
            // The parent's time holds this invocation's reads too (the one that starts it unless
            // chained, the one that ends it): they are not the parent's own time either.
            t.child = outer_child + elapsed + (if (chained) clock_read else 2 * clock_read);
            if (keep_records) {
                if (t.reserved > 0) {
                    t.records[t.len] = .{ .site = index, .start = t0, .ticks = elapsed };
                    t.len += 1;
                    t.reserved -= 1;
                    if (t.len == batch) {
                        handOff(t);
                        t.last = clock.ticks(); // A chained successor must not be charged for the hand-off.
                    }
                } else if (!t.exhausted) {
                    if (uniform) sample(t, index, t0, elapsed) else reserve(t, index, t0, elapsed);
                }
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
            if (cap == 0 or inChild()) {
                t.exhausted = true;
                return;
            }
            const got = reserved_total.fetchAdd(batch, .monotonic);
            if (got >= cap) {
                t.exhausted = true;
                return;
            }
            t.reserved = @min(batch, cap - got);
            t.records[t.len] = .{ .site = index, .start = t0, .ticks = elapsed };
            t.len += 1;
            t.reserved -= 1;
            if (t.len == batch) handOff(t);
            t.last = clock.ticks();
        }

        /// Reservoir sampling (algorithm R) into this thread's buffer; merged at finish.
        noinline fn sample(t: *Thread, index: u32, t0: u64, elapsed: u64) void {
            if (cap == 0) {
                t.exhausted = true;
                return;
            }
            if (t.reservoir.len == 0) {
                // Pages are touched only as they fill, so a large cap costs address space only.
                t.reservoir = std.heap.page_allocator.alloc(Record, cap) catch {
                    t.exhausted = true;
                    return;
                };
                t.rng = @as(u64, @bitCast(@as(i64, t.tid))) *% 0x9E3779B97F4A7C15 +% t0;
            }
            t.seen += 1;
            const rec: Record = .{ .site = index, .start = t0, .ticks = elapsed };
            if (t.seen <= cap) {
                t.reservoir[t.seen - 1] = rec;
            } else {
                const j = random(t, t.seen);
                if (j < cap) t.reservoir[j] = rec;
            }
            t.last = clock.ticks();
        }

        /// Uniform in [0, n): xorshift64* and a multiply-shift instead of a division.
        fn random(t: *Thread, n: u64) u64 {
            t.rng ^= t.rng >> 12;
            t.rng ^= t.rng << 25;
            t.rng ^= t.rng >> 27;
            const r = t.rng *% 0x2545F4914F6CDD1D;
            return @truncate((@as(u128, r) * n) >> 64);
        }

        inline fn state() *Thread {
            if (current) |t| return t;
            return register();
        }

        noinline fn register() *Thread {
            const t = std.heap.page_allocator.create(Thread) catch @panic("koru_ccp: out of memory");
            t.* = .{};
            t.tid = std.os.linux.gettid();
            t.last = clock.ticks();
            t.first = t.last;
            current = t;
            // After fork() the child records nothing shared: the lock may be held by a thread
            // that does not exist in the child.
            if (inChild()) return t;
            threads_lock.lock();
            t.next = threads;
            threads = t;
            threads_lock.unlock();
            return t;
        }

        /// True in a child created by fork(): it has none of the recorder's threads.
        fn inChild() bool {
            return started and std.os.linux.getpid() != pid0;
        }

        fn samplerLoop() void {
            const me = std.os.linux.gettid();
            // Wake when asked, not up to 50 µs later (Linux's default timer slack).
            _ = std.os.linux.prctl(@intFromEnum(std.os.linux.PR.SET_TIMERSLACK), 1000, 0, 0, 0);
            const cpu_start = clock.threadCpu(me) orelse 0;
            var wakes: u64 = 0;
            // No sample at the end: it would always land in `finish`, outside every event.
            while (!sampler_stop.load(.acquire)) {
                std.Thread.Futex.timedWait(&sampler_wake, 0, @atomicLoad(u64, &period_ns, .monotonic)) catch {};
                sampleAll();
                wakes += 1;
                if (adaptive and wakes >= warmup_samples and wakes % 16 == 0) {
                    const each = ((clock.threadCpu(me) orelse cpu_start) -| cpu_start) / wakes;
                    const k: u64 = if (wakes < sample_budget) early_budget else budget;
                    const next = std.math.clamp(each * k, base_period_ns, @max(base_period_ns, max_period_ns));
                    @atomicStore(u64, &period_ns, next, .monotonic);
                }
            }
            sampler_cpu = clock.threadCpu(me) orelse 0;
        }

        /// One sample of every program thread that used CPU since its last sample: the CPU time
        /// it used since then is charged to the site it is in now (a thread that did not run,
        /// blocked or not scheduled, is not sampled). Lock-free: the pool is static, a thread's
        /// `tid` is set once, and only this thread writes the tallies until `finish`.
        fn sampleAll() void {
            // Once the program has ended, a sample would only see `finish`.
            if (sampler_stop.load(.acquire)) return;
            const n = @min(@atomicLoad(u32, &enrolled, .monotonic), pool_len);
            for (1..n) |i| {
                const t = &tallies[i];
                if (t.dead) continue;
                const tid = @atomicLoad(i32, &t.tid, .monotonic);
                if (tid == 0) continue; // enrolling right now
                const cpu = clock.threadCpu(tid) orelse {
                    t.dead = true; // exited: its time up to the last sample is kept
                    continue;
                };
                if (!@atomicLoad(bool, &t.seen, .acquire)) {
                    // First sight: the baseline. The time before it belongs to no sample.
                    t.cpu_first = cpu;
                    t.cpu_last = cpu;
                    @atomicStore(bool, &t.seen, true, .release);
                    continue;
                }
                if (cpu <= t.cpu_last) continue;
                // One sample stands for at most two periods of CPU time: when the sampler was
                // kept off the CPU (a loaded machine), the thread's time since its previous
                // sample is not all where it is now. The rest is spread like the time after the
                // last sample (`finish`).
                const w = @min(cpu - t.cpu_last, 2 * @atomicLoad(u64, &period_ns, .monotonic));
                t.cpu_last = cpu;
                t.charged += w;
                t.samples += 1;
                const s = &pool[i];
                const pos = @atomicLoad(u32, &s.pos, .monotonic);
                // Between a chainable invocation and the next: the dispatch is its time, and
                // that invocation is still on top of the stack (one above the depth).
                const depth: u32 = (pos >> 1) + (pos & 1);
                const d = @min(depth, max_depth + 1);
                if (d == 0) {
                    t.outside_n += w;
                    continue;
                }
                const top = @atomicLoad(u32, &s.stack[d - 1], .monotonic);
                if (top >= site_count) {
                    t.outside_n += w;
                    continue;
                }
                t.self_n[top] += w;
                generation += 1;
                for (s.stack[0..d]) |*slot| {
                    const o = @atomicLoad(u32, slot, .monotonic);
                    if (o >= site_count or mark[o] == generation) continue;
                    mark[o] = generation; // a recursive site counts once per sample
                    t.total_n[o] += w;
                }
            }
        }

        /// A full buffer goes to the writer thread (a copy, no formatting on the program's
        /// thread); when the writer is behind or absent, the thread formats it itself.
        fn handOff(t: *Thread) void {
            const f0 = clock.ticks();
            defer t.flush += clock.ticks() -% f0;
            if (inChild()) {
                t.len = 0; // the writer and its lock belong to the parent
                t.exhausted = true;
                return;
            }
            if (keep_records and writer != null) {
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
            writer_tid.store(std.os.linux.gettid(), .release);
            defer writer_cpu = clock.threadCpu(std.os.linux.gettid()) orelse 0;
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

        fn stopThreads() void {
            if (writer) |w| {
                ring_lock.lock();
                stopping = true;
                ring_cond.signal();
                ring_lock.unlock();
                w.join();
                writer = null;
            }
            if (sampler) |s| {
                sampler_stop.store(true, .release);
                sampler_wake.store(1, .release);
                std.Thread.Futex.wake(&sampler_wake, 1);
                s.join();
                sampler = null;
            }
        }

        fn flushThread(t: *Thread) void {
            if (!keep_records or t.len == 0) return;
            formatRecords(t.records[0..t.len], t.tid);
            t.len = 0;
        }

        fn formatRecords(records: []const Record, tid: i32) void {
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
                if (raw_lines) {
                    if (n + prefixes[r.site].len + 96 > buf.len) {
                        text.writeAll(out_fd, buf[0..n]);
                        n = 0;
                    }
                    const wall_ms: u64 = wall0_ms + start_ns / 1_000_000;
                    n = text.append(&buf, n, prefixes[r.site]);
                    n = text.append(&buf, n, ",\"timestamp\":");
                    n = text.appendInt(&buf, n, wall_ms);
                    n = text.append(&buf, n, ",\"timestamp_ns\":");
                    n = text.appendInt(&buf, n, start_ns);
                    n = text.append(&buf, n, ",\"duration_ns\":");
                    n = text.appendInt(&buf, n, dur_ns);
                    n = text.append(&buf, n, "}\n");
                    written += 1;
                }
                if (trace_fd) |fd| writeTrace(fd, r.site, start_ns, dur_ns, tid);
            }
            if (n > 0) text.writeAll(out_fd, buf[0..n]);
        }

        fn writeTrace(fd: std.posix.fd_t, site: u32, start_ns: u64, dur_ns: u64, tid: i32) void {
            var buf: [512]u8 = undefined;
            const sep: []const u8 = if (trace_first) "" else ",\n";
            trace_first = false;
            const line = std.fmt.bufPrint(&buf, "{s}{{\"name\":{s},\"cat\":\"event\",\"ph\":\"X\",\"ts\":{d}.{d:0>3},\"dur\":{d}.{d:0>3},\"pid\":{d},\"tid\":{d}}}", .{
                sep, source_json[site], start_ns / 1000, start_ns % 1000, dur_ns / 1000, dur_ns % 1000, pid0, tid,
            }) catch return;
            text.writeAll(fd, line);
        }

        /// Merge the threads' reservoirs into one uniform sample of the whole run, in time order.
        fn writeReservoirs() void {
            var total_seen: u64 = 0;
            var it = threads;
            while (it) |t| : (it = t.next) total_seen += t.seen;
            const want: usize = @intCast(@min(total_seen, cap));
            if (want == 0) return;
            const out = std.heap.page_allocator.alloc(Record, want) catch return;
            defer std.heap.page_allocator.free(out);
            var rng = Thread{};
            rng.rng = tick0 | 1;
            // Drawing without replacement from the union: thread t next with probability
            // (its invocations not yet drawn) / (all not yet drawn), then a random element of
            // its reservoir, itself a uniform sample of that thread's invocations.
            var left = total_seen;
            var remaining: [256]u64 = undefined;
            var kept: [256]usize = undefined;
            var list: [256]*Thread = undefined;
            var count: usize = 0;
            it = threads;
            while (it) |t| : (it = t.next) {
                if (t.seen == 0 or count == list.len) continue;
                list[count] = t;
                remaining[count] = t.seen;
                kept[count] = @intCast(@min(t.seen, cap));
                count += 1;
            }
            for (out) |*slot| {
                var pick = random(&rng, left);
                var k: usize = 0;
                while (k + 1 < count and pick >= remaining[k]) : (k += 1) pick -= remaining[k];
                const j = random(&rng, kept[k]);
                const res = list[k].reservoir;
                slot.* = res[j];
                res[j] = res[kept[k] - 1];
                kept[k] -= 1;
                remaining[k] -= 1;
                left -= 1;
            }
            std.mem.sort(Record, out, {}, struct {
                fn lt(_: void, a: Record, b: Record) bool {
                    return a.start < b.start;
                }
            }.lt);
            var from: usize = 0;
            while (from < out.len) : (from += batch) formatRecords(out[from..@min(out.len, from + batch)], 0);
        }

        /// Flush every thread's records and write the per-edge statistics.
        pub fn finish() void {
            if (!started or finished.swap(true, .acq_rel)) return;
            if (inChild()) return; // the parent reports; a forked child has no recorder threads
            sampler_stop.store(true, .release);
            // The program ends here; draining the writer is the recorder's time.
            const wall = clock.monotonic() -% mono0;
            const now = clock.ticks();
            const process_cpu = if (clock.processCpu()) |c| c -| cpu0 else null;
            const wtid = writer_tid.load(.acquire);
            const writer_cpu_now = if (wtid != 0) clock.threadCpu(wtid) orelse 0 else 0;
            stopThreads();
            const scale = nsPerTick();
            var total = [_]Agg{.{}} ** slots;
            var self_w = [_]f64{0} ** slots;
            var total_w = [_]f64{0} ** slots;
            var sampled_cpu: u64 = 0;
            var samples: u64 = 0;
            var flush: u64 = 0;
            var thread_count: usize = 0;
            var spans: u64 = 0;
            const me = current;
            threads_lock.lock();
            if (uniform) writeReservoirs();
            var it = threads;
            while (it) |t| : (it = t.next) {
                thread_count += 1;
                flushThread(t);
                flush += t.flush;
                // A thread's span: from its first invocation to its last (to now for this one).
                spans += (if (t == me) now else t.last) -% t.first;
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
            if (sampled) {
                // Slot 0 holds the counts of threads beyond the pool (none usually).
                const n = @min(@atomicLoad(u32, &enrolled, .monotonic), pool_len);
                thread_count = n - 1;
                for (0..n) |k| {
                    const t = &tallies[k];
                    for (0..site_count) |i| total[i].count += pool[k].counts[i];
                    if (k == 0 or !t.seen) continue;
                    // The CPU time after this thread's last sample is spread like the rest.
                    const end = if (!t.dead) clock.threadCpu(t.tid) orelse t.cpu_last else t.cpu_last;
                    const cpu = end -| t.cpu_first;
                    sampled_cpu += cpu;
                    samples += t.samples;
                    const seen = t.charged;
                    const each: f64 = if (seen > 0) @as(f64, @floatFromInt(cpu)) / @as(f64, @floatFromInt(seen)) else 0;
                    for (0..site_count) |i| {
                        self_w[i] += @as(f64, @floatFromInt(t.self_n[i])) * each;
                        total_w[i] += @as(f64, @floatFromInt(t.total_n[i])) * each;
                    }
                }
            }
            var invocations: u64 = 0;
            var buf: [2048]u8 = undefined;
            for (total, 0..) |a, i| {
                if (a.count == 0 or i >= site_count) continue;
                invocations += a.count;
                const line = if (sampled) sampledEdge(&buf, i, a.count, &total, &self_w, &total_w) catch continue else std.fmt.bufPrint(&buf, "{{\"type\":\"edge_stats\",\"source\":{s},\"branch\":{s},\"destination\":{s},\"count\":{d},\"total_ns\":{d},\"self_ns\":{d},\"min_ns\":{d},\"max_ns\":{d}{s}}}\n", .{
                    source_json[i], branch_json[i], dest_json[i], a.count, toNs(a.total, scale), toNs(a.self, scale), toNs(a.min, scale), toNs(a.max, scale), keyField(),
                }) catch continue;
                text.writeAll(out_fd, line);
            }
            const flush_ns = toNs(flush, scale);
            const recorder_ns = flush_ns + writer_cpu + sampler_cpu;
            // The program's own time. Sampled: the CPU time the sampler saw on program threads.
            // Timed: invocation times are wall-clock per thread, so the sum of the threads'
            // spans (recorder flushing excluded), and at least the process's CPU time less
            // the recorder's.
            // Timed: less the clock reads taken off the invocations (`calibrate`), so that
            // shares stay the program's own: nbody's `advance` (~50 ns a step) would otherwise
            // lose a fifth of its share to reads counted in no event.
            const program_ns = if (sampled) sampled_cpu else @max(
                (process_cpu orelse wall) -| writer_cpu_now -| flush_ns,
                toNs(spans, scale) -| flush_ns,
            ) -| toNs(clock_read *| invocations, scale);
            const dropped = if (raw_lines) invocations -| written else 0;
            const mode_name: []const u8 = @tagName(config.mode);
            const line = std.fmt.bufPrint(&buf, "{{\"type\":\"recorder_summary\",\"mode\":\"{s}\",\"transition_sample\":\"{s}\",\"transitions_written\":{d},\"transitions_dropped\":{d},\"cap\":{d},\"wall_ns\":{d},\"program_ns\":{d},\"recorder_ns\":{d},\"samples\":{d},\"sample_period_ns\":{d},\"clock_read_ns\":{d},\"threads\":{d}{s}}}\n", .{
                mode_name,   if (uniform) "uniform" else "first", written,                       dropped,                 if (raw_lines) cap else 0, wall,       program_ns,
                recorder_ns, samples,                             if (sampled) period_ns else 0, toNs(clock_read, scale), thread_count,              keyField(),
            }) catch return;
            text.writeAll(out_fd, line);
            if (trace_fd) |fd| {
                text.writeAll(fd, "\n]}\n");
                std.posix.close(fd);
            }
        }

        /// An edge's share of its site's sampled time is its share of the site's calls:
        /// samples see which invocation is running, not yet which branch it will take.
        fn sampledEdge(buf: []u8, i: usize, count: u64, total: *const [slots]Agg, self_w: *const [slots]f64, total_w: *const [slots]f64) ![]const u8 {
            const base = site_base[i];
            var calls: u64 = 0;
            var j = base;
            while (j < site_count and site_base[j] == base) : (j += 1) calls += total[j].count;
            const part = struct {
                fn of(w: f64, n: u64, all: u64) u64 {
                    if (all == 0) return 0;
                    return @intFromFloat(w * @as(f64, @floatFromInt(n)) / @as(f64, @floatFromInt(all)));
                }
            }.of;
            return std.fmt.bufPrint(buf, "{{\"type\":\"edge_stats\",\"source\":{s},\"branch\":{s},\"destination\":{s},\"count\":{d},\"total_ns\":{d},\"self_ns\":{d},\"sampled\":true{s}}}\n", .{
                source_json[i], branch_json[i], dest_json[i], count, part(total_w[base], count, calls), part(self_w[base], count, calls), keyField(),
            });
        }

        fn keyField() []const u8 {
            const S = struct {
                var buf: [80]u8 = undefined;
                var len: usize = 0;
            };
            if (key.len == 0) return "";
            if (S.len == 0) S.len = (std.fmt.bufPrint(&S.buf, ",\"key\":\"{s}\"", .{key}) catch return "").len;
            return S.buf[0..S.len];
        }

        const source_json = blk: {
            var v = [_][]const u8{""} ** slots;
            for (sites, 0..) |s, i| v[i] = text.jsonString(s.source);
            break :blk v;
        };
        const branch_json = blk: {
            var v = [_][]const u8{""} ** slots;
            for (sites, 0..) |s, i| v[i] = text.jsonString(s.branch);
            break :blk v;
        };
        const dest_json = blk: {
            var v = [_][]const u8{""} ** slots;
            for (sites, 0..) |s, i| v[i] = if (s.destination) |d| text.jsonString(d) else "null";
            break :blk v;
        };

        /// Root panic handler: flush what was recorded, then panic as usual.
        pub const panic = std.debug.FullPanic(onPanic);

        fn onPanic(msg: []const u8, first_trace_addr: ?usize) noreturn {
            finish();
            std.debug.defaultPanic(msg, first_trace_addr);
        }

        fn nsPerTick() f64 {
            const dt = clock.ticks() -% tick0;
            const dn = clock.monotonic() -% mono0;
            if (dt == 0 or dn == 0) return 1.0;
            return @as(f64, @floatFromInt(dn)) / @as(f64, @floatFromInt(dt));
        }

        fn toNs(t: u64, scale: f64) u64 {
            return @intFromFloat(@as(f64, @floatFromInt(t)) * scale);
        }
    };
}
