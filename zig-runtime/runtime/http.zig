// Orisha's HTTP/1.1 server: a thread per connection (capped), keep-alive and pipelining,
// Content-Length bodies with a size limit, a per-request arena, and a graceful stop on
// SIGINT/SIGTERM (the listener closes, requests in flight finish, then `serve` returns).
const std = @import("std");
const posix = std.posix;
const arena_mod = @import("arena.zig");

pub const Header = struct { name: []const u8, value: []const u8 };

pub const Request = struct {
    method: []const u8,
    /// The path without the query string.
    path: []const u8,
    query: []const u8,
    headers: []const Header,
    body: ?[]const u8,

    /// The value of a header (names compare case-insensitively).
    pub fn header(self: *const Request, name: []const u8) ?[]const u8 {
        for (self.headers) |h| if (std.ascii.eqlIgnoreCase(h.name, name)) return h.value;
        return null;
    }
};

pub const Response = struct { status: u16, body: []const u8, content_type: []const u8 };

pub const Handler = *const fn (req: *const Request) Response;

pub const Options = struct {
    port: u16,
    host: []const u8 = "127.0.0.1",
    max_body_bytes: usize = 1024 * 1024,
    max_head_bytes: usize = 16 * 1024,
    max_connections: u32 = 4096,
    /// A keep-alive connection with no request for this long is closed.
    idle_timeout_ms: u32 = 30_000,
};

pub const Served = union(enum) {
    shutdown: struct { requests: u64, connections: u64 },
    failed: struct { msg: []const u8, port: u16 },
};

var stopping = std.atomic.Value(bool).init(false);
var active = std.atomic.Value(u32).init(0);
var served_requests = std.atomic.Value(u64).init(0);

fn onSignal(_: c_int) callconv(.c) void {
    stopping.store(true, .release);
}

/// Serves until SIGINT or SIGTERM. `ORISHA_PORT` and `ORISHA_HOST` override the options
/// (port 0 picks a free port); the address is printed to stderr once listening.
pub fn serve(handler: Handler, options: Options) Served {
    var opts = options;
    if (std.posix.getenv("ORISHA_PORT")) |p| opts.port = std.fmt.parseInt(u16, p, 10) catch opts.port;
    if (std.posix.getenv("ORISHA_HOST")) |h| opts.host = h;
    const address = std.net.Address.parseIp(opts.host, opts.port) catch
        return .{ .failed = .{ .msg = "invalid listen address (ORISHA_HOST)", .port = opts.port } };
    var server = address.listen(.{ .reuse_address = true, .kernel_backlog = 1024 }) catch |e| return .{ .failed = .{
        .msg = switch (e) {
            error.AddressInUse => "address already in use",
            error.AccessDenied => "permission denied",
            else => "cannot listen",
        },
        .port = opts.port,
    } };
    defer server.deinit();
    const act: posix.Sigaction = .{ .handler = .{ .handler = onSignal }, .mask = posix.sigemptyset(), .flags = 0 };
    posix.sigaction(posix.SIG.INT, &act, null);
    posix.sigaction(posix.SIG.TERM, &act, null);
    // A client that goes away mid-response must not kill the server.
    const ignore: posix.Sigaction = .{ .handler = .{ .handler = posix.SIG.IGN }, .mask = posix.sigemptyset(), .flags = 0 };
    posix.sigaction(posix.SIG.PIPE, &ignore, null);
    std.debug.print("orisha: listening on http://{f}\n", .{server.listen_address});

    var connections: u64 = 0;
    while (!stopping.load(.acquire)) {
        var fds = [_]posix.pollfd{.{ .fd = server.stream.handle, .events = posix.POLL.IN, .revents = 0 }};
        const ready = posix.poll(&fds, 100) catch continue;
        if (ready == 0) continue;
        const conn = server.accept() catch continue;
        connections += 1;
        if (active.load(.acquire) >= opts.max_connections) {
            writeResponse(conn.stream, .{ .status = 503, .body = "{\"error\":\"too_many_connections\"}", .content_type = "application/json" }, true) catch {};
            conn.stream.close();
            continue;
        }
        _ = active.fetchAdd(1, .acq_rel);
        const t = std.Thread.spawn(.{ .stack_size = 2 * 1024 * 1024 }, connection, .{ conn.stream, handler, opts }) catch {
            _ = active.fetchSub(1, .acq_rel);
            conn.stream.close();
            continue;
        };
        t.detach();
    }
    // Let requests in flight finish (up to 5 s); idle connections notice `stopping` and close.
    var waited: u32 = 0;
    while (active.load(.acquire) > 0 and waited < 500) : (waited += 1) std.Thread.sleep(10 * std.time.ns_per_ms);
    return .{ .shutdown = .{ .requests = served_requests.load(.acquire), .connections = connections } };
}

