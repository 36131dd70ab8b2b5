// `koruc run --capture <event>`: a bounded sample of one event's real inputs (reservoir
// sampling, a record cap and a byte cap), each encoded exactly as the variant harness builds
// a case (`variant_harness.encode`), written atomically at exit to the file named by
// KORU_CAPTURE_FILE as [u32 little-endian length][case bytes] records.
const std = @import("std");
const vh = @import("variant_harness.zig");

pub fn Capture(comptime max_records: usize, comptime max_bytes: usize) type {
    return struct {
        const alloc = std.heap.page_allocator;
        var records: [max_records][]u8 = undefined;
        var kept: usize = 0;
        /// The reservoir's size: max_records until the byte cap freezes it at what fits.
        var size: usize = max_records;
        var bytes: usize = 0;
        var seen: u64 = 0;
        var slot: usize = 0;
        var rng = std.Random.DefaultPrng.init(0x6b6f7275);

        /// Whether this call's input goes into the sample (decided before encoding anything).
        pub fn want() bool {
            seen += 1;
            if (kept < size) {
                slot = kept;
                return true;
            }
            return pick();
        }

        /// Algorithm R: the n-th input replaces a random record with probability size/n.
        fn pick() bool {
            const j = rng.random().uintLessThan(u64, seen);
            if (j >= size) return false;
            slot = @intCast(j);
            return true;
        }

        pub fn record(values: anytype) void {
            var out: std.ArrayList(u8) = .empty;
            vh.encode(@TypeOf(values), values, &out, alloc) catch return out.deinit(alloc);
            if (slot == kept and bytes + out.items.len + 4 > max_bytes) {
                // The byte cap is reached while filling: the reservoir keeps the size that fits
                // and this input competes for a place in it like any later one.
                size = kept;
                if (size == 0 or !pick()) return out.deinit(alloc);
            }
            const old: usize = if (slot < kept) records[slot].len + 4 else 0;
            // A replacement that would still overflow the cap is dropped.
            if (bytes - old + out.items.len + 4 > max_bytes) return out.deinit(alloc);
            const owned = out.toOwnedSlice(alloc) catch return out.deinit(alloc);
            if (slot < kept) alloc.free(records[slot]) else kept += 1;
            records[slot] = owned;
            bytes = bytes - old + records[slot].len + 4;
        }

        /// The records kept so far (for tests).
        pub fn sample() []const []u8 {
            return records[0..kept];
        }

        /// Write the sample (called at the end of `main`); silent when the variable is unset.
        pub fn flush() void {
            const path = std.posix.getenv("KORU_CAPTURE_FILE") orelse return;
            var tmp_buf: [std.fs.max_path_bytes]u8 = undefined;
            const tmp = std.fmt.bufPrint(&tmp_buf, "{s}.tmp-{d}", .{ path, std.os.linux.getpid() }) catch return;
            const file = std.fs.cwd().createFile(tmp, .{}) catch return;
            var ok = true;
            for (records[0..kept]) |r| {
                var len: [4]u8 = undefined;
                std.mem.writeInt(u32, &len, @intCast(r.len), .little);
                file.writeAll(&len) catch {
                    ok = false;
                };
                file.writeAll(r) catch {
                    ok = false;
                };
            }
            file.close();
            if (ok) std.fs.cwd().rename(tmp, path) catch {
                ok = false;
            };
            if (!ok) std.fs.cwd().deleteFile(tmp) catch {};
        }
    };
}
