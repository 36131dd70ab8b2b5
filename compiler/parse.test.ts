import { describe, expect, it } from "vitest";
import type { EventDecl, FlowItem, ProcDecl, SubflowImpl } from "./ast.js";
import { parseModule } from "./parse.js";

function parse(src: string) {
  return parseModule(src, "t.kz", "input");
}

function items<K extends string>(src: string, kind: K) {
  return parse(src).module.items.filter((i) => i.kind === kind);
}

describe("events", () => {
  it("parses input shapes, identity/struct/empty/optional branches and phantom states", () => {
    const [ev] = items(
      `~pub event open { path: []const u8, mode: ?u8 = null }
| opened *File[opened!]
| next { value: i32, target: i32 }
| ?warning []const u8
| closed`,
      "event",
    ) as EventDecl[];
    expect(ev.pub).toBe(true);
    expect(ev.input).toMatchObject([
      { name: "path", type: "[]const u8" },
      { name: "mode", type: "?u8", defaultValue: "null" },
    ]);
    expect(ev.branches.map((b) => [b.name, b.optional, b.payload.kind])).toEqual([
      ["opened", false, "identity"],
      ["next", false, "struct"],
      ["warning", true, "identity"],
      ["closed", false, "none"],
    ]);
    expect(ev.branches[0].payload).toEqual({ kind: "identity", type: "*File", phantom: "opened!" });
  });

  it("keeps arrays as types, not phantom states", () => {
    const [ev] = items("~event e { a: [4]u8, b: *T[app.fs:open] }", "event") as EventDecl[];
    expect(ev.input[0]).toMatchObject({ type: "[4]u8" });
    expect(ev.input[1]).toMatchObject({ type: "*T", phantom: "app.fs:open" });
  });

  it("parses multi-line shapes and annotations in both forms", () => {
    const src = `~[comptime|pure]event a {
    x: i32,
    y: i32,
}
~[
- keyword
- optimize(level: 3)
] pub event b {}`;
    const evs = items(src, "event") as EventDecl[];
    expect(evs[0].annotations).toEqual(["comptime", "pure"]);
    expect(evs[0].input.map((f) => f.name)).toEqual(["x", "y"]);
    expect(evs[1].annotations).toEqual(["keyword", "optimize(level: 3)"]);
    expect(evs[1].pub).toBe(true);
  });

  it("reports duplicate branches with upstream's code and position", () => {
    const { diagnostics } = parse("~event foo { x: i32 }\n| done\n| done");
    expect(diagnostics).toMatchObject([{ code: "PARSE003", message: "duplicate branch name 'done'", line: 3, col: 1 }]);
  });

  it("rejects a lone empty branch, empty braces and single-field braces", () => {
    expect(parse("~event a {}\n| done").diagnostics[0].message).toContain("redundant");
    expect(parse("~event a {}\n| x {}\n| y").diagnostics[0].message).toContain("empty braces");
    expect(parse("~event a {}\n| x { v: i32 }\n| y").diagnostics[0].message).toContain("single field");
  });
});

describe("procs and implementations", () => {
  it("parses procs, variants and one-liners", () => {
    const procs = items(
      `~proc blur {
    return .{ .ok = 1 };
}
~proc blur|zig(ai_opt_1) { return .{ .ok = 2 }; }`,
      "proc",
    ) as ProcDecl[];
    expect(procs[0].body.trim()).toBe("return .{ .ok = 1 };");
    expect(procs[0].bodyLine).toBe(2);
    expect(procs[1].variant).toBe("zig(ai_opt_1)");
    expect(procs[1].body.trim()).toBe("return .{ .ok = 2 };");
  });

  it("rejects ~pub proc", () => {
    const { diagnostics } = parse("~pub proc greet {\n}\n");
    expect(diagnostics[0]).toMatchObject({
      code: "PARSE003",
      message: "'pub' is not valid on proc declarations - only events can be public",
      line: 1,
    });
  });

  it("parses braceless, braced, punned and flow-bodied subflows", () => {
    const subs = items(
      `~add_one = done value + 1
~data = result { x: x, p.y }
~process = triple(value: input)
| tripled t |> final t`,
      "subflow",
    ) as SubflowImpl[];
    expect(subs[0].body.steps[0]).toMatchObject({
      kind: "construct",
      branch: "done",
      value: { kind: "expr", expr: "value + 1" },
    });
    expect(subs[1].body.steps[0]).toMatchObject({
      value: {
        kind: "fields",
        fields: [
          { name: "x", value: "x" },
          { name: "y", value: "p.y" },
        ],
      },
    });
    expect(subs[2].body.continuations[0]).toMatchObject({ branch: "tripled", binding: "t" });
  });

  it("rejects function calls in branch constructors", () => {
    const { diagnostics } = parse("~x = result { value: helper(g) }");
    expect(diagnostics[0].message).toContain("contains a function call");
    expect(parse("~x = result { value: @as(i32, 1) }").diagnostics).toEqual([]);
  });
});