fn connection(stream: std.net.Stream, handler: Handler, opts: Options) void {
    defer _ = active.fetchSub(1, .acq_rel);
    defer stream.close();
    var arena = std.heap.ArenaAllocator.init(std.heap.page_allocator);
    defer arena.deinit();
    const head = std.heap.page_allocator.alloc(u8, opts.max_head_bytes) catch return;
    defer std.heap.page_allocator.free(head);
    var conn: Conn = .{ .stream = stream, .buf = head, .opts = opts };
    while (true) {
        _ = arena.reset(.retain_capacity);
        arena_mod.setCurrent(&arena);
        defer arena_mod.setCurrent(null);
        const keep = conn.one(handler, arena.allocator()) catch return;
        if (!keep) return;
    }
}

const Conn = struct {
    stream: std.net.Stream,
    buf: []u8,
    /// Bytes buffered: `buf[start..end]` is unread (pipelined requests stay for the next round).
    start: usize = 0,
    end: usize = 0,
    opts: Options,

    /// Waits for data; false when the connection should close (idle timeout, shutdown, EOF).
    fn fill(self: *Conn, idle_ok: bool) !bool {
        if (self.start > 0) {
            std.mem.copyForwards(u8, self.buf[0 .. self.end - self.start], self.buf[self.start..self.end]);
            self.end -= self.start;
            self.start = 0;
        }
        if (self.end == self.buf.len) return error.HeadTooLarge;
        if (!try self.readable(idle_ok)) return false;
        const n = try self.stream.read(self.buf[self.end..]);
        if (n == 0) return false;
        self.end += n;
        return true;
    }

    /// Waits until the socket has data; false after the idle timeout, or at shutdown when
    /// no request is under way (`idle_ok`).
    fn readable(self: *Conn, idle_ok: bool) !bool {
        var waited: u32 = 0;
        while (true) {
            var fds = [_]posix.pollfd{.{ .fd = self.stream.handle, .events = posix.POLL.IN, .revents = 0 }};
            if (try posix.poll(&fds, 100) > 0) return true;
            waited += 100;
            if (idle_ok and stopping.load(.acquire)) return false;
            if (waited >= self.opts.idle_timeout_ms) return false;
        }
    }

    /// Reads, answers and returns whether to keep the connection open.
    fn one(self: *Conn, handler: Handler, alloc: std.mem.Allocator) !bool {
        // Read until the end of the head.
        var head_end: usize = 0;
        while (true) {
            if (std.mem.indexOf(u8, self.buf[self.start..self.end], "\r\n\r\n")) |i| {
                head_end = self.start + i + 4;
                break;
            }
            const idle = self.end == self.start;
            const more = self.fill(idle) catch |e| {
                if (e == error.HeadTooLarge) try self.fail(431, "header_too_large");
                return false;
            };
            if (!more) return false;
        }
        const head = self.buf[self.start..head_end];
        var lines = std.mem.splitSequence(u8, head[0 .. head.len - 4], "\r\n");
        const request_line = lines.next() orelse "";
        var parts = std.mem.splitScalar(u8, request_line, ' ');
        const method = parts.next() orelse "";
        const target = parts.next() orelse "";
        const version = parts.next() orelse "";
        if (method.len == 0 or target.len == 0 or target[0] != '/' or parts.next() != null or
            !(std.mem.eql(u8, version, "HTTP/1.1") or std.mem.eql(u8, version, "HTTP/1.0")))
        {
            try self.fail(400, "bad_request");
            return false;
        }
        var headers: std.ArrayList(Header) = .empty;
        var content_length: usize = 0;
        var keep_alive = std.mem.eql(u8, version, "HTTP/1.1");
        var expect_continue = false;
        while (lines.next()) |line| {
            const colon = std.mem.indexOfScalar(u8, line, ':') orelse {
                try self.fail(400, "bad_header");
                return false;
            };
            const name = line[0..colon];
            const value = std.mem.trim(u8, line[colon + 1 ..], " \t");
            if (name.len == 0 or std.mem.indexOfAny(u8, name, " \t") != null) {
                try self.fail(400, "bad_header");
                return false;
            }
            try headers.append(alloc, .{ .name = name, .value = value });
            if (std.ascii.eqlIgnoreCase(name, "content-length")) {
                content_length = std.fmt.parseInt(usize, value, 10) catch {
                    try self.fail(400, "bad_content_length");
                    return false;
                };
            } else if (std.ascii.eqlIgnoreCase(name, "transfer-encoding")) {
                try self.fail(411, "length_required");
                return false;
            } else if (std.ascii.eqlIgnoreCase(name, "connection")) {
                if (std.ascii.eqlIgnoreCase(value, "close")) keep_alive = false;
                if (std.ascii.eqlIgnoreCase(value, "keep-alive")) keep_alive = true;
            } else if (std.ascii.eqlIgnoreCase(name, "expect")) {
                expect_continue = std.ascii.eqlIgnoreCase(value, "100-continue");
            }
        }
        if (content_length > self.opts.max_body_bytes) {
            try self.fail(413, "request_too_large");
            return false;
        }
        // The head lives in `buf`, which the body read may reuse: copy what the request keeps.
        const owned_head = try alloc.dupe(u8, head);
        const shift = @intFromPtr(owned_head.ptr) -% @intFromPtr(head.ptr);
        for (headers.items) |*h| {
            h.name = rebase(h.name, shift);
            h.value = rebase(h.value, shift);
        }
        self.start = head_end;
        var body: ?[]const u8 = null;
        if (content_length > 0) {
            if (expect_continue) try self.stream.writeAll("HTTP/1.1 100 Continue\r\n\r\n");
            const b = try alloc.alloc(u8, content_length);
            const have = @min(self.end - self.start, content_length);
            @memcpy(b[0..have], self.buf[self.start .. self.start + have]);
            self.start += have;
            var got = have;
            while (got < content_length) {
                // A client that stops sending its body is dropped after the idle timeout.
                if (!try self.readable(false)) return false;
                const n = try self.stream.read(b[got..]);
                if (n == 0) return false;
                got += n;
            }
            body = b;
        }
        if (self.start == self.end) {
            self.start = 0;
            self.end = 0;
        }
        const target_owned = rebase(target, shift);
        const q = std.mem.indexOfScalar(u8, target_owned, '?');
        const req: Request = .{
            .method = rebase(method, shift),
            .path = if (q) |i| target_owned[0..i] else target_owned,
            .query = if (q) |i| target_owned[i + 1 ..] else "",
            .headers = headers.items,
            .body = body,
        };
        const res = handler(&req);
        _ = served_requests.fetchAdd(1, .monotonic);
        const close = !keep_alive or stopping.load(.acquire);
        try writeResponse(self.stream, res, close);
        return !close;
    }

    fn fail(self: *Conn, status: u16, code: []const u8) !void {
        var buf: [96]u8 = undefined;
        const body = std.fmt.bufPrint(&buf, "{{\"error\":\"{s}\"}}", .{code}) catch unreachable;
        try writeResponse(self.stream, .{ .status = status, .body = body, .content_type = "application/json" }, true);
        self.linger();
    }

    /// A lingering close: after an error answer, read and drop what the client is still
    /// sending (up to 1 s and 16 MiB), so closing does not reset the connection before the
    /// client has read the answer.
    fn linger(self: *Conn) void {
        posix.shutdown(self.stream.handle, .send) catch return;
        var dropped: usize = 0;
        var waited: u32 = 0;
        while (dropped < 16 * 1024 * 1024 and waited < 1000) {
            var fds = [_]posix.pollfd{.{ .fd = self.stream.handle, .events = posix.POLL.IN, .revents = 0 }};
            const ready = posix.poll(&fds, 100) catch return;
            if (ready == 0) {
                waited += 100;
                continue;
            }
            const n = self.stream.read(self.buf) catch return;
            if (n == 0) return;
            dropped += n;
        }
    }
};

