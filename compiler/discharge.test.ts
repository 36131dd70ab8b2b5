import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Chain, Continuation, Invocation, Program, Step } from "./ast.js";
import { buildExecutable } from "./build/zig-build.js";
import { compileFile, compileSource, parseOnly } from "./compile.js";
import { autoDischarge, dischargeMode } from "./discharge.js";
import { parsePhantom } from "./phantom.js";
import { Symbols } from "./symbols.js";
import { runProcess } from "./toolchain/process.js";
import { findZig } from "./toolchain/zig.js";

// A file resource: `open` issues `opened!`, `close` (the only consumer) discharges it.
const FILES = `
const std = @import("std");
const File = struct { handle: i32 };
~event open { path: []const u8 }
| opened *File[opened!]
~proc open {
    std.debug.print("open {s}\\n", .{path});
    const f = std.heap.page_allocator.create(File) catch unreachable;
    f.* = File{ .handle = 7 };
    return .{ .opened = f };
}
~event close { file: *File[!opened] }
~proc close {
    std.debug.print("close {d}\\n", .{file.handle});
    std.heap.page_allocator.destroy(file);
}
~event use { file: *File[opened] }
~proc use { std.debug.print("use {d}\\n", .{file.handle}); }
`;

function compile(src: string, flags: string[] = []) {
  return compileSource(src, "input.kz", { checkOnly: true, flags });
}

/** The body of the entry module's n-th top-level flow. */
function flow(program: Program | undefined, n = 0): Chain {
  const flows = program!.entry.items.filter((i) => i.kind === "flow");
  return flows[n]!.body;
}

function cont(chain: Chain, branch: string): Continuation {
  const c = chain.continuations.find((k) => k.branch === branch);
  if (!c) throw new Error(`no continuation '${branch}' in ${JSON.stringify(chain.continuations.map((k) => k.branch))}`);
  return c;
}

/** `close(file: f)` / `app.fs:close(file: f)` / `_` for each step. */
function show(steps: Step[]): string[] {
  return steps.map((s) => {
    if (s.kind === "discard") return "_";
    if (s.kind === "construct") return `construct ${s.branch}`;
    if (s.kind === "jump") return `@${s.label}`;
    const inv = s as Invocation;
    const name = [inv.target.module, inv.target.path.join(".")].filter(Boolean).join(":");
    return `${name}(${inv.args.map((a) => (a.name ? `${a.name}: ${a.value}` : a.value)).join(", ")})`;
  });
}

function errors(src: string, flags: string[] = []): string[] {
  return compile(src, flags)
    .diagnostics.filter((d) => d.level === "error")
    .map((d) => `${d.code} ${d.line}: ${d.message}`);
}

describe("phantom text", () => {
  it("parses issue and consume markers, modules, unions and state variables", () => {
    expect(parsePhantom("opened!")).toEqual({
      kind: "states",
      states: [{ name: "opened", issues: true, consumes: false }],
    });
    expect(parsePhantom("!app.fs:opened")).toEqual({
      kind: "states",
      states: [{ module: "app.fs", name: "opened", issues: false, consumes: true }],
    });
    expect(parsePhantom("!opened|closing")).toMatchObject({
      kind: "states",
      states: [
        { name: "opened", consumes: true },
        { name: "closing", consumes: false },
      ],
    });
    expect(parsePhantom("M'owned|borrowed")).toEqual({ kind: "variable", name: "M", allowed: ["owned", "borrowed"] });
    expect(parsePhantom("M'_")).toEqual({ kind: "variable", name: "M" });
  });

  it("reads the mode from the flags", () => {
    expect(dischargeMode([])).toBe("auto");
    expect(dischargeMode(["auto-discharge=warn"])).toBe("warn");
    expect(dischargeMode(["auto-discharge=disable"])).toBe("disable");
  });
});

