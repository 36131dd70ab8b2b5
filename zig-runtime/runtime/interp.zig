// The budgeted flow interpreter: parse one flow, check it against a scope, run it by
// dispatching to compiled events through their shims, charge each call its cost, and
// answer with one of `RunResult`'s branches. Everything lives in the caller's arena.
const std = @import("std");
const fp = @import("flow_parser.zig");
const value = @import("value.zig");
const shim = @import("shim.zig");
const Scalar = value.Scalar;
const Value = value.Value;
const Field = value.Field;
const Entry = shim.Entry;
const Scope = shim.Scope;

pub const Limits = struct {
    source_bytes: usize = 64 * 1024,
    /// Dispatched events plus built branches.
    steps: u64 = 10_000,
    output_bytes: usize = 64 * 1024,
};

pub const Finished = struct { value: Value, used: u64, handles: u32 };
/// `event` is the event that did not fit in the budget (upstream reports the last one that did).
pub const Exhausted = struct { used: u64, event: []const u8, handles: u32 };
pub const ParseError = struct { message: []const u8, line: u32, column: u32, position: u32 };
pub const DispatchError = struct { event_name: []const u8, message: []const u8 };

/// The branches of `std.runtime:run`. Messages never contain `"` or `\`, so templates
/// may paste them into JSON.
pub const RunResult = union(enum) {
    result: Finished,
    exhausted: Exhausted,
    parse_error: ParseError,
    validation_error: []const u8,
    event_denied: []const u8,
    dispatch_error: DispatchError,
    scope_not_found: []const u8,
    source_too_large: u64,
    too_deep: u64,
    too_many_steps: u64,
    output_too_large: u64,
};

pub const Request = struct {
    source: []const u8,
    scope: []const u8,
    budget: ?u64 = null,
    limits: Limits = .{},
};

pub fn findScope(scopes: []const *const Scope, name: []const u8) ?*const Scope {
    for (scopes) |s| if (std.mem.eql(u8, s.name, name)) return s;
    return null;
}

/// Runs a flow. Only `error.OutOfMemory` escapes; every other outcome is a branch.
pub fn run(arena: std.mem.Allocator, scopes: []const *const Scope, req: Request) std.mem.Allocator.Error!RunResult {
    const scope = findScope(scopes, req.scope) orelse return .{ .scope_not_found = req.scope };
    if (req.source.len > req.limits.source_bytes) return .{ .source_too_large = req.limits.source_bytes };
    if (invalidUtf8(req.source)) |pos| return parseError(arena, req.source, pos, "source is not valid UTF-8");
    const flow = switch (try fp.parse(arena, req.source)) {
        .flow => |f| f,
        .problem => |p| switch (p.kind) {
            .too_deep => return .{ .too_deep = p.limit },
            .syntax => return parseError(arena, req.source, p.pos, p.message),
        },
    };
    var ctx: Ctx = .{ .arena = arena, .scope = scope, .budget = req.budget, .limits = req.limits, .src = req.source };
    ctx.validate(flow) catch |e| return ctx.outcome(e);
    const v = ctx.invoke(flow) catch |e| {
        ctx.cleanup();
        return ctx.outcome(e);
    };
    ctx.cleanup();
    var out: std.ArrayList(u8) = try .initCapacity(arena, 256);
    try value.writeJson(&out, arena, v);
    if (out.items.len > req.limits.output_bytes) return .{ .output_too_large = req.limits.output_bytes };
    var done = v;
    done.json = out.items;
    return .{ .result = .{ .value = done, .used = ctx.used, .handles = ctx.openHandles() } };
}

fn parseError(arena: std.mem.Allocator, src: []const u8, pos: u32, message: []const u8) std.mem.Allocator.Error!RunResult {
    const lc = fp.lineCol(src, pos);
    const text = try std.fmt.allocPrint(arena, "{s} at line {d}, column {d}", .{ message, lc.line, lc.column });
    return .{ .parse_error = .{ .message = text, .line = lc.line, .column = lc.column, .position = pos } };
}

/// Byte position of the first invalid UTF-8 sequence, if any.
pub fn invalidUtf8(s: []const u8) ?u32 {
    var i: usize = 0;
    while (i < s.len) {
        if (s[i] < 0x80) {
            i += 1;
            continue;
        }
        const n = std.unicode.utf8ByteSequenceLength(s[i]) catch return @intCast(i);
        if (i + n > s.len) return @intCast(i);
        _ = std.unicode.utf8Decode(s[i .. i + n]) catch return @intCast(i);
        i += n;
    }
    return null;
}

