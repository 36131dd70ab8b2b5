// Division by repeated subtraction: no divide instruction at all.
if (left == 0) return .{ .done = .{} };
if (px.len == 0) return .{ .again = left - 1 };
var prev: u16 = px[0];
for (px, 0..) |*p, i| {
    const cur: u16 = p.*;
    const next: u16 = if (i + 1 < px.len) px[i + 1] else cur;
    var s: u16 = prev + cur + next;
    var q: u16 = 0;
    while (s >= 3) : (s -= 3) q += 1;
    p.* = @intCast(q);
    prev = cur;
}
return .{ .again = left - 1 };