describe("auto-discharge insertion", () => {
  it("replaces a terminal `_` with the discharge, naming a discarded payload", () => {
    const r = compile(`${FILES}~open(path: "a")\n| opened _ |> _\n`);
    expect(r.diagnostics).toEqual([]);
    const opened = cont(flow(r.program), "opened");
    expect(opened.binding).toBe("_auto_0");
    expect(show(opened.body.steps)).toEqual(["close(file: _auto_0)"]);
    expect(opened.body.continuations).toEqual([]);
  });

  it("appends the discharge after the last step of a body", () => {
    const r = compile(`${FILES}~open(path: "a")\n| opened f |> use(file: f) |> use(file: f)\n`);
    expect(show(cont(flow(r.program), "opened").body.steps)).toEqual([
      "use(file: f)",
      "use(file: f)",
      "close(file: f)",
    ]);
  });

  it("leaves explicitly discharged paths alone: the same program and symbols come back", () => {
    const src = `${FILES}~open(path: "a")\n| opened f |> close(file: f)\n`;
    const program = parseOnly("input.kz", {}, src).program!;
    const symbols = new Symbols(program);
    const r = autoDischarge(program, symbols);
    expect(r.diagnostics).toEqual([]);
    expect(r.program).toBe(program);
    expect(r.symbols).toBe(symbols);
    expect(compile(src, ["auto-discharge=disable"]).diagnostics).toEqual([]);
  });

  it("discharges newest first when several obligations end together", () => {
    const r = compile(
      `${FILES}~open(path: "a")\n| opened a |> open(path: "b")\n    | opened b |> use(file: a) |> use(file: b)\n`,
    );
    const inner = cont(cont(flow(r.program), "opened").body, "opened");
    expect(show(inner.body.steps)).toEqual(["use(file: a)", "use(file: b)", "close(file: b)", "close(file: a)"]);
  });

  it("discharges before a branch constructor unless the constructor carries the resource out", () => {
    const r = compile(`${FILES}
~event check { path: []const u8 }
| ok []const u8
~check = open(path: path)
| opened _ |> ok "exists"
~event keep { path: []const u8 }
| kept *File[opened!]
~keep = open(path: path)
| opened f |> kept f
~check(path: "a")
| ok _ |> _
~keep(path: "b")
| kept k |> close(file: k)
`);
    expect(r.diagnostics).toEqual([]);
    const subflows = r.program!.entry.items.filter((i) => i.kind === "subflow");
    expect(show(cont(subflows[0]!.body, "opened").body.steps)).toEqual(["close(file: _auto_0)", "construct ok"]);
    expect(show(cont(subflows[1]!.body, "opened").body.steps)).toEqual(["construct kept"]);
  });

  it("gives a discharge event with one branch a continuation for it", () => {
    const src = FILES.replace(
      "~event close { file: *File[!opened] }",
      "~event close { file: *File[!opened] }\n| closed i32",
    ).replace(
      "std.heap.page_allocator.destroy(file);\n}",
      "std.heap.page_allocator.destroy(file);\n    return .{ .closed = 0 };\n}",
    );
    const r = compile(`${src}~open(path: "a")\n| opened _ |> _\n`);
    expect(r.diagnostics).toEqual([]);
    const body = cont(flow(r.program), "opened").body;
    expect(show(body.steps)).toEqual(["close(file: _auto_0)"]);
    expect(body.continuations).toHaveLength(1);
    expect(body.continuations[0]).toMatchObject({ branch: "closed", binding: "_" });
    expect(show(body.continuations[0]!.body.steps)).toEqual(["_"]);
  });

  it("prefers the `[!]` event, then the only void one among single-outcome candidates", () => {
    const marked = `${FILES}~[!]event flush_close { file: *File[!opened] }\n~proc flush_close { _ = file; }\n~open(path: "a")\n| opened _ |> _\n`;
    expect(show(cont(flow(compile(marked).program), "opened").body.steps)).toEqual(["flush_close(file: _auto_0)"]);
    const branched = `${FILES}~event checked_close { file: *File[!opened] }\n| failed []const u8\n~proc checked_close { _ = file; return .{ .failed = "x" }; }\n~open(path: "a")\n| opened _ |> _\n`;
    expect(show(cont(flow(compile(branched).program), "opened").body.steps)).toEqual(["close(file: _auto_0)"]);
  });

  it("synthesizes an unhandled optional branch that carries an obligation", () => {
    const r = compile(`${FILES}
~event risky {}
| ok u32
| ?leaked *File[opened!]
~proc risky { return .{ .ok = 1 }; }
~risky()
| ok _ |> _
`);
    expect(r.diagnostics).toEqual([]);
    const leaked = cont(flow(r.program), "leaked");
    expect(leaked.binding).toBe("_auto_0");
    expect(show(leaked.body.steps)).toEqual(["close(file: _auto_0)"]);
  });
});

