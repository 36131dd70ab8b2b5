// The pass tools over a real server: a pass proposed from source, reviewed, applied, listed and
// removed; a looping pass rejected within its limits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, connect, HELLO, type Session, text, workspace } from "./helpers.js";

describe("pass tools", () => {
  let s: Session;
  beforeAll(async () => {
    s = await connect(workspace({ "hello.kz": HELLO }), { args: ["--no-watch"] });
  });
  afterAll(() => s.close());

  it("propose, review, apply, list and remove a pass", async () => {
    const p = await call(
      s,
      "propose_pass",
      { name: "noop", source: "export default (program) => program;\n" },
      { timeout: 600_000 },
    );
    expect(p.isError, text(p)).toBeFalsy();
    expect(p.structuredContent!.verdict).toBe("waiting_for_review");
    const r = await call(s, "review_pass", { name: "noop" });
    expect(r.isError, text(r)).toBeFalsy();
    const a = await call(s, "apply_pass", { name: "noop" });
    expect(a.isError, text(a)).toBeFalsy();
    const l = await call(s, "list_passes", {});
    const names = (l.structuredContent!.passes as { name: string }[]).map((x) => x.name);
    expect(names).toContain("noop");
    expect(names).toContain("parse");
    const rm = await call(s, "apply_pass", { name: "noop", remove: true });
    expect(rm.isError, text(rm)).toBeFalsy();
  });

  it("a pass that never returns is rejected with its reason", async () => {
    const p = await call(
      s,
      "propose_pass",
      { name: "spin", source: "export default (program) => { for (;;) {} };\n" },
      { timeout: 600_000 },
    );
    const said = `${text(p)} ${JSON.stringify(p.structuredContent ?? {})}`;
    expect(p.isError || p.structuredContent?.verdict === "rejected", said).toBe(true);
    expect(said).toMatch(/time|limit|interrupt/i);
    const a = await call(s, "apply_pass", { name: "spin" });
    expect(a.isError).toBe(true);
  });
});
