import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileProgram, compileSource } from "./compile.js";
import type { EmitHooks } from "./emit/program.js";
import { BUILTIN_PASS_NAMES, type Pass, type PassEvent, passList } from "./pipeline.js";

const dir = mkdtempSync(join(tmpdir(), "koru-pipeline-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HELLO = `~import "$std/io"

~event greet { name: []const u8 }
| greeting []const u8

~proc greet {
    return .{ .greeting = name };
}

~greet(name: "World")
| greeting g |> std.io:print.ln("Hello, {{ g:s }}!")
`;
const file = join(dir, "app.kz");
writeFileSync(file, HELLO);

function started(events: PassEvent[]): string[] {
  return events.filter((e) => e.type === "pass_start").map((e) => e.pass);
}

describe("the pipeline as data", () => {
  it("lists the built-in passes in order", () => {
    expect(BUILTIN_PASS_NAMES).toEqual([
      "parse",
      "check",
      "auto_discharge",
      "runtime_scopes",
      "taps",
      "instrument",
      "variant_select",
      "emit",
      "zig_build",
    ]);
  });

  it("reports every pass it runs, taps and instrumentation included, each started and done", () => {
    const events: PassEvent[] = [];
    const r = compileSource(undefined, file, { ccp: true, onPass: (e) => events.push(e) });
    expect(r.ok).toBe(true);
    expect(started(events)).toEqual([
      "parse",
      "check",
      "auto_discharge",
      "runtime_scopes",
      "taps",
      "instrument",
      "variant_select",
      "emit",
    ]);
    expect(events.filter((e) => e.type === "pass_done").map((e) => e.pass)).toEqual(started(events));
    expect(r.runtimeFiles).toContain("koru_ccp.zig");
  });

  it("checkOnly stops after runtime_scopes and produces no Zig", () => {
    const events: PassEvent[] = [];
    const r = compileSource(undefined, file, { checkOnly: true, onPass: (e) => events.push(e) });
    expect(started(events)).toEqual(["parse", "check", "auto_discharge", "runtime_scopes"]);
    expect(r.zig).toBeUndefined();
  });

  it("inserts passes before and after named passes; an inserted pass may replace the program", () => {
    const seen: string[] = [];
    const renamer: Pass = {
      name: "shout",
      run(ctx) {
        seen.push(`shout saw ${ctx.program?.entry.items.length} items`);
        const entry = ctx.program!.entry;
        const items = entry.items.map((i) =>
          i.kind === "flow" ? JSON.parse(JSON.stringify(i).replace("World", "PASS")) : i,
        );
        const newEntry = { ...entry, items };
        ctx.program = {
          ...ctx.program!,
          entry: newEntry,
          modules: { ...ctx.program!.modules, [entry.name]: newEntry },
        };
      },
    };
    const last: Pass = { name: "last_word", run: (ctx) => void seen.push(`zig has ${ctx.zig?.includes('"PASS"')}`) };
    const events: PassEvent[] = [];
    const r = compileSource(undefined, file, {
      insert: [
        { pass: renamer, before: "taps" },
        { pass: last, after: "emit" },
      ],
      onPass: (e) => events.push(e),
    });
    expect(r.ok).toBe(true);
    expect(started(events)).toEqual([
      "parse",
      "check",
      "auto_discharge",
      "runtime_scopes",
      "shout",
      "taps",
      "instrument",
      "variant_select",
      "emit",
    ]);
    expect(r.zig).toContain('"PASS"');
    expect(seen[0]).toMatch(/^shout saw \d+ items$/);
  });

  it("an insertion at an unknown pass or under a taken name is a diagnostic, not a crash", () => {
    const p: Pass = { name: "x", run: () => {} };
    expect(passList([{ pass: p, after: "nope" }]).error).toMatch(/no pass named 'nope'/);
    expect(passList([{ pass: { name: "emit", run: () => {} }, before: "emit" }]).error).toMatch(/already/);
    const r = compileSource(undefined, file, { insert: [{ pass: p, after: "nope" }] });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: "KORU094" });
  });

  it("a pass that throws becomes a diagnostic naming it", () => {
    const r = compileSource(undefined, file, {
      insert: [
        {
          pass: {
            name: "boom",
            run: () => {
              throw new Error("kaput");
            },
          },
          after: "check",
        },
      ],
    });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.at(-1)).toMatchObject({ code: "KORU096", message: "pass 'boom' failed: kaput" });
  });

  it("hooks of several passes all run; two invocation probes are refused loudly", () => {
    const probe = (): EmitHooks => ({ probe: { wrap: (h, input) => `${h}(${input})` } });
    const marker = (text: string): Pass => ({
      name: text,
      run: (ctx) => void ctx.hooks.push({ epilogue: (w) => w.line(`// ${text}`) }),
    });
    const r = compileSource(undefined, file, {
      insert: [
        { pass: marker("first_marker"), before: "emit" },
        { pass: marker("second_marker"), before: "emit" },
      ],
    });
    expect(r.zig).toContain("// first_marker");
    expect(r.zig).toContain("// second_marker");
    const twice = compileSource(undefined, file, {
      ccp: true,
      insert: [{ pass: { name: "probe2", run: (ctx) => void ctx.hooks.push(probe()) }, before: "emit" }],
    });
    expect(twice.ok).toBe(false);
    expect(twice.diagnostics.at(-1)).toMatchObject({ code: "KORU095" });
  });

  it("compileProgram runs zig_build, and a cancelled compile is reported as such", async () => {
    const events: PassEvent[] = [];
    const r = await compileProgram(file, { build: { workspace: dir, name: "app" }, onPass: (e) => events.push(e) });
    expect(r.ok).toBe(true);
    expect(started(events).at(-1)).toBe("zig_build");
    expect(r.exePath).toMatch(/\.koru\/build\/[0-9a-f]+\/app$/);
    const ac = new AbortController();
    ac.abort();
    const c = await compileProgram(file, { build: { workspace: dir }, signal: ac.signal });
    expect(c).toMatchObject({ ok: false, cancelled: true });
  }, 120_000);
});
