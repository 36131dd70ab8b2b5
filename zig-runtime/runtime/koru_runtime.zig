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

pub const http = @import("http.zig");

threadlocal var last_run: ?RunResult = null;
threadlocal var last_run_request: u64 = 0;

/// `std.runtime:run`: the request's (or this thread's) arena, the program's scopes, and
/// the result as the event's own Output union.
pub fn runFor(comptime Output: type, scopes: []const *const Scope, source: []const u8, scope: []const u8, budget: ?u64) Output {
    const a = arena.forRun();
    const r = interp.run(a, scopes, .{ .source = source, .scope = scope, .budget = budget }) catch
        RunResult{ .dispatch_error = .{ .event_name = "", .message = "out of memory" } };
    last_run = r;
    last_run_request = arena.request;
    switch (r) {
        inline else => |payload, tag| return @unionInit(Output, @tagName(tag), payload),
    }
}

/// The answer Orisha gives when a handler's router falls through: 404 when no route
/// matched, else for the `std.runtime:run` branch the handler does not handle, upstream
/// Orisha's error JSON and status for it.
pub fn fallbackResponse() http.Response {
    const a = arena.allocator();
    // No route matched and nothing ran: not found.
    const not_found: http.Response = .{ .status = 404, .body = "{\"error\":\"not_found\"}", .content_type = "application/json" };
    const r = last_run orelse return not_found;
    last_run = null;
    // A run of an earlier request says nothing about this one (and its memory is gone).
    if (last_run_request != arena.request) return not_found;
    var out: std.ArrayList(u8) = .empty;
    const status: u16 = build: {
        switch (r) {
            .validation_error => |m| {
                out.appendSlice(a, "{\"error\":\"validation_error\",\"message\":") catch {};
                value.writeString(&out, a, m) catch {};
                break :build 400;
            },
            .event_denied => |n| {
                out.appendSlice(a, "{\"error\":\"event_denied\",\"name\":") catch {};
                value.writeString(&out, a, n) catch {};
                break :build 403;
            },
            .dispatch_error => |d| {
                out.appendSlice(a, "{\"error\":\"dispatch_error\",\"event\":") catch {};
                value.writeString(&out, a, d.event_name) catch {};
                out.appendSlice(a, ",\"message\":") catch {};
                value.writeString(&out, a, d.message) catch {};
                break :build 500;
            },
            .scope_not_found => |s| {
                out.appendSlice(a, "{\"error\":\"scope_not_found\",\"scope\":") catch {};
                value.writeString(&out, a, s) catch {};
                break :build 500;
            },
            .source_too_large, .too_deep, .too_many_steps, .output_too_large => |n| {
                const name = @tagName(r);
                out.print(a, "{{\"error\":\"{s}\",\"limit\":{d}", .{ name, n }) catch {};
                break :build switch (r) {
                    .source_too_large => 413,
                    .output_too_large => 500,
                    else => 400,
                };
            },
            .parse_error => |p| {
                out.appendSlice(a, "{\"error\":\"parse_error\",\"message\":") catch {};
                value.writeString(&out, a, p.message) catch {};
                break :build 400;
            },
            .exhausted => |e| {
                out.print(a, "{{\"error\":\"budget_exhausted\",\"used\":{d}", .{e.used}) catch {};
                break :build 429;
            },
            .result => {
                out.appendSlice(a, "{\"error\":\"unhandled\"") catch {};
                break :build 500;
            },
        }
    };
    out.append(a, '}') catch {};
    return .{ .status = status, .body = out.items, .content_type = "application/json" };
}

/// Always true, but not known at compile time: keeps code after a router reachable.
var yes = true;
pub fn always() bool {
    return yes;
}

/// A value printed by a `std.fmt:ln` placeholder without a spec: text as text, numbers in decimal.
pub fn auto(x: anytype) Auto(@TypeOf(x)) {
    return .{ .v = x };
}

fn Auto(comptime T: type) type {
    return struct {
        v: T,
        pub fn format(self: @This(), w: *std.Io.Writer) std.Io.Writer.Error!void {
            switch (@typeInfo(T)) {
                .int, .comptime_int, .float, .comptime_float => try w.print("{d}", .{self.v}),
                .bool => try w.writeAll(if (self.v) "true" else "false"),
                .optional => if (self.v) |x| try auto(x).format(w) else try w.writeAll("null"),
                .@"enum" => try w.writeAll(@tagName(self.v)),
                .pointer => |p| if (p.child == u8 or (@typeInfo(p.child) == .array and @typeInfo(p.child).array.child == u8))
                    try w.writeAll(self.v)
                else
                    try w.print("{any}", .{self.v}),
                else => try w.print("{any}", .{self.v}),
            }
        }
    };
}