fn rebase(s: []const u8, shift: usize) []const u8 {
    const p: [*]const u8 = @ptrFromInt(@intFromPtr(s.ptr) +% shift);
    return p[0..s.len];
}

fn reason(status: u16) []const u8 {
    return switch (status) {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        else => "Status",
    };
}

fn writeResponse(stream: std.net.Stream, res: Response, close: bool) !void {
    var head: [512]u8 = undefined;
    const ct = if (res.content_type.len > 200 or std.mem.indexOfAny(u8, res.content_type, "\r\n") != null) "text/plain" else res.content_type;
    const text = std.fmt.bufPrint(&head, "HTTP/1.1 {d} {s}\r\nContent-Type: {s}\r\nContent-Length: {d}\r\n{s}\r\n", .{
        res.status, reason(res.status), ct, res.body.len, if (close) "Connection: close\r\n" else "",
    }) catch unreachable;
    var iov = [_]posix.iovec_const{
        .{ .base = text.ptr, .len = text.len },
        .{ .base = res.body.ptr, .len = res.body.len },
    };
    try stream.writevAll(&iov);
}

/// Whether `path` matches `pattern`, where a `:name` segment matches any one segment.
pub fn matchPath(path: []const u8, pattern: []const u8) bool {
    var p = std.mem.splitScalar(u8, path, '/');
    var q = std.mem.splitScalar(u8, pattern, '/');
    while (true) {
        const a = p.next();
        const b = q.next();
        if (a == null or b == null) return a == null and b == null;
        if (b.?.len > 0 and b.?[0] == ':') {
            if (a.?.len == 0) return false;
        } else if (!std.mem.eql(u8, a.?, b.?)) return false;
    }
}

/// The segment of `path` at the `:name` segment of `pattern` ("" when absent).
pub fn param(path: []const u8, pattern: []const u8, name: []const u8) []const u8 {
    var p = std.mem.splitScalar(u8, path, '/');
    var q = std.mem.splitScalar(u8, pattern, '/');
    while (q.next()) |b| {
        const a = p.next() orelse return "";
        if (b.len > 1 and b[0] == ':' and std.mem.eql(u8, b[1..], name)) return a;
    }
    return "";
}

test matchPath {
    try std.testing.expectEqualStrings("42", param("/users/42/posts/7", "/users/:id/posts/:post", "id"));
    try std.testing.expectEqualStrings("7", param("/users/42/posts/7", "/users/:id/posts/:post", "post"));
    try std.testing.expect(matchPath("/users/42", "/users/:id"));
    try std.testing.expect(!matchPath("/users/", "/users/:id"));
    try std.testing.expect(!matchPath("/users/42/x", "/users/:id"));
}
