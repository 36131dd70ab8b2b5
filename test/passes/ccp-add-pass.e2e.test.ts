// CCP `add_pass` with a body: a real daemon proposes an agent-written pass for its workspace.
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { daemon } from "../ccp-fixtures.js";

const ws = mkdtempSync(join(tmpdir(), "koru-ccp-pass-"));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

describe("CCP add_pass with a body", () => {
  it("runs the pass on the workspace, answers with the verdict and the diff, and writes the evidence", async () => {
    cpSync("examples/hello/hello.kz", join(ws, "app.kz"));
    writeFileSync(join(ws, "koru.json"), "{}\n");
    const body = 'export default (p, api) => api.renameEvent(p, "greet", "salute");';
    const answers = await daemon(ws, [
      { cmd: "add_pass", id: 1, pass: "rename", body, after: "check" },
      { cmd: "add_pass", id: 2, pass: "spin", body: "export default (p) => { for (;;) {} };" },
      { cmd: "exit", id: 3 },
    ]);
    const first = answers.find((a) => a.id === 1)!;
    expect(first.type).toBe("pass_added");
    expect(first.verdict).toBe("waiting_for_review");
    expect(first.evidence).toBe(".koru/evidence/passes/rename.json");
    expect(first.diff).toContain("+~event salute { name: []const u8 }");
    expect(existsSync(join(ws, ".koru/passes/rename/pass.js"))).toBe(true);
    const second = answers.find((a) => a.id === 2)!;
    expect(second.verdict).toBe("rejected");
    expect(String((second.reasons as string[])[0])).toContain("PASS004");
  });
});
