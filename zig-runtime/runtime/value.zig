// Values a flow passes around: a branch name and its named scalar fields, and their JSON.
const std = @import("std");

pub const Scalar = union(enum) {
    string: []const u8,
    int: i64,
    float: f64,
    boolean: bool,

    pub fn kindName(self: Scalar) []const u8 {
        return switch (self) {
            .string => "string",
            .int => "integer",
            .float => "float",
            .boolean => "bool",
        };
    }
};

pub const Field = struct { name: []const u8, value: Scalar };

/// The field name an identity payload (`| sum i64`) is stored under, as upstream does.
pub const identity_field = "__type_ref";

pub const Value = struct {
    /// `""` for a void event, `"discard"` for `_`.
    branch: []const u8,
    fields: []const Field = &.{},
    /// The JSON form, filled in when a run finishes (so `toJsonBuf` is free and bounded).
    json: []const u8 = "",

    /// The single scalar of an identity payload, if this value is one.
    pub fn identity(self: Value) ?Scalar {
        if (self.fields.len == 1 and std.mem.eql(u8, self.fields[0].name, identity_field)) return self.fields[0].value;
        return null;
    }

    pub fn field(self: Value, name: []const u8) ?Scalar {
        for (self.fields) |f| if (std.mem.eql(u8, f.name, name)) return f.value;
        return null;
    }

    /// The JSON text of this value (upstream's name for it). Valid as long as the run's arena.
    pub fn toJsonBuf(self: Value) []const u8 {
        return self.json;
    }
};

/// Upstream's JSON forms: `"discard"`, `{"branch":"ok"}`, `{"branch":"b","value":7}`,
/// `{"branch":"b","fields":{"a":1}}`. Unlike upstream, names are escaped too.
pub fn writeJson(out: *std.ArrayList(u8), gpa: std.mem.Allocator, v: Value) !void {
    if (std.mem.eql(u8, v.branch, "discard") and v.fields.len == 0) {
        try out.appendSlice(gpa, "\"discard\"");
        return;
    }
    try out.appendSlice(gpa, "{\"branch\":");
    try writeString(out, gpa, v.branch);
    if (v.identity()) |s| {
        try out.appendSlice(gpa, ",\"value\":");
        try writeScalar(out, gpa, s);
    } else if (v.fields.len > 0) {
        try out.appendSlice(gpa, ",\"fields\":{");
        for (v.fields, 0..) |f, i| {
            if (i > 0) try out.append(gpa, ',');
            try writeString(out, gpa, f.name);
            try out.append(gpa, ':');
            try writeScalar(out, gpa, f.value);
        }
        try out.append(gpa, '}');
    }
    try out.append(gpa, '}');
}

pub fn writeScalar(out: *std.ArrayList(u8), gpa: std.mem.Allocator, s: Scalar) !void {
    var buf: [64]u8 = undefined;
    switch (s) {
        .string => |t| try writeString(out, gpa, t),
        .int => |n| try out.appendSlice(gpa, std.fmt.bufPrint(&buf, "{d}", .{n}) catch unreachable),
        // JSON has no NaN or infinity: they become null.
        .float => |f| if (std.math.isFinite(f))
            try out.appendSlice(gpa, std.fmt.bufPrint(&buf, "{d}", .{f}) catch "null")
        else
            try out.appendSlice(gpa, "null"),
        .boolean => |b| try out.appendSlice(gpa, if (b) "true" else "false"),
    }
}

/// A JSON string literal. Control characters are escaped; text is valid UTF-8 (sources are checked).
pub fn writeString(out: *std.ArrayList(u8), gpa: std.mem.Allocator, text: []const u8) !void {
    try out.append(gpa, '"');
    var start: usize = 0;
    for (text, 0..) |c, i| {
        const esc: ?[]const u8 = switch (c) {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            0...8, 11, 12, 14...31, 127 => null,
            else => continue,
        };
        try out.appendSlice(gpa, text[start..i]);
        if (esc) |e| try out.appendSlice(gpa, e) else {
            var buf: [6]u8 = undefined;
            try out.appendSlice(gpa, std.fmt.bufPrint(&buf, "\\u{x:0>4}", .{c}) catch unreachable);
        }
        start = i + 1;
    }
    try out.appendSlice(gpa, text[start..]);
    try out.append(gpa, '"');
}

test "json forms" {
    const gpa = std.testing.allocator;
    var out: std.ArrayList(u8) = .empty;
    defer out.deinit(gpa);
    try writeJson(&out, gpa, .{ .branch = "result", .fields = &.{.{ .name = "value", .value = .{ .int = 17 } }} });
    try std.testing.expectEqualStrings("{\"branch\":\"result\",\"fields\":{\"value\":17}}", out.items);
    out.clearRetainingCapacity();
    try writeJson(&out, gpa, .{ .branch = "result", .fields = &.{.{ .name = identity_field, .value = .{ .string = "a\"b\\\n\x01" } }} });
    try std.testing.expectEqualStrings("{\"branch\":\"result\",\"value\":\"a\\\"b\\\\\\n\\u0001\"}", out.items);
    out.clearRetainingCapacity();
    try writeJson(&out, gpa, .{ .branch = "discard" });
    try std.testing.expectEqualStrings("\"discard\"", out.items);
    out.clearRetainingCapacity();
    try writeJson(&out, gpa, .{ .branch = "ok" });
    try std.testing.expectEqualStrings("{\"branch\":\"ok\"}", out.items);
}
