// Test root: `zig test zig-runtime/runtime/tests.zig` runs the runtime's unit and fuzz tests.
const std = @import("std");
const rt = @import("koru_runtime.zig");

test {
    _ = rt.value;
    _ = rt.flow_parser;
    _ = rt.interp;
    _ = rt.http;
    _ = @import("interp_test.zig");
    std.testing.refAllDecls(rt.http);
    std.testing.refAllDecls(rt);
}
