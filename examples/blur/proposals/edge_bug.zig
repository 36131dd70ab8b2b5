// Sixteen at a time, then the tail; the tail loop stops one pixel early.
if (left == 0) return .{ .done = .{} };
if (px.len == 0) return .{ .again = left - 1 };
const V = @Vector(16, u16);
const three: V = @splat(3);
var prev: u16 = px[0];
var i: usize = 0;
while (i + 17 <= px.len) : (i += 16) {
    const c8: @Vector(16, u8) = px[i..][0..16].*;
    const n8: @Vector(16, u8) = px[i + 1 ..][0..16].*;
    const cur: V = c8;
    const next: V = n8;
    const l = @shuffle(u16, cur, @as(V, @splat(prev)), [16]i32{ -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 });
    prev = cur[15];
    const out: @Vector(16, u8) = @intCast((l + cur + next) / three);
    px[i..][0..16].* = out;
}
while (i + 1 < px.len) : (i += 1) {
    const cur: u16 = px[i];
    px[i] = @intCast((prev + cur + px[i + 1]) / 3);
    prev = cur;
}
return .{ .again = left - 1 };
