// Per-request memory. Orisha points `current` at each connection's arena and resets it
// after every response; everything a request allocates (parsed flow, values, JSON, fmt
// lines) goes there. Outside a request, each thread keeps its own arena, reset at the
// start of every `std.runtime:run` (so a result stays valid until the next run).
const std = @import("std");

threadlocal var current: ?*std.heap.ArenaAllocator = null;
/// Counts requests on this thread, so per-request state left by an earlier request is ignored.
pub threadlocal var request: u64 = 0;
threadlocal var own: ?std.heap.ArenaAllocator = null;

pub fn setCurrent(a: ?*std.heap.ArenaAllocator) void {
    if (a != null) request +%= 1;
    current = a;
}

pub fn allocator() std.mem.Allocator {
    if (current) |a| return a.allocator();
    if (own == null) own = std.heap.ArenaAllocator.init(std.heap.page_allocator);
    return own.?.allocator();
}

/// The arena a run uses: the request's, or this thread's own, reset first.
pub fn forRun() std.mem.Allocator {
    if (current) |a| return a.allocator();
    if (own) |*o| _ = o.reset(.retain_capacity);
    return allocator();
}
