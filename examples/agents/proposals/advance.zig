// The agent's proposal for nbody's hot event: the ten pair square roots and divisions of a
// step as one vector operation (exact per lane), the updates in the baseline's order.
if (remaining == 0) return .{ .done = .{} };
const n = bodies.len;
const pairs = n * (n - 1) / 2;
var dxs: [pairs]f64 = undefined;
var dys: [pairs]f64 = undefined;
var dzs: [pairs]f64 = undefined;
var d2s: @Vector(pairs, f64) = undefined;
comptime var k: usize = 0;
inline for (0..n) |i| {
    inline for (i + 1..n) |j| {
        const dx = bodies[i].x - bodies[j].x;
        const dy = bodies[i].y - bodies[j].y;
        const dz = bodies[i].z - bodies[j].z;
        dxs[k] = dx;
        dys[k] = dy;
        dzs[k] = dz;
        d2s[k] = dx * dx + dy * dy + dz * dz;
        k += 1;
    }
}
const mags = @as(@Vector(pairs, f64), @splat(dt)) / (d2s * @sqrt(d2s));
k = 0;
inline for (0..n) |i| {
    inline for (i + 1..n) |j| {
        const b = &bodies[i];
        const o = &bodies[j];
        const mag = mags[k];
        b.vx -= dxs[k] * o.mass * mag;
        b.vy -= dys[k] * o.mass * mag;
        b.vz -= dzs[k] * o.mass * mag;
        o.vx += dxs[k] * b.mass * mag;
        o.vy += dys[k] * b.mass * mag;
        o.vz += dzs[k] * b.mass * mag;
        k += 1;
    }
}
for (&bodies) |*b| {
    b.x += dt * b.vx;
    b.y += dt * b.vy;
    b.z += dt * b.vz;
}
return .{ .next = remaining - 1 };
