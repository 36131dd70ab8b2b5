// Applied workspace passes and `pgo` in builds outside the CLI: a real CCP daemon and a real
// koru-mcp server build and run a workspace whose koru.passes.json applies a pass that changes
// what the program prints. Both see the transformed program; after `passes remove` the
// original again; a stale pass is refused as the CLI refuses it. `pgo` is a CCP field and an
// MCP argument, reported as a pass, and an unusable run id is PASS009.
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { daemon } from "../ccp-fixtures.js";
import { koruc, ROOT, workspace } from "../helpers.js";
import { call, connect, HELLO, text } from "../mcp/helpers.js";

const SHOUT = [
  "// Changes what the program prints, so a build with it applied is told apart by its output.",
  "export default (p, api) => api.mapSteps(p, (s) =>",
  '  s.kind === "invoke" && s.args.some((a) => a.value.includes("Hello"))',
  '    ? { ...s, args: s.args.map((a) => ({ ...a, value: a.value.replace("Hello", "HELLO") })) } : s);',
  "",
].join("\n");

const dir = workspace({
  "koru.json": "{}\n",
  "app.kz": HELLO,
  "shout.js": SHOUT,
  "branchy.kz": readFileSync(join(ROOT, "bench", "pgo", "branchy.kz"), "utf8"),
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `koruc passes apply` records after a review (written here to keep the test fast). */
function applyShout(): void {
  const sha256 = createHash("sha256")
    .update(readFileSync(join(dir, "shout.js"), "utf8"))
    .digest("hex");
  const entry = { name: "shout", file: "shout.js", sha256, position: "after:check" };
  writeFileSync(join(dir, "koru.passes.json"), `${JSON.stringify({ version: 1, passes: [entry] }, null, 2)}\n`);
}

/** What a CCP `run` of app.kz printed (print.ln writes on stderr), or its diagnostics' codes. */
async function ccpRun(): Promise<{ printed: string; codes: unknown[] }> {
  const answers = await daemon(dir, [{ cmd: "run", id: 1, entry: "app.kz", optimize: "Debug" }]);
  const printed = answers
    .filter((m) => m.type === "program_output")
    .map((m) => m.text)
    .join("");
  return { printed, codes: answers.filter((m) => m.type === "diagnostic").map((m) => m.code) };
}

describe("applied passes in every build", () => {
  it("CCP run and MCP run build the transformed program; after remove the original; stale is refused", async () => {
    applyShout();
    const listed = (await daemon(dir, [{ cmd: "list_passes", id: 1 }])).find((m) => m.type === "passes");
    const names = (listed!.passes as { name: string }[]).map((p) => p.name);
    expect(names.slice(0, 3)).toEqual(["parse", "check", "shout"]);
    expect((listed!.passes as object[])[2]).toEqual({ name: "shout", builtin: false, after: "check" });
    const ccp = await ccpRun();
    expect(ccp.printed).toBe("HELLO, World!\n");
    const s = await connect(dir, { args: ["--no-watch"] });
    try {
      const r = await call(s, "run", { entry: "app.kz", optimize: "Debug" }, { timeout: 300_000 });
      expect(r.isError, text(r)).toBeFalsy();
      expect(r.structuredContent!.stderr).toBe("HELLO, World!\n");

      writeFileSync(join(dir, "shout.js"), `${SHOUT}// edited after the review\n`);
      const stale = await call(s, "compile", { entry: "app.kz" }, { timeout: 300_000 });
      expect(stale.structuredContent!.ok).toBe(false);
      const codes = (stale.structuredContent!.diagnostics as { code: string }[]).map((d) => d.code);
      expect(codes).toEqual(["PASS007"]);
      expect((await ccpRun()).codes).toEqual(["PASS007"]);

      writeFileSync(join(dir, "shout.js"), SHOUT);
      expect((await koruc(["passes", "remove", "shout"], { cwd: dir })).status).toBe(0);
      const plain = await call(s, "run", { entry: "app.kz", optimize: "Debug" }, { timeout: 300_000 });
      expect(plain.structuredContent!.stderr).toBe("Hello, World!\n");
    } finally {
      await s.close();
    }
    expect((await ccpRun()).printed).toBe("Hello, World!\n");
  });
});

describe("pgo outside the CLI", () => {
  it("CCP compile/run take `pgo`, report the pass, and an unusable run id is PASS009", async () => {
    const first = await daemon(dir, [{ cmd: "run", id: 1, entry: "branchy.kz", args: ["2000"], optimize: "Debug" }]);
    const runId = first.find((m) => m.type === "run_done")?.run_id as string;
    expect(runId).toBeTruthy();
    const answers = await daemon(dir, [
      { cmd: "compile", id: 2, entry: "branchy.kz", pgo: runId },
      { cmd: "run", id: 3, entry: "branchy.kz", args: ["2000"], optimize: "Debug", pgo: runId },
      { cmd: "compile", id: 4, entry: "branchy.kz", pgo: "20990101T000000Z-000000" },
    ]);
    const of = (id: number) => answers.filter((m) => m.id === id);
    for (const id of [2, 3]) {
      expect(of(id).some((m) => m.type === "pass_start" && m.pass === "pgo")).toBe(true);
      expect(of(id).some((m) => m.type === "pass_done" && m.pass === "pgo")).toBe(true);
    }
    expect(of(2).at(-1)?.type).toBe("compiled");
    expect(of(3).find((m) => m.type === "run_done")?.exit_code).toBe(0);
    expect(of(4).find((m) => m.type === "diagnostic")?.code).toBe("PASS009");
    expect(of(4).at(-1)?.type).toBe("compile_failed");

    const s = await connect(dir, { args: ["--no-watch"] });
    try {
      const good = await call(s, "compile", { entry: "branchy.kz", pgo: runId }, { timeout: 300_000 });
      expect(good.structuredContent!.ok, text(good)).toBe(true);
      for (const tool of ["compile", "run", "analyze"]) {
        const bad = await call(s, tool, { entry: "branchy.kz", pgo: "no-such-run" }, { timeout: 300_000 });
        expect(bad.isError, text(bad)).toBeFalsy();
        const codes = (bad.structuredContent!.diagnostics as { code: string }[]).map((d) => d.code);
        expect(codes).toEqual(["PASS009"]);
      }
    } finally {
      await s.close();
    }
  });
});
