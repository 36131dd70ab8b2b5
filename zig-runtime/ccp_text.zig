//! Text helpers of the CCP recorder: JSON string literals at comptime, integers without
//! std.fmt, whole writes to a file descriptor.
const std = @import("std");

pub inline fn append(buf: []u8, at: usize, bytes: []const u8) usize {
    @memcpy(buf[at .. at + bytes.len], bytes);
    return at + bytes.len;
}

/// "00" "01" ... "99": two digits per division.
const digit_pairs = blk: {
    var t: [200]u8 = undefined;
    for (0..100) |i| {
        t[2 * i] = '0' + @as(u8, @intCast(i / 10));
        t[2 * i + 1] = '0' + @as(u8, @intCast(i % 10));
    }
    break :blk t;
};

pub fn appendInt(buf: []u8, at: usize, value: u64) usize {
    var digits: [20]u8 = undefined;
    var i: usize = digits.len;
    var v = value;
    while (v >= 100) {
        const pair = (v % 100) * 2;
        v /= 100;
        i -= 2;
        digits[i] = digit_pairs[pair];
        digits[i + 1] = digit_pairs[pair + 1];
    }
    if (v >= 10) {
        i -= 2;
        digits[i] = digit_pairs[v * 2];
        digits[i + 1] = digit_pairs[v * 2 + 1];
    } else {
        i -= 1;
        digits[i] = @intCast('0' + v);
    }
    return append(buf, at, digits[i..]);
}

pub fn writeAll(fd: std.posix.fd_t, bytes: []const u8) void {
    if (fd < 0) return;
    var rest = bytes;
    while (rest.len > 0) {
        const n = std.posix.write(fd, rest) catch return;
        if (n == 0) return;
        rest = rest[n..];
    }
}

/// A JSON string literal for `s`, computed at comptime.
pub fn jsonString(comptime s: []const u8) []const u8 {
    comptime {
        var out: []const u8 = "\"";
        for (s) |c| {
            out = out ++ switch (c) {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                0...8, 11, 12, 14...31 => std.fmt.comptimePrint("\\u{x:0>4}", .{c}),
                else => &[_]u8{c},
            };
        }
        return out ++ "\"";
    }
}
