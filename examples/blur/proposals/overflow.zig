// Byte arithmetic is cheaper than 16-bit arithmetic.
if (left == 0) return .{ .done = .{} };
if (px.len == 0) return .{ .again = left - 1 };
var prev: u8 = px[0];
for (px, 0..) |*p, i| {
    const cur = p.*;
    const next = if (i + 1 < px.len) px[i + 1] else cur;
    p.* = (prev +% cur +% next) / 3;
    prev = cur;
}
return .{ .again = left - 1 };
