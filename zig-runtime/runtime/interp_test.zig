// Unit tests and the fuzz test of the flow parser and interpreter (`zig test koru_runtime.zig`).
const std = @import("std");
const rt = @import("koru_runtime.zig");
const interp = rt.interp;

const add_event = struct {
    pub const Input = struct { a: i64, b: i64 };
    pub const Output = union(enum) { sum: i64 };
    pub fn handler(in: Input) Output {
        return .{ .sum = in.a +% in.b };
    }
};
const greet_event = struct {
    pub const Input = struct { name: []const u8 };
    pub const Output = union(enum) { greeted: []const u8 };
    pub fn handler(in: Input) Output {
        const text = std.fmt.allocPrint(rt.arena.allocator(), "Hello, {s}!", .{in.name}) catch "";
        return .{ .greeted = text };
    }
};
const divide_event = struct {
    pub const Input = struct { a: f64, b: f64 };
    pub const Output = union(enum) { ok: struct { q: f64, exact: bool }, div_by_zero: struct {} };
    pub fn handler(in: Input) Output {
        if (in.b == 0) return .{ .div_by_zero = .{} };
        return .{ .ok = .{ .q = in.a / in.b, .exact = @rem(in.a, in.b) == 0 } };
    }
};
var opened: u32 = 0;
var closed: u32 = 0;
const open_event = struct {
    pub const Input = struct { path: []const u8 };
    pub const Output = union(enum) { opened: []const u8 };
    pub fn handler(in: Input) Output {
        opened += 1;
        return .{ .opened = in.path };
    }
};
const close_event = struct {
    pub const Input = struct { handle: []const u8 };
    pub const Output = void;
    pub fn handler(in: Input) Output {
        _ = in;
        closed += 1;
    }
};

const api: rt.Scope = .{ .name = "api", .entries = &.{
    rt.entry(add_event, "add", "input:add", 2, .{}),
    rt.entry(greet_event, "greet", "input:greet", 5, .{}),
    rt.entry(divide_event, "math.divide", "input:divide", 1, .{}),
    rt.entry(add_event, "app.db.user:get", "input:add", 10, .{}),
    rt.entry(open_event, "open", "input:open", 3, .{ .creates = .{ .branch = "opened", .field = rt.value.identity_field, .obligation = "input:opened" } }),
    rt.entry(close_event, "close", "input:close", 1, .{ .discharges = .{ .obligation = "input:opened", .arg = "handle" } }),
} };
const scopes = [_]*const rt.Scope{&api};

fn runJson(arena: *std.heap.ArenaAllocator, src: []const u8, budget: ?u64) ![]const u8 {
    const a = arena.allocator();
    const r = try interp.run(a, &scopes, .{ .source = src, .scope = "api", .budget = budget });
    return switch (r) {
        .result => |f| try std.fmt.allocPrint(a, "{s} used={d}", .{ f.value.toJsonBuf(), f.used }),
        .exhausted => |e| try std.fmt.allocPrint(a, "exhausted used={d} event={s} handles={d}", .{ e.used, e.event, e.handles }),
        .parse_error => |e| try std.fmt.allocPrint(a, "parse_error {s}", .{e.message}),
        .validation_error => |m| try std.fmt.allocPrint(a, "validation_error {s}", .{m}),
        .event_denied => |n| try std.fmt.allocPrint(a, "event_denied {s}", .{n}),
        .dispatch_error => |d| try std.fmt.allocPrint(a, "dispatch_error {s} {s}", .{ d.event_name, d.message }),
        .scope_not_found => |s| try std.fmt.allocPrint(a, "scope_not_found {s}", .{s}),
        .source_too_large => |n| try std.fmt.allocPrint(a, "source_too_large {d}", .{n}),
        .too_deep => |n| try std.fmt.allocPrint(a, "too_deep {d}", .{n}),
        .too_many_steps => |n| try std.fmt.allocPrint(a, "too_many_steps {d}", .{n}),
        .output_too_large => |n| try std.fmt.allocPrint(a, "output_too_large {d}", .{n}),
    };
}

fn expectRun(src: []const u8, budget: ?u64, want: []const u8) !void {
    var arena = std.heap.ArenaAllocator.init(std.testing.allocator);
    defer arena.deinit();
    try std.testing.expectEqualStrings(want, try runJson(&arena, src, budget));
}

test "the issue's two flows" {
    try expectRun("~add(a: 3, b: 4)\n| sum s |> add(a: s, b: 10)\n    | sum s2 |> result { value: s2 }", 1000, "{\"branch\":\"result\",\"fields\":{\"value\":17}} used=4");
    try expectRun("~greet(name: \"World\")\n| greeted g |> result { message: g }", 1000, "{\"branch\":\"result\",\"fields\":{\"message\":\"Hello, World!\"}} used=5");
}

