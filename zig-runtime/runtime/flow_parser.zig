// A purpose-built parser for one flow sent to the interpreter:
//
//   [~]path(name: expr, ...)
//   | branch [binding] |> node          (deeper lines nest under the previous node)
//   node := _ | path(args) | branch { f: expr, ... } | branch expr | branch
//   expr := literals (int, float, "string", true, false), binding, binding.field,
//           + - * / % with the usual precedence, unary -, parentheses
//
// It never allocates outside the arena it is given, never recurses deeper than
// `max_depth`, and reports the first problem with a line and column.
const std = @import("std");

/// How deeply continuations may nest (each level is one more event in a chain).
pub const max_depth = 256;
/// How deeply parentheses and operators may nest inside one value.
pub const max_expr_depth = 32;

pub const BinOp = enum { add, sub, mul, div, rem };

pub const Expr = union(enum) {
    int: i64,
    float: f64,
    string: []const u8,
    boolean: bool,
    /// `s` or `s.field`.
    ref: struct { binding: []const u8, field: ?[]const u8, pos: u32 },
    neg: struct { inner: *const Expr, pos: u32 },
    binary: struct { op: BinOp, lhs: *const Expr, rhs: *const Expr, pos: u32 },
};

pub const Arg = struct {
    name: []const u8,
    value: Expr,
    pos: u32,
    /// Filled in by validation: the index of the event input this argument sets.
    input: u32 = 0,
};

pub const Invocation = struct {
    /// As written: `add`, `app.db.user:get`.
    path: []const u8,
    args: []Arg,
    continuations: []Continuation = &.{},
    pos: u32,
    /// Filled in by validation: the scope entry this invocation calls.
    entry: u32 = 0,
};

pub const FieldInit = struct { name: []const u8, value: Expr };

pub const Construct = struct {
    branch: []const u8,
    /// `result s` / `result { s }`: an identity value.
    identity: ?Expr = null,
    fields: []FieldInit = &.{},
    pos: u32,
};

pub const Node = union(enum) {
    discard,
    invoke: *Invocation,
    construct: Construct,
};

pub const Continuation = struct {
    branch: []const u8,
    binding: ?[]const u8,
    node: Node,
    pos: u32,
};

pub const Problem = struct {
    kind: enum { syntax, too_deep },
    /// For `too_deep`: the limit that was passed.
    limit: u32 = 0,
    message: []const u8,
    pos: u32,
};

pub const Result = union(enum) { flow: *Invocation, problem: Problem };

pub fn parse(arena: std.mem.Allocator, src: []const u8) std.mem.Allocator.Error!Result {
    var p: Parser = .{ .src = src, .arena = arena };
    return p.parseFlow() catch |e| switch (e) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Syntax, error.TooDeep => return .{ .problem = p.problem },
    };
}

/// 1-based line and column of a byte position.
pub fn lineCol(src: []const u8, pos: u32) struct { line: u32, column: u32 } {
    var line: u32 = 1;
    var col: u32 = 1;
    for (src[0..@min(pos, src.len)]) |c| {
        if (c == '\n') {
            line += 1;
            col = 1;
        } else col += 1;
    }
    return .{ .line = line, .column = col };
}

const Error = error{ Syntax, TooDeep, OutOfMemory };

/// Receivers of continuation lines while the flow's lines are read.
const Open = struct { inv: *Invocation, conts: std.ArrayList(Continuation), level: ?usize, line_indent: isize };

