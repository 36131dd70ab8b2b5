//! Clocks of the CCP recorder: the cycle counter, the monotonic clock and CPU-time
//! clocks (any thread's, by tid, so the sampler can read them without signals).
const std = @import("std");
const builtin = @import("builtin");
const linux = std.os.linux;

pub inline fn ticks() u64 {
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

pub fn monotonic() u64 {
    const ts = std.posix.clock_gettime(.MONOTONIC) catch return 0;
    return @as(u64, @intCast(ts.sec)) * std.time.ns_per_s + @as(u64, @intCast(ts.nsec));
}

/// The calling thread's id. Not `volatile` and no memory clobber, unlike `linux.gettid()`:
/// the optimizer sees that it touches no memory, so a hot path that may call it keeps the
/// program's data in registers (see koru_ccp.zig's `Slot`).
pub inline fn gettid() i32 {
    const nr = @intFromEnum(linux.SYS.gettid);
    const tid: usize = switch (builtin.cpu.arch) {
        .x86_64 => asm ("syscall"
            : [ret] "={rax}" (-> usize),
            : [number] "{rax}" (nr),
            : .{ .rcx = true, .r11 = true }),
        .aarch64 => asm ("svc #0"
            : [ret] "={x0}" (-> usize),
            : [number] "{x8}" (nr),
        ),
        else => return linux.gettid(),
    };
    return @intCast(tid);
}

/// CPU time of thread `tid` of this process in ns; null once the thread has exited.
pub fn threadCpu(tid: i32) ?u64 {
    // Linux's per-thread CPU clock id: MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED).
    const id: i32 = (~tid << 3) | 6;
    return read(id);
}

/// CPU time of the whole process (every thread, live or exited) in ns.
pub fn processCpu() ?u64 {
    return read(@intFromEnum(linux.clockid_t.PROCESS_CPUTIME_ID));
}

fn read(id: i32) ?u64 {
    var ts: linux.timespec = undefined;
    const rc = linux.syscall2(.clock_gettime, @bitCast(@as(isize, id)), @intFromPtr(&ts));
    if (linux.E.init(rc) != .SUCCESS) return null;
    return @as(u64, @intCast(ts.sec)) * std.time.ns_per_s + @as(u64, @intCast(ts.nsec));
}