describe("scopes", () => {
  const control = `~import "$std/control"\n${FILES}`;

  it("discharges inside each iteration and outer obligations after the loop", () => {
    const r = compile(`${control}~open(path: "outer")
| opened _o |> for(0..2)
    | each _ |> open(path: "inner")
        | opened _ |> _
    | done |> _
`);
    expect(r.diagnostics).toEqual([]);
    const loop = cont(flow(r.program), "opened").body;
    const inner = cont(cont(loop, "each").body, "opened");
    expect(show(inner.body.steps)).toEqual(["close(file: _auto_0)"]);
    expect(show(cont(loop, "done").body.steps)).toEqual(["close(file: _o)"]);
  });

  it("adds `| done` (and `| else`) when the path after the construct would leak", () => {
    const r = compile(
      `${control}const c = true;\n~open(path: "a")\n| opened _f |> for(0..2)\n    | each _ |> _\n~open(path: "b")\n| opened _g |> if(c)\n    | then |> _\n`,
    );
    expect(r.diagnostics).toEqual([]);
    const loop = cont(flow(r.program, 0), "opened").body;
    expect(show(cont(loop, "each").body.steps)).toEqual(["_"]);
    expect(show(cont(loop, "done").body.steps)).toEqual(["close(file: _f)"]);
    const branch = cont(flow(r.program, 1), "opened").body;
    expect(show(cont(branch, "then").body.steps)).toEqual(["close(file: _g)"]);
    expect(show(cont(branch, "else").body.steps)).toEqual(["close(file: _g)"]);
  });

  it("rejects discharging an outer resource inside a loop body (KORU032)", () => {
    expect(
      errors(`${control}~open(path: "a")\n| opened f |> for(0..3)\n    | each _ |> close(file: f)\n    | done |> _\n`),
    ).toEqual([
      "KORU032 22: Cannot dispose outer-scope resource 'f' inside @scope boundary. Handle outside the scope or escape via branch constructor.",
    ]);
  });

  it("discharges before a jump back to the label, outer ones on the exit path", () => {
    const r = compile(`${FILES}
~event step { n: i32 }
| next i32
| finished i32
~proc step { if (n < 2) return .{ .next = n + 1 }; return .{ .finished = n }; }
~open(path: "outer")
| opened _o |> #loop step(n: 0)
    | next n |> open(path: "inner")
        | opened _f |> @loop(n: n)
    | finished _ |> _
`);
    expect(r.diagnostics).toEqual([]);
    const loop = cont(flow(r.program), "opened").body;
    expect(show(cont(cont(loop, "next").body, "opened").body.steps)).toEqual(["close(file: _f)", "@loop"]);
    expect(show(cont(loop, "finished").body.steps)).toEqual(["close(file: _o)"]);
  });

  it("leaves tap handlers alone", () => {
    const r = compile(
      `~import "$std/taps"\n${FILES}~tap(open -> *)\n| opened f |> use(file: f)\n~open(path: "a")\n| opened _ |> _\n`,
    );
    expect(r.diagnostics).toEqual([]);
    expect(show(flow(r.program, 0).continuations[0]!.body.steps)).toEqual(["use(file: f)"]);
    expect(show(cont(flow(r.program, 1), "opened").body.steps)).toEqual(["close(file: _auto_0)"]);
  });
});

