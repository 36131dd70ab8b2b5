// `zig test capture_test.zig`: the capture encoder is the exact inverse of the harness's
// generators (every shape, slices longer than the harness's cap), and the capture keeps a
// uniform sample within its record and byte caps.
const std = @import("std");
const vh = @import("variant_harness.zig");
const capture = @import("koru_capture.zig");

fn roundTrip(comptime T: type, v: T) !void {
    const a = std.testing.allocator;
    var out: std.ArrayList(u8) = .empty;
    defer out.deinit(a);
    try vh.encode(T, v, &out, a);
    var arena = std.heap.ArenaAllocator.init(a);
    defer arena.deinit();
    var src = vh.Src{ .mode = .replay, .bytes = out.items, .alloc = arena.allocator() };
    const back = try vh.gen(T, &src);
    var stats: vh.FloatStats = .{};
    try std.testing.expect(vh.eql(T, v, back, .bitwise, &stats));
    // Every byte is consumed: nothing of the next value is eaten or left over.
    try std.testing.expectEqual(out.items.len, src.pos);
}

const E = enum { a, b, c };
const U = union(enum) { x: u8, y: f64, z: void };
const S = struct { i: i37, f: f32, b: bool, e: E, o: ?u16, n: ?u16, u: U, arr: [3]i8, v: @Vector(4, f32), w: u1, z: i8 };

test "encode is gen's inverse on every shape" {
    var px = [_]u8{ 1, 2, 255, 0, 7 };
    try roundTrip(struct { px: []u8, left: u32 }, .{ .px = &px, .left = 200 });
    try roundTrip(struct { px: []u8, left: u32 }, .{ .px = px[0..0], .left = 0 });
    try roundTrip(S, .{
        .i = -5, .f = std.math.nan(f32), .b = true, .e = .c, .o = 9, .n = null, .u = .{ .y = -0.0 },
        .arr = .{ -128, 0, 127 }, .v = .{ 1, 2, 3, -4 }, .w = 1, .z = -128,
    });
    try roundTrip(S, .{
        .i = std.math.minInt(i37), .f = -std.math.inf(f32), .b = false, .e = .a, .o = 0, .n = 65535, .u = .z,
        .arr = .{ 1, 2, 3 }, .v = .{ 0, -0.0, 1e-40, 3e38 }, .w = 0, .z = 127,
    });
    var x: u64 = 42;
    const f64s = [_]f64{ 1.5, -2.25, std.math.floatTrueMin(f64) };
    try roundTrip(struct { p: *u64, q: []const f64, r: [2]struct { a: u128, b: ?*u64 } }, .{
        .p = &x, .q = &f64s, .r = .{ .{ .a = std.math.maxInt(u128), .b = null }, .{ .a = 3, .b = &x } },
    });
}

test "slices longer than the harness reads keep their first max_len elements" {
    const a = std.testing.allocator;
    const big = try a.alloc(u8, vh.max_len + 10);
    defer a.free(big);
    for (big, 0..) |*b, i| b.* = @truncate(i *% 7);
    var out: std.ArrayList(u8) = .empty;
    defer out.deinit(a);
    try vh.encode([]u8, big, &out, a);
    var src = vh.Src{ .mode = .replay, .bytes = out.items, .alloc = a };
    const back = try vh.gen([]u8, &src);
    defer a.free(back);
    try std.testing.expectEqualSlices(u8, big[0..vh.max_len], back);
}

fn decodeU32(rec: []const u8) !u32 {
    var src = vh.Src{ .mode = .replay, .bytes = rec, .alloc = std.testing.allocator };
    return (try vh.gen(struct { u32 }, &src))[0];
}

test "the reservoir keeps max records, drawn from the whole run" {
    const C = capture.Capture(10, 1 << 20);
    var i: u32 = 0;
    while (i < 10_000) : (i += 1) if (C.want()) C.record(.{i});
    try std.testing.expectEqual(@as(usize, 10), C.sample().len);
    var late: usize = 0;
    for (C.sample()) |r| late += @intFromBool(try decodeU32(r) >= 1000);
    // A uniform sample of 10 of 10,000 has about 9 past the first 1,000 (fewer than 4: p < 1e-6).
    try std.testing.expect(late >= 4);
}

test "the byte cap freezes the reservoir at what fits, still sampling the whole run" {
    // Each record is 5 bytes (choice + u32) plus a 4-byte length: 5 of them fit in 45 bytes.
    const C = capture.Capture(1000, 45);
    var i: u32 = 0;
    while (i < 10_000) : (i += 1) if (C.want()) C.record(.{i});
    try std.testing.expectEqual(@as(usize, 5), C.sample().len);
    var late: usize = 0;
    for (C.sample()) |r| late += @intFromBool(try decodeU32(r) >= 1000);
    try std.testing.expect(late >= 2);
}