const Failure = error{ Exhausted, Denied, Invalid, Dispatch, TooManySteps, OutOfMemory };

const Binding = struct { name: []const u8, value: Value };
/// What validation knows about a binding: the branch it was bound from.
const BindingInfo = struct { name: []const u8, branch: ?*const shim.BranchInfo };
const Handle = struct { entry: u32, obligation: []const u8, id: Scalar, open: bool };

const Ctx = struct {
    arena: std.mem.Allocator,
    scope: *const Scope,
    budget: ?u64,
    limits: Limits,
    src: []const u8,
    used: u64 = 0,
    steps: u64 = 0,
    message: []const u8 = "",
    denied: []const u8 = "",
    failed_event: []const u8 = "",
    env: [fp.max_depth + 1]Binding = undefined,
    env_len: usize = 0,
    handles: std.ArrayList(Handle) = .empty,

    fn outcome(self: *Ctx, e: Failure) std.mem.Allocator.Error!RunResult {
        return switch (e) {
            error.OutOfMemory => error.OutOfMemory,
            error.Exhausted => .{ .exhausted = .{ .used = self.used, .event = self.failed_event, .handles = self.openHandles() } },
            error.Denied => .{ .event_denied = self.denied },
            error.Invalid => .{ .validation_error = self.message },
            error.Dispatch => .{ .dispatch_error = .{ .event_name = self.failed_event, .message = self.message } },
            error.TooManySteps => .{ .too_many_steps = self.limits.steps },
        };
    }

    fn invalid(self: *Ctx, pos: u32, comptime fmt: []const u8, args: anytype) Failure {
        const lc = fp.lineCol(self.src, pos);
        self.message = try std.fmt.allocPrint(self.arena, fmt ++ " at line {d}, column {d}", args ++ .{ lc.line, lc.column });
        return error.Invalid;
    }

    fn lookup(self: *Ctx, name: []const u8) ?u32 {
        for (self.scope.entries, 0..) |e, i| if (std.mem.eql(u8, e.name, name)) return @intCast(i);
        return null;
    }

    // ---- validation: everything that can be known before anything runs ----

    fn validate(self: *Ctx, flow: *fp.Invocation) Failure!void {
        var names: [fp.max_depth + 1]BindingInfo = undefined;
        try self.validateInvoke(flow, &names, 0);
    }

    fn validateInvoke(self: *Ctx, inv: *fp.Invocation, names: []BindingInfo, depth: usize) Failure!void {
        // Calls to names outside the scope (or hidden behind an alias) are denied before anything runs.
        const index = self.lookup(inv.path) orelse {
            self.denied = inv.path;
            return error.Denied;
        };
        inv.entry = index;
        const e = &self.scope.entries[index];
        for (inv.args) |*a| {
            const at = for (e.inputs, 0..) |in, k| {
                if (std.mem.eql(u8, in.name, a.name)) break k;
            } else return self.invalid(a.pos, "event '{s}' has no input '{s}'", .{ inv.path, a.name });
            a.input = @intCast(at);
            try self.validateExpr(&a.value, names[0..depth]);
        }
        for (e.inputs) |in| {
            if (!in.required) continue;
            for (inv.args) |a| {
                if (std.mem.eql(u8, a.name, in.name)) break;
            } else return self.invalid(inv.pos, "missing argument '{s}' for event '{s}'", .{ in.name, inv.path });
        }
        for (inv.continuations) |*c| {
            const branch = for (e.branches) |*b| {
                if (std.mem.eql(u8, b.name, c.branch)) break b;
            } else return self.invalid(c.pos, "event '{s}' has no branch '{s}'", .{ inv.path, c.branch });
            var inner = depth;
            if (c.binding) |b| if (!std.mem.eql(u8, b, "_")) {
                for (names[0..depth]) |n| if (std.mem.eql(u8, n.name, b)) {
                    return self.invalid(c.pos, "Shadowing not allowed: binding '{s}' already exists", .{b});
                };
                names[depth] = .{ .name = b, .branch = branch };
                inner += 1;
            };
            switch (c.node) {
                .discard => {},
                .invoke => |next| try self.validateInvoke(next, names, inner),
                .construct => |*k| {
                    if (k.identity) |*x| try self.validateExpr(x, names[0..inner]);
                    for (k.fields) |*f| try self.validateExpr(&f.value, names[0..inner]);
                },
            }
        }
    }

    fn validateExpr(self: *Ctx, x: *const fp.Expr, names: []const BindingInfo) Failure!void {
        switch (x.*) {
            .int, .float, .string, .boolean => {},
            .neg => |n| try self.validateExpr(n.inner, names),
            .binary => |b| {
                try self.validateExpr(b.lhs, names);
                try self.validateExpr(b.rhs, names);
            },
            .ref => |r| {
                const info = for (names) |n| {
                    if (std.mem.eql(u8, n.name, r.binding)) break n;
                } else return self.invalid(r.pos, "unknown binding '{s}'", .{r.binding});
                const branch = info.branch orelse return;
                if (r.field) |f| {
                    for (branch.fields) |bf| if (std.mem.eql(u8, bf.name, f)) return;
                    return self.invalid(r.pos, "branch '{s}' has no field '{s}'", .{ branch.name, f });
                }
                if (branch.identity == null) return self.invalid(r.pos, "'{s}' holds the fields of branch '{s}': name one, like {s}.field", .{ r.binding, branch.name, r.binding });
            },
        }
    }

    // ---- execution ----

    fn step(self: *Ctx) Failure!void {
        self.steps += 1;
        if (self.steps > self.limits.steps) return error.TooManySteps;
    }

    fn invoke(self: *Ctx, inv: *const fp.Invocation) Failure!Value {
        try self.step();
        const e = &self.scope.entries[inv.entry];
        if (self.budget) |max| if (self.used + e.cost > max) {
            self.failed_event = e.name;
            return error.Exhausted;
        };
        self.used += e.cost;
        var args_buf: [8]?Scalar = @splat(null);
        const args: []?Scalar = if (e.inputs.len <= args_buf.len) args_buf[0..e.inputs.len] else blk: {
            const a = try self.arena.alloc(?Scalar, e.inputs.len);
            @memset(a, null);
            break :blk a;
        };
        for (inv.args) |a| args[a.input] = try self.eval(&a.value);
        var problem: []const u8 = "";
        const v = e.call(self.arena, args, &problem) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.BadArgument, error.MissingArgument => {
                return self.invalid(inv.pos, "bad argument for event '{s}': {s}", .{ inv.path, problem });
            },
            error.Unsupported => {
                self.failed_event = e.name;
                self.message = problem;
                return error.Dispatch;
            },
        };
        try self.track(inv.entry, e, args, v);
        for (inv.continuations) |*c| {
            if (!std.mem.eql(u8, c.branch, v.branch)) continue;
            const bound = c.binding != null and !std.mem.eql(u8, c.binding.?, "_");
            if (bound) {
                self.env[self.env_len] = .{ .name = c.binding.?, .value = v };
                self.env_len += 1;
            }
            defer if (bound) {
                self.env_len -= 1;
            };
            return try self.node(&c.node);
        }
        // A branch with no continuation ends the flow with that branch's value.
        return v;
    }

    fn node(self: *Ctx, n: *const fp.Node) Failure!Value {
        switch (n.*) {
            .discard => return .{ .branch = "discard" },
            .invoke => |inv| return self.invoke(inv),
            .construct => |*k| {
                try self.step();
                if (k.identity) |*x| {
                    const fields = try self.arena.alloc(Field, 1);
                    fields[0] = .{ .name = value.identity_field, .value = try self.eval(x) };
                    return .{ .branch = k.branch, .fields = fields };
                }
                const fields = try self.arena.alloc(Field, k.fields.len);
                for (k.fields, 0..) |f, i| fields[i] = .{ .name = f.name, .value = try self.eval(&f.value) };
                return .{ .branch = k.branch, .fields = fields };
            },
        }
    }

    fn binding(self: *Ctx, name: []const u8) ?Value {
        var i = self.env_len;
        while (i > 0) {
            i -= 1;
            if (std.mem.eql(u8, self.env[i].name, name)) return self.env[i].value;
        }
        return null;
    }

    fn eval(self: *Ctx, x: *const fp.Expr) Failure!Scalar {
        switch (x.*) {
            .int => |n| return .{ .int = n },
            .float => |f| return .{ .float = f },
            .string => |s| return .{ .string = s },
            .boolean => |b| return .{ .boolean = b },
            .ref => |r| {
                const v = self.binding(r.binding) orelse return self.invalid(r.pos, "unknown binding '{s}'", .{r.binding});
                if (r.field) |f| return v.field(f) orelse self.invalid(r.pos, "branch '{s}' has no field '{s}'", .{ v.branch, f });
                return v.identity() orelse self.invalid(r.pos, "'{s}' has no single value", .{r.binding});
            },
            .neg => |neg| return switch (try self.eval(neg.inner)) {
                .int => |n| if (n == std.math.minInt(i64)) self.invalid(neg.pos, "integer overflow", .{}) else .{ .int = -n },
                .float => |f| .{ .float = -f },
                else => |s| self.invalid(neg.pos, "cannot negate a {s}", .{s.kindName()}),
            },
            .binary => |b| return self.arith(b.op, try self.eval(b.lhs), try self.eval(b.rhs), b.pos),
        }
    }

    fn arith(self: *Ctx, op: fp.BinOp, l: Scalar, r: Scalar, pos: u32) Failure!Scalar {
        if (l == .int and r == .int) {
            const a = l.int;
            const b = r.int;
            const res: ?i64 = switch (op) {
                .add => std.math.add(i64, a, b) catch null,
                .sub => std.math.sub(i64, a, b) catch null,
                .mul => std.math.mul(i64, a, b) catch null,
                .div => if (b == 0) return self.invalid(pos, "division by zero", .{}) else std.math.divTrunc(i64, a, b) catch null,
                .rem => if (b == 0) return self.invalid(pos, "division by zero", .{}) else if (b < 0) return self.invalid(pos, "remainder by a negative number", .{}) else @mod(a, b),
            };
            return .{ .int = res orelse return self.invalid(pos, "integer overflow", .{}) };
        }
        const a = num(l) orelse return self.invalid(pos, "arithmetic on a {s}", .{l.kindName()});
        const b = num(r) orelse return self.invalid(pos, "arithmetic on a {s}", .{r.kindName()});
        return .{ .float = switch (op) {
            .add => a + b,
            .sub => a - b,
            .mul => a * b,
            .div => a / b,
            .rem => if (b == 0) return self.invalid(pos, "division by zero", .{}) else @rem(a, b),
        } };
    }

    fn num(s: Scalar) ?f64 {
        return switch (s) {
            .int => |n| @floatFromInt(n),
            .float => |f| f,
            else => null,
        };
    }

    // ---- phantom obligations: handles created and discharged by scope events ----

    fn track(self: *Ctx, index: u32, e: *const Entry, args: []const ?Scalar, v: Value) Failure!void {
        if (e.discharges) |d| {
            for (e.inputs, 0..) |in, k| if (std.mem.eql(u8, in.name, d.arg)) if (args[k]) |id| {
                for (self.handles.items) |*h| if (h.open and std.mem.eql(u8, h.obligation, d.obligation) and sameScalar(h.id, id)) {
                    h.open = false;
                    break;
                };
            };
        }
        if (e.creates) |c| if (std.mem.eql(u8, c.branch, v.branch)) {
            if (v.field(c.field)) |id| try self.handles.append(self.arena, .{ .entry = index, .obligation = c.obligation, .id = id, .open = true });
        };
    }

    /// Discharges every handle still open (budget ran out, the flow failed or just ended),
    /// calling the scope's discharging event without charging it.
    fn cleanup(self: *Ctx) void {
        for (self.handles.items) |*h| {
            if (!h.open) continue;
            for (self.scope.entries) |*d| {
                const dis = d.discharges orelse continue;
                if (!std.mem.eql(u8, dis.obligation, h.obligation)) continue;
                var args_buf: [32]?Scalar = @splat(null);
                if (d.inputs.len > args_buf.len) continue;
                const args = args_buf[0..d.inputs.len];
                for (d.inputs, 0..) |in, k| if (std.mem.eql(u8, in.name, dis.arg)) {
                    args[k] = h.id;
                };
                var problem: []const u8 = "";
                _ = d.call(self.arena, args, &problem) catch continue;
                h.open = false;
                break;
            }
        }
    }

    fn openHandles(self: *Ctx) u32 {
        var n: u32 = 0;
        for (self.handles.items) |h| n += @intFromBool(h.open);
        return n;
    }
};

fn sameScalar(a: Scalar, b: Scalar) bool {
    return switch (a) {
        .string => |s| b == .string and std.mem.eql(u8, s, b.string),
        .int => |n| b == .int and b.int == n,
        .float => |f| b == .float and b.float == f,
        .boolean => |x| b == .boolean and b.boolean == x,
    };
}
