// `orisha:router(req)`: route branches `| [GET /path] _ |>`, `| [POST /x/:id] _ |>` and
// `| [*] |>` lowered to an if/else-if chain on the request's method and path. A request
// that falls through (no route, or a `std.runtime:run` branch nobody handles) gets
// Orisha's fallback answer.
import type { Continuation, Invocation } from "../ast.js";
import { error } from "../diagnostics.js";
import type { FlowEmitter, Scope } from "../emit/flow.js";
import { zigIdent } from "../emit/zig-writer.js";
import { RT } from "./fmt.js";

export interface Route {
  method?: string;
  /** Path segments; `:name` matches any one segment. Undefined for `[*]`. */
  path?: string;
}

/** `[GET /eval]` → `{ method: "GET", path: "/eval" }`; `[*]` → `{}`. */
export function parseRoute(branch: string): Route | undefined {
  const inner = branch.slice(1, -1).trim();
  if (inner === "*") return {};
  const m = /^([A-Z]+|\*)\s+(\/\S*)$/.exec(inner);
  if (!m) return undefined;
  return { ...(m[1] !== "*" ? { method: m[1] } : {}), path: m[2] };
}

export function lowerRouter(fe: FlowEmitter, inv: Invocation, conts: readonly Continuation[], scope: Scope): void {
  const req = (inv.args.find((a) => a.name === "req" || a.name === "expr") ?? inv.args[0])?.value ?? "req";
  let first = true;
  for (const c of conts) {
    const route = c.branch.startsWith("[") ? parseRoute(c.branch) : undefined;
    if (!route) {
      fe.diags.push(
        error("KORU021", `invalid route '${c.branch}': expected '[METHOD /path]' or '[*]'`, { ...c.span, col: 0 }),
      );
      continue;
    }
    const params = (route.path ?? "")
      .split("/")
      .filter((s) => s.startsWith(":"))
      .map((s) => s.slice(1));
    if (c.binding && c.binding !== "_" && params.length === 0) {
      fe.diags.push(
        error("KORU021", `route '${c.branch}' has no ':name' segments to bind: write '| ${c.branch} _ |>'`, {
          ...c.span,
          col: 0,
        }),
      );
    }
    const tests: string[] = [];
    if (route.method) tests.push(`__koru_std.mem.eql(u8, ${req}.method, ${JSON.stringify(route.method)})`);
    if (route.path !== undefined) {
      tests.push(
        route.path.includes("/:")
          ? `${RT}.http.matchPath(${req}.path, ${JSON.stringify(route.path)})`
          : `__koru_std.mem.eql(u8, ${req}.path, ${JSON.stringify(route.path)})`,
      );
    }
    // `always()` is true but not comptime-known, so the fallback after the chain stays reachable.
    const cond = tests.length ? tests.join(" and ") : `${RT}.always()`;
    if (first) fe.w.open(`if (${cond}) {`, fe.origin(c.span));
    else fe.w.reopen(`} else if (${cond}) {`, fe.origin(c.span));
    first = false;
    if (c.binding && c.binding !== "_" && params.length > 0) {
      // `| [GET /users/:id] p |>` binds `p.id`, the matching path segment.
      const fields = params.map(
        (n) => `.${zigIdent(n)} = ${RT}.http.param(${req}.path, ${JSON.stringify(route.path)}, ${JSON.stringify(n)})`,
      );
      fe.w.line(`const ${zigIdent(c.binding)} = .{ ${fields.join(", ")} };`, fe.origin(c.span));
      fe.w.line(`_ = &${zigIdent(c.binding)};`);
    }
    fe.emitChain(c.body, scope);
  }
  if (!first) fe.w.close();
  if (scope.implementing?.decl.branches.some((b) => b.name === "response")) {
    const fb = fe.fresh("fallback");
    fe.w.line(`const ${fb} = ${RT}.fallbackResponse();`, fe.origin(inv.span));
    fe.w.line(
      `return .{ .response = .{ .status = ${fb}.status, .body = ${fb}.body, .content_type = ${fb}.content_type } };`,
    );
  }
}