describe("obligation errors", () => {
  it("reports ambiguous and missing discharge events at the path end", () => {
    const two = `${FILES}~event abandon { file: *File[!opened] }\n~proc abandon { _ = file; }\n~open(path: "a")\n| opened _ |> _\n`;
    expect(errors(two)).toEqual([
      "KORU030 22: Resource '_' [opened!] has multiple disposal options: close, abandon. Discharge explicitly.",
    ]);
    const none = FILES.replace(/~event close[\s\S]*?\n}\n/, "");
    expect(errors(`${none}~open(path: "a")\n| opened f |>\n    use(file: f)\n`)).toEqual([
      "KORU030 16: Resource 'f' [opened!] was not disposed. No event accepts [!opened].",
    ]);
  });

  it("turns every live obligation into an error with --auto-discharge=disable, and warns with =warn", () => {
    const src = `${FILES}~open(path: "a")\n| opened _ |> _\n`;
    expect(errors(src, ["auto-discharge=disable"])).toEqual([
      "KORU030 20: Resource '_' [opened!] was not discharged. Call: input:close",
    ]);
    const warned = compile(src, ["auto-discharge=warn"]);
    expect(warned.diagnostics.map((d) => `${d.level}[${d.code}] ${d.message}`)).toEqual([
      "warning[AUTO-DISCHARGE] Inserting 'input:close' to dispose '_' (state: input:opened!)",
    ]);
    expect(warned.ok).toBe(true);
  });

  it("reports use after discharge and state mismatches", () => {
    expect(errors(`${FILES}~open(path: "a")\n| opened f |> close(file: f) |> use(file: f)\n`)).toEqual([
      "KORU030 20: Use-after-disposal: binding 'f' was already disposed and cannot be used",
    ]);
    const closed = `${FILES}~event reopen { file: *File[closed] }\n~proc reopen { _ = file; }\n~open(path: "a")\n| opened f |> reopen(file: f) |> close(file: f)\n`;
    expect(errors(closed)).toEqual([
      "KORU030 22: Phantom state mismatch: expected 'input:closed' but got 'input:opened' for argument 'file'",
    ]);
  });

  it("checks state variables against their constraints", () => {
    // The parser does not read `'` inside a field type yet: parse placeholders, then substitute.
    const src = `const D = struct { v: i32 };
~event alloc {}
| allocated *D[owned]
~proc alloc { return .{ .allocated = undefined }; }
~event gc_alloc {}
| allocated *D[gc]
~proc gc_alloc { return .{ .allocated = undefined }; }
~event process { d: *D[VAR_ANY] }
| done *D[VAR_ANY]
~proc process { return .{ .done = d }; }
~event keep { d: *D[VAR_SOME] }
~proc keep { _ = d; }
~alloc()
| allocated a |> process(d: a)
    | done p |> keep(d: p) |> keep(d: a)
~gc_alloc()
| allocated g |> keep(d: g)
`;
    const parsed = parseOnly("input.kz", {}, src).program!;
    const program: Program = JSON.parse(
      JSON.stringify(parsed).replaceAll("VAR_ANY", "M'_").replaceAll("VAR_SOME", "M'owned|borrowed"),
    );
    const r = autoDischarge(program, new Symbols(program));
    expect(r.diagnostics.map((d) => `${d.code} ${d.line}: ${d.message}`)).toEqual([
      "KORU030 17: Phantom state mismatch: state 'input:gc' does not satisfy 'M'owned|borrowed' for argument 'd'",
    ]);
  });

  it("rejects obligations issued on inputs, consumed on outputs, and `[!]` on branched events", () => {
    expect(errors("const C = struct { id: i32 };\n~event use { c: *C[connected!] }\n~proc use { _ = c; }\n")).toEqual([
      "KORU033 2: Cannot issue obligation '[connected!]' on input parameter (event: input:use). Use '[!connected]' to consume an existing obligation, or remove the '!' suffix.",
    ]);
    expect(
      errors(
        "const C = struct { id: i32 };\n~event get {}\n| ok *C[!connected]\n~proc get { return .{ .ok = undefined }; }\n",
      ),
    ).toEqual([
      "KORU033 3: Cannot consume obligation '[!connected]' on output parameter (event: input:get). Use '[connected!]' to issue a new obligation, or remove the '!' prefix.",
    ]);
    expect(
      errors(
        `${FILES}~[!]event shut { file: *File[!opened] }\n| failed []const u8\n~proc shut { _ = file; return .{ .failed = "" }; }\n`,
      ),
    ).toEqual([
      "KORU083 19: [!] annotation requires single-outcome void event (no branches) - events with branches require manual handling",
    ]);
  });
});

