// The workspace boundary against `..`, absolute paths and symbolic links, for every CCP
// command that takes a path and for imports (issue 8, item 1). Symlinked command paths are
// also covered by test/workspace-boundary.e2e.test.ts.
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { koruc } from "../helpers.js";
import { DaemonClient, finalsById } from "./daemon-client.js";

const APP = "~event e {}\n~proc e {}\n~e()\n";
const SECRET = "~event secret_event {}\n~proc secret_event {}\n";

function boundary(): { base: string; ws: string; outside: string } {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "koru-escape-")));
  const ws = join(base, "ws");
  const outside = join(base, "outside");
  mkdirSync(join(ws, "sub"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(ws, "koru.json"), "{}\n");
  writeFileSync(join(ws, "app.kz"), APP);
  writeFileSync(join(outside, "secret.kz"), SECRET);
  writeFileSync(join(base, "parent.kz"), SECRET);
  symlinkSync(outside, join(ws, "outlink"));
  symlinkSync(join(outside, "secret.kz"), join(ws, "secret-link.kz"));
  return { base, ws, outside };
}

describe("1. read escape", () => {
  it("1. read escape: '..', absolute paths and symlinks are refused by every CCP command that takes a path", async () => {
    const { base, ws, outside } = boundary();
    const paths = [
      "../outside/secret.kz",
      "sub/../../parent.kz",
      join(outside, "secret.kz"),
      "secret-link.kz",
      "outlink/secret.kz",
    ];
    const outputs = ["../outside/app", "sub/../../app", join(outside, "app"), "secret-link.kz", "outlink/app"];
    const d = new DaemonClient(ws);
    const ids: string[] = [];
    paths.forEach((p, i) => {
      const cmds: Record<string, unknown>[] = [
        { cmd: "parse", file: p },
        { cmd: "ast_json", file: p },
        { cmd: "ast", file: p },
        { cmd: "list_events", entry: p },
        { cmd: "compile", entry: p, check_only: true },
        { cmd: "compile", entry: "app.kz", check_only: false, output: outputs[i] },
        { cmd: "run", entry: p, optimize: "Debug" },
        { cmd: "analyze", entry: p, optimize: "Debug" },
      ];
      for (const c of cmds) {
        const id = `${c.cmd}-${i}-${ids.length}`;
        ids.push(id);
        d.send({ ...c, id });
      }
    });
    d.send({ cmd: "hotspots", run_id: "../../../outside", id: "hot" });
    ids.push("hot");
    const { code } = await d.end();
    expect(code).toBe(0);
    const finals = finalsById(d);
    for (const id of ids) {
      expect(finals.get(id), id).toHaveLength(1);
      expect(finals.get(id)![0]!.type, id).toBe("error");
    }
    // Nothing outside the workspace was read into an answer or written.
    expect(JSON.stringify(d.messages)).not.toContain("secret_event");
    expect(readdirSync(outside).sort()).toEqual(["secret.kz"]);
    expect(readdirSync(base).sort()).toEqual(["outside", "parent.kz", "ws"]);
  }, 180_000);

  const imports: [string, string][] = [
    ["$app/..", "climbs out of '$app'"],
    ["$root/..", "climbs out of '$root'"],
    ["$app/sub/../..", "cannot contain '../'"],
    ["$app/outlink", "leads outside the workspace"],
    ["$app/outlink/secret", "leads outside the workspace"],
    ["$app/secret-link", "leads outside the workspace"],
  ];
  for (const [path, why] of imports) {
    it(`1. read escape: ~import "${path}" is refused and loads nothing from outside (CLI and daemon)`, async () => {
      const { ws } = boundary();
      writeFileSync(join(ws, "app.kz"), `~import "${path}"\n${APP}`);
      for (const args of [
        ["check", "app.kz"],
        ["app.kz", "--ast-json"],
      ]) {
        const r = await koruc(args, { cwd: ws });
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(why);
        expect(r.stdout).not.toContain("secret_event");
      }
      const d = new DaemonClient(ws);
      d.send({ cmd: "parse", file: "app.kz", id: 1 });
      const parsed = await d.answer(1);
      expect(JSON.stringify(parsed.diagnostics)).toContain(why);
      expect(JSON.stringify(parsed)).not.toContain("secret_event");
      await d.end();
    });
  }

  it("1. read escape: a koru.json alias naming a folder outside, and std modules such as $orisha, still load", async () => {
    const { ws, outside } = boundary();
    mkdirSync(join(outside, "shared"));
    writeFileSync(join(outside, "shared", "lib.kz"), "~pub event shared {}\n~proc shared {}\n");
    writeFileSync(join(outside, "shared.kz"), "~pub event whole {}\n~proc whole {}\n");
    writeFileSync(join(ws, "koru.json"), JSON.stringify({ paths: { shared: "../outside/shared" } }));
    writeFileSync(join(ws, "app.kz"), `~import "$shared/lib"\n~import "$shared"\n~import "$orisha"\n${APP}`);
    const r = await koruc(["check", "app.kz"], { cwd: ws });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("1. read escape: imports that stay inside the workspace through a symlink still load", async () => {
    const { ws } = boundary();
    mkdirSync(join(ws, "real"));
    writeFileSync(join(ws, "real", "lib.kz"), "~pub event shared {}\n~proc shared {}\n");
    symlinkSync(join(ws, "real"), join(ws, "inlink"));
    writeFileSync(join(ws, "app.kz"), `~import "$app/inlink/lib"\n${APP}`);
    const r = await koruc(["check", "app.kz"], { cwd: ws });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