const Parser = struct {
    src: []const u8,
    i: usize = 0,
    arena: std.mem.Allocator,
    problem: Problem = .{ .kind = .syntax, .message = "", .pos = 0 },
    depth: usize = 0,

    fn fail(self: *Parser, pos: usize, message: []const u8) Error {
        self.problem = .{ .kind = .syntax, .message = message, .pos = @intCast(pos) };
        return error.Syntax;
    }

    fn tooDeep(self: *Parser) Error {
        self.problem = .{ .kind = .too_deep, .message = "flow is nested too deeply", .pos = @intCast(self.i), .limit = if (self.depth > 0) max_expr_depth else max_depth };
        return error.TooDeep;
    }

    fn peek(self: *Parser) u8 {
        return if (self.i < self.src.len) self.src[self.i] else 0;
    }

    fn skipSpaces(self: *Parser) void {
        while (self.i < self.src.len and (self.src[self.i] == ' ' or self.src[self.i] == '\t' or self.src[self.i] == '\r')) self.i += 1;
    }

    /// Spaces, newlines and `//` comments (inside parentheses and braces).
    fn skipAll(self: *Parser) void {
        while (self.i < self.src.len) {
            const c = self.src[self.i];
            if (c == ' ' or c == '\t' or c == '\r' or c == '\n') {
                self.i += 1;
            } else if (c == '/' and self.i + 1 < self.src.len and self.src[self.i + 1] == '/') {
                while (self.i < self.src.len and self.src[self.i] != '\n') self.i += 1;
            } else break;
        }
    }

    fn atLineEnd(self: *Parser) bool {
        self.skipSpaces();
        if (self.i + 1 < self.src.len and self.src[self.i] == '/' and self.src[self.i + 1] == '/') {
            while (self.i < self.src.len and self.src[self.i] != '\n') self.i += 1;
        }
        return self.i >= self.src.len or self.src[self.i] == '\n';
    }

    fn ident(self: *Parser) ?[]const u8 {
        const start = self.i;
        if (self.i >= self.src.len) return null;
        const c = self.src[self.i];
        if (!(std.ascii.isAlphabetic(c) or c == '_')) return null;
        self.i += 1;
        while (self.i < self.src.len and (std.ascii.isAlphanumeric(self.src[self.i]) or self.src[self.i] == '_')) self.i += 1;
        return self.src[start..self.i];
    }

    fn expectIdent(self: *Parser, what: []const u8) Error![]const u8 {
        return self.ident() orelse self.fail(self.i, what);
    }

    fn parseFlow(self: *Parser) Error!Result {
        self.skipAll();
        if (self.peek() == '~') self.i += 1;
        self.skipSpaces();
        if (self.i >= self.src.len) return self.fail(self.i, "empty flow: expected an event invocation like add(a: 1, b: 2)");
        const head = try self.invocation();
        if (!self.atLineEnd()) return self.fail(self.i, "unexpected text after the invocation; continuations go on new lines starting with |");
        try self.continuationLines(head);
        return .{ .flow = head };
    }

    fn invocation(self: *Parser) Error!*Invocation {
        const start = self.i;
        _ = try self.expectIdent("expected an event name");
        while (self.peek() == '.' or self.peek() == ':') {
            self.i += 1;
            _ = try self.expectIdent("expected a name after '.' or ':' in the event path");
        }
        const path = self.src[start..self.i];
        if (std.mem.count(u8, path, ":") > 1) return self.fail(start, "an event path has at most one ':'");
        self.skipSpaces();
        if (self.peek() != '(') return self.fail(self.i, "expected '(' after the event name (write name() for no arguments)");
        self.i += 1;
        var args: std.ArrayList(Arg) = try .initCapacity(self.arena, 4);
        self.skipAll();
        while (self.peek() != ')') {
            const pos = self.i;
            const name = try self.expectIdent("expected an argument name");
            self.skipSpaces();
            if (self.peek() != ':') return self.fail(self.i, "expected ':' after the argument name (arguments are named: name: value)");
            self.i += 1;
            self.skipAll();
            const value = try self.expr();
            for (args.items) |a| if (std.mem.eql(u8, a.name, name)) return self.fail(pos, "duplicate argument name");
            try args.append(self.arena, .{ .name = name, .value = value, .pos = @intCast(pos) });
            self.skipAll();
            if (self.peek() == ',') {
                self.i += 1;
                self.skipAll();
            } else if (self.peek() != ')') return self.fail(self.i, "expected ',' or ')' in the argument list");
        }
        self.i += 1;
        const inv = try self.arena.create(Invocation);
        inv.* = .{ .path = path, .args = args.items, .pos = @intCast(start) };
        return inv;
    }

    /// Reads `| branch binding |> node` lines, nesting by indentation.
    fn continuationLines(self: *Parser, head: *Invocation) Error!void {
        var stack: std.ArrayList(Open) = try .initCapacity(self.arena, 8);
        try stack.append(self.arena, .{ .inv = head, .conts = .empty, .level = null, .line_indent = -1 });
        while (self.i < self.src.len) {
            // At a newline (or the end): find the next non-blank, non-comment line.
            if (self.src[self.i] == '\n') self.i += 1;
            const line_start = self.i;
            self.skipSpaces();
            if (self.i >= self.src.len) break;
            if (self.src[self.i] == '\n') continue;
            if (self.i + 1 < self.src.len and self.src[self.i] == '/' and self.src[self.i + 1] == '/') {
                while (self.i < self.src.len and self.src[self.i] != '\n') self.i += 1;
                continue;
            }
            var indent: usize = 0;
            for (self.src[line_start..self.i]) |c| indent += if (c == '\t') 4 else 1;
            if (self.src[self.i] != '|') return self.fail(self.i, "expected a continuation line starting with '|'");
            while (stack.items.len > 1) {
                const top = stack.items[stack.items.len - 1];
                const leave = if (top.level) |lv| indent < lv else @as(isize, @intCast(indent)) <= top.line_indent;
                if (!leave) break;
                try self.close(&stack);
            }
            var top = &stack.items[stack.items.len - 1];
            if (top.level) |lv| {
                if (indent != lv) return self.fail(self.i, "continuation is indented deeper than its siblings but the step above it is not an event invocation");
            } else {
                if (@as(isize, @intCast(indent)) <= top.line_indent) return self.fail(self.i, "continuation must be indented deeper than the line it continues");
                top.level = indent;
            }
            const cont = try self.continuation();
            if (top.conts.capacity == 0) try top.conts.ensureTotalCapacity(self.arena, 4);
            try top.conts.append(self.arena, cont);
            if (cont.node == .invoke) {
                if (stack.items.len >= max_depth) return self.tooDeep();
                try stack.append(self.arena, .{ .inv = cont.node.invoke, .conts = .empty, .level = null, .line_indent = @intCast(indent) });
            }
        }
        while (stack.items.len > 0) try self.close(&stack);
    }

    fn close(self: *Parser, stack: *std.ArrayList(Open)) Error!void {
        _ = self;
        const top = stack.pop().?;
        top.inv.continuations = top.conts.items;
    }

    fn continuation(self: *Parser) Error!Continuation {
        const pos = self.i;
        self.i += 1; // '|'
        if (self.peek() == '>') return self.fail(pos, "'|>' cannot start a line: write '| branch binding |> step'");
        if (self.peek() == '?') return self.fail(pos, "'|?' catch-alls are not supported by the interpreter");
        self.skipSpaces();
        const branch = try self.expectIdent("expected a branch name after '|'");
        self.skipSpaces();
        var binding: ?[]const u8 = null;
        if (self.peek() != '|') {
            binding = try self.expectIdent("expected a binding name or '|>' after the branch name");
            self.skipSpaces();
        }
        if (!(self.peek() == '|' and self.i + 1 < self.src.len and self.src[self.i + 1] == '>')) return self.fail(self.i, "expected '|>' after the branch and binding");
        self.i += 2;
        self.skipSpaces();
        const step = try self.node();
        if (!self.atLineEnd()) return self.fail(self.i, "unexpected text after the step; put further continuations on new lines");
        return .{ .branch = branch, .binding = binding, .node = step, .pos = @intCast(pos) };
    }

    fn node(self: *Parser) Error!Node {
        const start = self.i;
        if (self.peek() == '~') return self.fail(start, "'~' is not allowed inside a continuation: write the event call without it");
        if (self.peek() == '_') {
            const save = self.i;
            const id = self.ident().?;
            if (id.len == 1) return .discard;
            self.i = save;
        }
        const name = try self.expectIdent("expected '_', an event invocation or a branch constructor");
        // A path followed by '(' is an invocation; anything else builds a branch.
        var j = self.i;
        while (j < self.src.len and (std.ascii.isAlphanumeric(self.src[j]) or self.src[j] == '_' or self.src[j] == '.' or self.src[j] == ':')) j += 1;
        var k = j;
        while (k < self.src.len and (self.src[k] == ' ' or self.src[k] == '\t')) k += 1;
        if (k < self.src.len and self.src[k] == '(') {
            self.i = start;
            return .{ .invoke = try self.invocation() };
        }
        self.skipSpaces();
        var c: Construct = .{ .branch = name, .pos = @intCast(start) };
        if (self.peek() == '{') {
            self.i += 1;
            self.skipAll();
            var fields: std.ArrayList(FieldInit) = try .initCapacity(self.arena, 4);
            while (self.peek() != '}') {
                const fpos = self.i;
                const fname = try self.expectIdent("expected a field name in the branch constructor");
                self.skipSpaces();
                if (self.peek() == ':') {
                    self.i += 1;
                    self.skipAll();
                    const v = try self.expr();
                    try fields.append(self.arena, .{ .name = fname, .value = v });
                } else {
                    // `{ s }` is an identity value; `{ s.x }` puns the field name.
                    var field: ?[]const u8 = null;
                    if (self.peek() == '.') {
                        self.i += 1;
                        field = try self.expectIdent("expected a field name after '.'");
                    }
                    const r: Expr = .{ .ref = .{ .binding = fname, .field = field, .pos = @intCast(fpos) } };
                    if (field) |f| try fields.append(self.arena, .{ .name = f, .value = r }) else {
                        self.skipAll();
                        if (self.peek() != '}' or fields.items.len > 0) return self.fail(fpos, "expected 'name: value' in the branch constructor");
                        c.identity = r;
                    }
                }
                for (fields.items[0..fields.items.len -| 1]) |f| {
                    if (fields.items.len > 0 and std.mem.eql(u8, f.name, fields.items[fields.items.len - 1].name)) return self.fail(fpos, "duplicate field name in the branch constructor");
                }
                self.skipAll();
                if (self.peek() == ',') {
                    self.i += 1;
                    self.skipAll();
                } else if (self.peek() != '}') return self.fail(self.i, "expected ',' or '}' in the branch constructor");
            }
            self.i += 1;
            c.fields = fields.items;
        } else if (!self.atLineEnd()) {
            c.identity = try self.expr();
        }
        return .{ .construct = c };
    }

    fn expr(self: *Parser) Error!Expr {
        self.depth += 1;
        defer self.depth -= 1;
        if (self.depth > max_expr_depth) return self.tooDeep();
        var lhs = try self.term();
        while (true) {
            self.skipSpaces();
            const c = self.peek();
            const op: BinOp = switch (c) {
                '+' => .add,
                '-' => .sub,
                else => return lhs,
            };
            const pos = self.i;
            self.i += 1;
            self.skipAll();
            const rhs = try self.term();
            lhs = try self.binary(op, lhs, rhs, pos);
        }
    }

    fn term(self: *Parser) Error!Expr {
        var lhs = try self.unary();
        while (true) {
            self.skipSpaces();
            const op: BinOp = switch (self.peek()) {
                '*' => .mul,
                '/' => if (self.i + 1 < self.src.len and self.src[self.i + 1] == '/') return lhs else .div,
                '%' => .rem,
                else => return lhs,
            };
            const pos = self.i;
            self.i += 1;
            self.skipAll();
            const rhs = try self.unary();
            lhs = try self.binary(op, lhs, rhs, pos);
        }
    }

    fn binary(self: *Parser, op: BinOp, lhs: Expr, rhs: Expr, pos: usize) Error!Expr {
        const l = try self.arena.create(Expr);
        const r = try self.arena.create(Expr);
        l.* = lhs;
        r.* = rhs;
        return .{ .binary = .{ .op = op, .lhs = l, .rhs = r, .pos = @intCast(pos) } };
    }

    fn unary(self: *Parser) Error!Expr {
        self.depth += 1;
        defer self.depth -= 1;
        if (self.depth > max_expr_depth) return self.tooDeep();
        const start = self.i;
        const c = self.peek();
        if (c == '-') {
            self.i += 1;
            if (std.ascii.isDigit(self.peek())) {
                self.i = start;
                return self.number();
            }
            const inner = try self.arena.create(Expr);
            inner.* = try self.unary();
            return .{ .neg = .{ .inner = inner, .pos = @intCast(start) } };
        }
        if (c == '(') {
            self.i += 1;
            self.skipAll();
            const e = try self.expr();
            self.skipAll();
            if (self.peek() != ')') return self.fail(self.i, "expected ')' to close the parenthesis");
            self.i += 1;
            return e;
        }
        if (std.ascii.isDigit(c)) return self.number();
        if (c == '"') return .{ .string = try self.string() };
        if (self.ident()) |id| {
            if (std.mem.eql(u8, id, "true")) return .{ .boolean = true };
            if (std.mem.eql(u8, id, "false")) return .{ .boolean = false };
            var field: ?[]const u8 = null;
            if (self.peek() == '.') {
                self.i += 1;
                field = try self.expectIdent("expected a field name after '.'");
                if (self.peek() == '.') return self.fail(self.i, "only one field access (binding.field) is supported");
            }
            if (self.peek() == '(') return self.fail(start, "function calls are not allowed in values: chain an event instead");
            return .{ .ref = .{ .binding = id, .field = field, .pos = @intCast(start) } };
        }
        if (c == 0 or c == '\n') return self.fail(self.i, "expected a value");
        return self.fail(self.i, "unexpected character where a value was expected");
    }

    fn number(self: *Parser) Error!Expr {
        const start = self.i;
        if (self.peek() == '-') self.i += 1;
        var is_float = false;
        while (self.i < self.src.len) : (self.i += 1) {
            const c = self.src[self.i];
            if (std.ascii.isDigit(c) or c == '_') continue;
            if (c == '.' and !is_float and self.i + 1 < self.src.len and std.ascii.isDigit(self.src[self.i + 1])) {
                is_float = true;
                continue;
            }
            break;
        }
        if (self.i < self.src.len and (std.ascii.isAlphabetic(self.src[self.i]) or self.src[self.i] == '.')) return self.fail(self.i, "malformed number");
        const text = self.src[start..self.i];
        if (is_float) {
            const f = std.fmt.parseFloat(f64, text) catch return self.fail(start, "malformed number");
            return .{ .float = f };
        }
        const n = std.fmt.parseInt(i64, text, 10) catch return self.fail(start, "integer literal out of range (64-bit signed)");
        return .{ .int = n };
    }

    /// A string literal with Zig's simple escapes; the bytes are copied only when escaped.
    fn string(self: *Parser) Error![]const u8 {
        const start = self.i;
        self.i += 1;
        const body = self.i;
        var escaped = false;
        while (true) : (self.i += 1) {
            if (self.i >= self.src.len or self.src[self.i] == '\n') return self.fail(start, "unterminated string literal");
            const c = self.src[self.i];
            if (c == '"') break;
            if (c == '\\') {
                escaped = true;
                self.i += 1;
                if (self.i >= self.src.len) return self.fail(start, "unterminated string literal");
            }
        }
        const raw = self.src[body..self.i];
        self.i += 1;
        if (!escaped) return raw;
        var out = try self.arena.alloc(u8, raw.len);
        var n: usize = 0;
        var k: usize = 0;
        while (k < raw.len) : (k += 1) {
            var c = raw[k];
            if (c == '\\') {
                k += 1;
                c = switch (raw[k]) {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '"' => '"',
                    '\\' => '\\',
                    '\'' => '\'',
                    else => return self.fail(body + k - 1, "unknown escape in string literal"),
                };
            }
            out[n] = c;
            n += 1;
        }
        return out[0..n];
    }
};