describe("flows", () => {
  it("nests continuations by indentation and keeps bindings, annotations and when guards", () => {
    const [flow] = items(
      `~a(x: 1, "pos")
| ok r[mutable] when r > 1 |> b(v: r)
    | done d |> c(d)
        | fin _ |> _
| ok r |> _
| err _ |> _`,
      "flow",
    ) as FlowItem[];
    const conts = flow.body.continuations;
    expect(conts.map((c) => c.branch)).toEqual(["ok", "ok", "err"]);
    expect(conts[0]).toMatchObject({ binding: "r", bindingAnnotations: ["mutable"], when: "r > 1" });
    expect(conts[0].body.continuations[0].body.continuations[0].branch).toBe("fin");
    expect(flow.body.steps[0]).toMatchObject({ args: [{ name: "x", value: "1" }, { value: '"pos"' }] });
  });

  it("parses void chains, labels, jumps and catch-alls", () => {
    const [chain, loop] = items(
      `~a() |> b() |> c()
~#loop count(n: 0)
| next n |> @loop(n: n)
|? |> _`,
      "flow",
    ) as FlowItem[];
    expect(chain.body.steps.map((s) => s.kind)).toEqual(["invoke", "invoke", "invoke"]);
    expect(loop.body.steps[0]).toMatchObject({ kind: "invoke", label: "loop" });
    expect(loop.body.continuations[0].body.steps[0]).toMatchObject({ kind: "jump", label: "loop" });
    expect(loop.body.continuations[1]).toMatchObject({ catchAll: true });
  });

  it("reads a body on the next, deeper line after a trailing |>", () => {
    const [flow] = items("~a()\n| ok x |>\n    b(v: x)\n        | done |> _", "flow") as FlowItem[];
    const ok = flow.body.continuations[0];
    expect(ok.body.steps[0]).toMatchObject({ kind: "invoke", target: { path: ["b"] } });
    expect(ok.body.continuations[0].branch).toBe("done");
  });

  it("reports ~ inside a flow, |> at line start, inline continuations and comments inside chains", () => {
    const codes = (src: string) => parse(src).diagnostics.map((d) => `${d.code}:${d.line}:${d.col}`);
    expect(codes("~a()\n| ok |> ~b()")).toEqual(["PARSE001:2:0"]);
    expect(codes("~a()\n|> _")).toEqual(["KORU010:2:0"]);
    expect(codes("~a()\n| ok |> _\n// c\n| err |> _")).toEqual(["KORU010:3:0"]);
    expect(parse('~greet(name: "World") | done |> _').diagnostics[0].message).toContain("must start on a new line");
  });

  it("reports stray continuations and keeps host lines", () => {
    const { module, diagnostics } = parse("const x = 1;\n\n| ok |> _");
    expect(module.items[0]).toMatchObject({ kind: "host", text: "const x = 1;" });
    expect(diagnostics[0]).toMatchObject({ code: "KORU010", line: 3 });
  });

  it("parses Source blocks", () => {
    const [flow] = items("~std.io:print.blk {\n    Hello {{ name:s }}\n      indented\n}", "flow") as FlowItem[];
    expect(flow.body.steps[0]).toMatchObject({ kind: "invoke", source: "Hello {{ name:s }}\n  indented" });
  });
});

describe("imports", () => {
  it("parses imports and conditional imports", () => {
    const imps = items('~import "$std/io"\n~[profile]import "$std/profiler"', "import");
    expect(imps).toMatchObject([{ path: "$std/io" }, { path: "$std/profiler", annotations: ["profile"] }]);
    expect(parse('~import "std/io"').diagnostics[0].message).toContain("must start with $");
  });
});