describe("modules", () => {
  it("calls a discharge event of another module by its qualified name", () => {
    const dir = mkdtempSync(join(tmpdir(), "koru-discharge-"));
    writeFileSync(join(dir, "fs.kz"), FILES.replace(/~event/g, "~pub event"));
    writeFileSync(join(dir, "input.kz"), `~import "$app/fs"\n~app.fs:open(path: "a")\n| opened _ |> _\n`);
    const r = compileFile(join(dir, "input.kz"), { checkOnly: true });
    expect(r.diagnostics).toEqual([]);
    expect(show(cont(flow(r.program), "opened").body.steps)).toEqual(["app.fs:close(file: _auto_0)"]);
  });
});

const zig = findZig();

/** Compile `input.kz` (and its sibling modules) in a fresh folder, build it, run it: its stderr. */
async function runProgram(files: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "koru-discharge-run-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const r = compileFile(join(dir, "input.kz"));
  expect(r.diagnostics).toEqual([]);
  const built = await buildExecutable({ zig: r.zig!, workspace: dir, sourceMap: r.sourceMap ?? [] });
  if (!built.ok) throw new Error(JSON.stringify(built.diagnostics));
  const run = await runProcess(built.exePath, [], { cwd: dir });
  expect(run.exitCode).toBe(0);
  // std.debug.print writes to stderr.
  return run.stderr;
}

describe.skipIf("error" in zig)("built programs", () => {
  it("closes inner files per iteration and the outer one after the loop", async () => {
    const out = await runProgram({
      "fs.kz": FILES.replace(/~event/g, "~pub event"),
      "input.kz": `~import "$std/control"\n~import "$app/fs"\n~app.fs:open(path: "outer")\n| opened _o |> std.control:for(0..2)\n    | each _ |> app.fs:open(path: "inner")\n        | opened f |> app.fs:use(file: f)\n`,
    });
    expect(out).toBe("open outer\nopen inner\nuse 7\nclose 7\nopen inner\nuse 7\nclose 7\nclose 7\n");
  });

  it("discharges in a subflow before its constructor, through a single-branch discharge event", async () => {
    const src = FILES.replace(
      "~event close { file: *File[!opened] }",
      "~event close { file: *File[!opened] }\n| closed i32",
    ).replace(
      "std.heap.page_allocator.destroy(file);\n}",
      "std.heap.page_allocator.destroy(file);\n    return .{ .closed = 0 };\n}",
    );
    const out = await runProgram({
      "input.kz": `${src}~event check { path: []const u8 }\n| ok []const u8\n~check = open(path: path)\n| opened _ |> ok "exists"\n~event say { m: []const u8 }\n~proc say { std.debug.print("{s}\\n", .{m}); }\n~check(path: "a")\n| ok msg |> say(m: msg)\n`,
    });
    expect(out).toBe("open a\nclose 7\nexists\n");
  });

  it("closes on the path of an unhandled optional branch and before a jump back to a label", async () => {
    const out = await runProgram({
      "input.kz": `${FILES}
~event step { n: i32 }
| next i32
| finished i32
| ?leaked *File[opened!]
~proc step {
    if (n == 1) {
        const f = std.heap.page_allocator.create(File) catch unreachable;
        f.* = File{ .handle = 9 };
        return .{ .leaked = f };
    }
    if (n < 3) return .{ .next = n + 1 };
    return .{ .finished = n };
}
~#loop step(n: 0)
| next n |> open(path: "x")
    | opened _f |> @loop(n: n)
| finished _ |> _
`,
    });
    expect(out).toBe("open x\nclose 7\nclose 9\n");
  });
});