test "values and JSON" {
    try expectRun("add(a: 1, b: 2)", null, "{\"branch\":\"sum\",\"value\":3} used=2");
    try expectRun("add(a: 1, b: 2)\n| sum s |> result s * 2 + 1", null, "{\"branch\":\"result\",\"value\":7} used=2");
    try expectRun("add(a: 1, b: 2)\n| sum _ |> _", null, "\"discard\" used=2");
    try expectRun("add(a: 1, b: 2)\n| sum s |> done", null, "{\"branch\":\"done\"} used=2");
    try expectRun("greet(name: \"a\\\"b\\\\c\\nd\")", null, "{\"branch\":\"greeted\",\"value\":\"Hello, a\\\"b\\\\c\\nd!\"} used=5");
    try expectRun("math.divide(a: 7, b: 2)\n| ok r |> result { q: r.q, exact: r.exact }\n| div_by_zero |> failed", null, "{\"branch\":\"result\",\"fields\":{\"q\":3.5,\"exact\":false}} used=1");
    try expectRun("math.divide(a: 7, b: 0)\n| ok r |> result { r.q }\n| div_by_zero |> failed", null, "{\"branch\":\"failed\"} used=1");
    try expectRun("app.db.user:get(a: 1, b: 1)", null, "{\"branch\":\"sum\",\"value\":2} used=10");
}

test "budget" {
    try expectRun("add(a: 1, b: 2)\n| sum s |> add(a: s, b: 1)\n  | sum t |> add(a: t, b: 1)", 5, "exhausted used=4 event=add handles=0");
    try expectRun("add(a: 1, b: 2)", 2, "{\"branch\":\"sum\",\"value\":3} used=2");
    try expectRun("add(a: 1, b: 2)", 1, "exhausted used=0 event=add handles=0");
}

test "obligations are discharged when the budget runs out" {
    opened = 0;
    closed = 0;
    try expectRun("open(path: \"f\")\n| opened h |> add(a: 1, b: 2)", 4, "exhausted used=3 event=add handles=0");
    try std.testing.expectEqual(@as(u32, 1), closed);
    try expectRun("open(path: \"f\")\n| opened h |> close(handle: h)", null, "{\"branch\":\"\"} used=4");
    try std.testing.expectEqual(@as(u32, 2), closed);
}

test "denied, invalid, parse errors" {
    try expectRun("secret(a: 1)", null, "event_denied secret");
    try expectRun("add(a: 1, b: 2)\n| sum s |> input:add(a: s, b: 1)", null, "event_denied input:add");
    try expectRun("add(a: 1)", null, "validation_error missing argument 'b' for event 'add' at line 1, column 1");
    try expectRun("add(a: 1, b: 2, c: 3)", null, "validation_error event 'add' has no input 'c' at line 1, column 17");
    try expectRun("add(a: 1, b: \"x\")", null, "validation_error bad argument for event 'add': expected an integer at line 1, column 1");
    try expectRun("add(a: 1, b: 2)\n| total t |> _", null, "validation_error event 'add' has no branch 'total' at line 2, column 1");
    try expectRun("add(a: 1, b: 2)\n| sum s |> add(a: s, b: 1)\n  | sum s |> _", null, "validation_error Shadowing not allowed: binding 's' already exists at line 3, column 3");
    try expectRun("add(a: 1, b: x)", null, "validation_error unknown binding 'x' at line 1, column 14");
    try expectRun("add(a: 1 b: 2)", null, "parse_error expected ',' or ')' in the argument list at line 1, column 10");
    try expectRun("add(a: 1, b: 2)\n| sum s add()", null, "parse_error expected '|>' after the branch and binding at line 2, column 9");
    try expectRun("", null, "parse_error empty flow: expected an event invocation like add(a: 1, b: 2) at line 1, column 1");
    try expectRun("add(a: 1, b: 2) x", null, "parse_error unexpected text after the invocation; continuations go on new lines starting with | at line 1, column 17");
    try expectRun("add(a: 1, b: \xff)", null, "parse_error source is not valid UTF-8 at line 1, column 14");
    try expectRun("add(a: 1, b: -\"x\")", null, "validation_error cannot negate a string at line 1, column 14");
    try expectRun("add(a: 1, b: 1 / 0)", null, "validation_error division by zero at line 1, column 16");
    try expectRun("add(a: 9223372036854775807, b: 1 * 2 * 9223372036854775807)", null, "validation_error integer overflow at line 1, column 38");
    var arena = std.heap.ArenaAllocator.init(std.testing.allocator);
    defer arena.deinit();
    const r = try interp.run(arena.allocator(), &scopes, .{ .source = "add(a: 1, b: 2)", .scope = "nope" });
    try std.testing.expectEqualStrings("nope", r.scope_not_found);
}

