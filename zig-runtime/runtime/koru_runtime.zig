// The runtime linked into programs that import `$std/runtime`, `$std/fmt` or `$orisha`.
const std = @import("std");
pub const value = @import("value.zig");
pub const flow_parser = @import("flow_parser.zig");
pub const shim = @import("shim.zig");
pub const interp = @import("interp.zig");
pub const arena = @import("arena.zig");

pub const Value = value.Value;
pub const Scalar = value.Scalar;
pub const Scope = shim.Scope;
pub const Entry = shim.Entry;
pub const entry = shim.entry;
pub const RunResult = interp.RunResult;

test {
    _ = value;
    _ = flow_parser;
    _ = interp;
    _ = @import("interp_test.zig");
}
