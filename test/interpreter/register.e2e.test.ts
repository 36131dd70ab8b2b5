// `$std/runtime` end to end without HTTP: register blocks (aliases, module paths, one event
// under two names, an included scope), std.runtime:run's branches, obligations discharged
// when the budget runs out, and the compile-time diagnostics of register blocks.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { koruc, workspace } from "../helpers.js";

const HEADER = `const std = @import("std");
~import "$std/runtime"
~import "$std/io"
~import "$std/fmt"
~import "$app/db/user"

~pub event add { a: i64, b: i64 }
| sum i64

~add = sum a + b

~pub event open { path: []const u8 }
| opened []const u8[open!]

~proc open {
    std.debug.print("open {s}\\n", .{path});
    return .{ .opened = path };
}

~pub event close { handle: []const u8[!open] }

~proc close {
    std.debug.print("close {s}\\n", .{handle});
}

~std.runtime:register(scope: "api") {
    add -> plus(2)
    app.db.user:get -> get_user(10)
    app.db.user:get -> lookup(1)   // one event, two names, two costs
}

~std.runtime:register(scope: "files") {
    open(3)
    close(1)
    scope(api)
}
`;

const USER = `~pub event get { id: i64 }
| found { id: i64, name: []const u8 }
| missing i64

~proc get {
    if (id == 1) return .{ .found = .{ .id = id, .name = "ada" } };
    return .{ .missing = id };
}
`;

/** A flow running `source` in `scope` that prints one line per outcome, tagged with `tag`. */
function runFlow(tag: string, source: string, scope: string, budget: number): string {
  const lit = JSON.stringify(source);
  const print = (tmpl: string) => `std.fmt:ln("${tag} ${tmpl}")\n    | line l |> std.io:println(text: l.text)`;
  return [
    `~std.runtime:run(source: ${lit}, scope: "${scope}", budget: ${budget})`,
    `| result r |> ${print("R {{ r.value.toJsonBuf() }} used={{ r.used }}")}`,
    `| exhausted e |> ${print("X used={{ e.used }} event={{ e.event }} handles={{ e.handles }}")}`,
    `| parse_error e |> ${print("P {{ e.message }}")}`,
    `| event_denied n |> ${print("D {{ n }}")}`,
    `| validation_error m |> ${print("V {{ m }}")}`,
    `| scope_not_found s |> ${print("S {{ s }}")}`,
    "",
  ].join("\n");
}

const FLOWS: [string, string, string, number, string][] = [
  ["alias", "plus(a: 1, b: 2)", "api", 100, 'alias R {"branch":"sum","value":3} used=2'],
  ["hidden", "add(a: 1, b: 2)", "api", 100, "hidden D add"],
  [
    "module",
    "get_user(id: 1)\n| found u |> result { name: u.name }\n| missing _ |> none",
    "api",
    100,
    'module R {"branch":"result","fields":{"name":"ada"}} used=10',
  ],
  ["cheap", "lookup(id: 2)", "api", 100, 'cheap R {"branch":"missing","value":2} used=1'],
  ["internal", "app.db.user:get(id: 1)", "api", 100, "internal D app.db.user:get"],
  ["included", "plus(a: 40, b: 2)", "files", 100, 'included R {"branch":"sum","value":42} used=2'],
  [
    "cleanup",
    'open(path: "x.txt")\n| opened h |> plus(a: 1, b: 2)',
    "files",
    4,
    "cleanup X used=3 event=plus handles=0",
  ],
  ["closed", 'open(path: "y.txt")\n| opened h |> close(handle: h)', "files", 10, 'closed R {"branch":""} used=4'],
  ["noscope", "plus(a: 1, b: 2)", "nope", 10, "noscope S nope"],
  ["parse", "plus(a: 1, b: 2", "api", 10, "parse P expected ',' or ')' in the argument list at line 1, column 16"],
  [
    "invalid",
    "plus(a: 1, b: true)",
    "api",
    10,
    "invalid V bad argument for event 'plus': expected an integer at line 1, column 1",
  ],
];

describe("std.runtime:run in a compiled program", () => {
  let out = "";
  beforeAll(async () => {
    const dir = workspace({
      "main.kz": HEADER + FLOWS.map(([tag, src, scope, budget]) => runFlow(tag, src, scope, budget)).join("\n"),
    });
    mkdirSync(join(dir, "db"));
    writeFileSync(join(dir, "db", "user.kz"), USER);
    const r = await koruc(["run", join(dir, "main.kz")]);
    expect(r.stdout + r.stderr).not.toContain("error[");
    expect(r.status).toBe(0);
    out = r.stderr;
  }, 240_000);

  for (const [tag, , , , want] of FLOWS) {
    it(`${tag}: ${want.slice(tag.length + 1)}`, () => {
      expect(out.split("\n")).toContain(want);
    });
  }

  it("discharges the open handle when the budget runs out, before the run answers", () => {
    const lines = out.split("\n");
    expect(lines.indexOf("close x.txt")).toBeGreaterThan(lines.indexOf("open x.txt"));
    expect(lines.indexOf("cleanup X used=3 event=plus handles=0")).toBeGreaterThan(lines.indexOf("close x.txt"));
    // A handle the flow closed itself is not closed again.
    expect(lines.filter((l) => l === "close y.txt")).toHaveLength(1);
  });
});

describe("register blocks are checked at compile time", () => {
  const check = async (block: string) => {
    const dir = workspace({
      "main.kz": `~import "$std/runtime"\n\n~pub event add { a: i64, b: i64 }\n| sum i64\n\n~add = sum a + b\n\n~std.runtime:register(scope: "api") {\n${block}\n}\n`,
    });
    const r = await koruc(["check", join(dir, "main.kz")]);
    return { status: r.status, text: r.stdout + r.stderr };
  };

  it("accepts a good block", async () => {
    expect((await check("    add(2)\n    add -> plus(3)")).status).toBe(0);
  });
  it("reports an unknown event at its line", async () => {
    const r = await check("    add(2)\n    nope(1)");
    expect(r.status).toBe(1);
    expect(r.text).toContain("error[KORU115]: unknown event 'nope' in scope 'api'");
    expect(r.text).toMatch(/main\.kz:10:1/);
  });
  it("reports a duplicate name", async () => {
    const r = await check("    add -> plus(2)\n    add -> plus(3)");
    expect(r.text).toContain("error[KORU117]: duplicate name 'plus' in scope 'api'");
    expect(r.text).toMatch(/main\.kz:10:1/);
  });
  it("reports a bad cost", async () => {
    const r = await check("    add(-2)");
    expect(r.text).toContain("error[KORU114]: bad cost '-2' for 'add'");
    expect(r.text).toMatch(/main\.kz:9:1/);
  });
  it("reports an event whose inputs a flow cannot give", async () => {
    const dir = workspace({
      "main.kz": `~import "$std/runtime"\n\n~pub event peek { p: *const u8 }\n\n~std.runtime:register(scope: "api") {\n    peek\n}\n`,
    });
    const r = await koruc(["check", join(dir, "main.kz")]);
    expect(r.stdout + r.stderr).toContain("error[KORU116]: event 'peek' cannot be called from a flow");
  });
});