test "limits" {
    var arena = std.heap.ArenaAllocator.init(std.testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    const big = try a.alloc(u8, 70_000);
    @memset(big, ' ');
    try std.testing.expectEqualStrings("source_too_large 65536", try runJson(&arena, big, null));
    // Deep nesting, in continuations and in expressions.
    var deep: std.ArrayList(u8) = .empty;
    try deep.appendSlice(a, "add(a: 1, b: 1)\n");
    for (0..300) |i| {
        try deep.appendNTimes(a, ' ', i + 1);
        try deep.print(a, "| sum s{d} |> add(a: 1, b: 1)\n", .{i});
    }
    try std.testing.expectEqualStrings("too_deep 256", try runJson(&arena, deep.items, null));
    var parens: std.ArrayList(u8) = .empty;
    try parens.appendSlice(a, "add(a: ");
    try parens.appendNTimes(a, '(', 10_000);
    try std.testing.expectEqualStrings("too_deep 32", try runJson(&arena, parens.items, null));
    // 255 nested continuations run (one stack frame each).
    var ok: std.ArrayList(u8) = .empty;
    try ok.appendSlice(a, "add(a: 1, b: 1)\n");
    for (0..255) |i| {
        try ok.appendNTimes(a, ' ', i + 1);
        try ok.print(a, "| sum s{d} |> add(a: s{d}, b: 1)\n", .{ i, i });
    }
    try std.testing.expectEqualStrings("{\"branch\":\"sum\",\"value\":257} used=512", try runJson(&arena, ok.items, null));
    const r = try interp.run(a, &scopes, .{ .source = "greet(name: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\")", .scope = "api", .limits = .{ .output_bytes = 20 } });
    try std.testing.expectEqual(@as(u64, 20), r.output_too_large);
    const s = try interp.run(a, &scopes, .{ .source = "add(a: 1, b: 1)\n| sum s |> add(a: s, b: 1)", .scope = "api", .limits = .{ .steps = 1 } });
    try std.testing.expectEqual(@as(u64, 1), s.too_many_steps);
}

const corpus = [_][]const u8{
    "~add(a: 3, b: 4)\n| sum s |> add(a: s, b: 10)\n    | sum s2 |> result { value: s2 }",
    "~greet(name: \"World\")\n| greeted g |> result { message: g }",
    "math.divide(a: 7.5, b: -2)\n| ok r |> result { q: r.q, e: r.exact }\n| div_by_zero |> failed",
    "open(path: \"x\")\n| opened h |> close(handle: h)",
    "add(a: (1 + 2) * -3 % 4, b: 10 / 3)\n| sum s |> result s",
    "app.db.user:get(a: 1, b: 2) // comment\n| sum _ |> _",
};

test "fuzz: 100,000 random and mutated flows never crash, leak or hang" {
    var prng = std.Random.DefaultPrng.init(0x5eed);
    const rand = prng.random();
    var arena = std.heap.ArenaAllocator.init(std.testing.allocator);
    defer arena.deinit();
    const alphabet = "~()|>:,{}_ \n\t\"\\.+-*/%0123456789abcsumgretdopn\xff\xc3";
    var buf: [512]u8 = undefined;
    var outcomes = [_]u32{0} ** 11;
    for (0..100_000) |i| {
        _ = arena.reset(.retain_capacity);
        var len: usize = 0;
        if (i % 2 == 0) {
            // Mutate a valid flow: flip, insert, delete or duplicate bytes.
            const base = corpus[rand.uintLessThan(usize, corpus.len)];
            @memcpy(buf[0..base.len], base);
            len = base.len;
            for (0..1 + rand.uintLessThan(usize, 4)) |_| {
                const at = rand.uintLessThan(usize, len + 1);
                switch (rand.uintLessThan(u8, 4)) {
                    0 => if (at < len) {
                        buf[at] = alphabet[rand.uintLessThan(usize, alphabet.len)];
                    },
                    1 => if (len < buf.len) {
                        std.mem.copyBackwards(u8, buf[at + 1 .. len + 1], buf[at..len]);
                        buf[at] = alphabet[rand.uintLessThan(usize, alphabet.len)];
                        len += 1;
                    },
                    2 => if (at < len) {
                        std.mem.copyForwards(u8, buf[at .. len - 1], buf[at + 1 .. len]);
                        len -= 1;
                    },
                    else => {
                        const n = @min(rand.uintLessThan(usize, 16), len - @min(at, len), buf.len - len);
                        std.mem.copyBackwards(u8, buf[at + n .. len + n], buf[at..len]);
                        len += n;
                    },
                }
            }
        } else {
            len = rand.uintLessThan(usize, 120);
            for (buf[0..len]) |*c| c.* = alphabet[rand.uintLessThan(usize, alphabet.len)];
        }
        const r = try interp.run(arena.allocator(), &scopes, .{ .source = buf[0..len], .scope = "api", .budget = rand.uintLessThan(u64, 20) });
        outcomes[@intFromEnum(r)] += 1;
    }
    // The mutations reach more than the parser.
    try std.testing.expect(outcomes[@intFromEnum(interp.RunResult.result)] > 1000);
    try std.testing.expect(outcomes[@intFromEnum(interp.RunResult.parse_error)] > 1000);
    try std.testing.expect(outcomes[@intFromEnum(interp.RunResult.exhausted)] > 100);
}
