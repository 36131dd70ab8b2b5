// `orisha:router` without a server: a handler-shaped event routed by method and path,
// `:name` segments bound (`p.id`), `*` for any method, and the fallback when nothing matches.
import { join } from "node:path";
import { expect, it } from "vitest";
import { koruc, workspace } from "../helpers.js";

const PROGRAM = `const std = @import("std");
~import "$orisha"
~import "$std/fmt"

~event route { req: *const orisha:Request }
| response { status: u16, body: []const u8, content_type: []const u8 }

~route = orisha:router(req)
| [GET /users/:id/posts/:post] p |> std.fmt:ln("user {{ p.id }} post {{ p.post }}")
    | line l |> response { status: 200, body: l.text, content_type: "text/plain" }
| [GET /] |> response { status: 200, body: "home", content_type: "text/plain" }
| [* /any/:x] _ |> response { status: 201, body: "any method", content_type: "text/plain" }

pub fn main() void {
    const cases = [_][2][]const u8{
        .{ "GET", "/users/42/posts/7" }, .{ "GET", "/" }, .{ "DELETE", "/any/1" }, .{ "POST", "/" }, .{ "GET", "/users/42" },
    };
    for (cases) |c| {
        const req: koru_orisha.Request = .{ .method = c[0], .path = c[1], .query = "", .headers = &.{}, .body = null };
        const r = main_module.route_event.handler(.{ .req = &req }).response;
        std.debug.print("{s} {s} -> {d} {s}\\n", .{ c[0], c[1], r.status, r.body });
    }
}
`;

it("routes by method and path, binds :name segments, falls back to 404", async () => {
  const dir = workspace({ "main.kz": PROGRAM });
  const r = await koruc(["run", join(dir, "main.kz")]);
  expect(r.stderr.trim().split("\n")).toEqual([
    "GET /users/42/posts/7 -> 200 user 42 post 7",
    "GET / -> 200 home",
    "DELETE /any/1 -> 201 any method",
    'POST / -> 404 {"error":"not_found"}',
    'GET /users/42 -> 404 {"error":"not_found"}',
  ]);
}, 240_000);

it("reports invalid routes and bindings of routes without parameters", async () => {
  const dir = workspace({
    "main.kz": [
      '~import "$orisha"',
      '~import "$std/fmt"',
      "",
      "~orisha:handler = orisha:router(req)",
      '| [GET] |> response { status: 200, body: "x", content_type: "text/plain" }',
      '| [GET /] p |> std.fmt:ln("x")',
      '    | line l |> response { status: 200, body: l.text, content_type: "text/plain" }',
      "",
    ].join("\n"),
  });
  const r = await koruc(["build", join(dir, "main.kz")]);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("error[KORU021]: invalid route '[GET]': expected '[METHOD /path]' or '[*]'");
  expect(r.stderr).toContain("error[KORU021]: route '[GET /]' has no ':name' segments to bind");
});
