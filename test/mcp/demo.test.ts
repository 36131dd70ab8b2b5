// `npm run demo`'s MCP part: the scripted agent over a real koru-mcp on a copy of examples/nbody.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TOOLS } from "../../mcp/tools/index.js";
import { ROOT } from "./helpers.js";

describe("npm run demo (MCP part)", () => {
  it("runs the agent loop and prints a readable report", { timeout: 1_500_000 }, async () => {
    const child = spawn(process.execPath, [join(ROOT, "scripts", "demo-mcp.mjs")], { cwd: ROOT });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code, err).toBe(0);
    expect(out).toContain("agent -> analyze");
    expect(out).toContain("agent -> prompts/get optimize_hotspot");
    expect(out).toMatch(/hotspot: {2}\S+:(advance|blur): [\d.]+% of the run/);
    if (TOOLS.some((t) => t.name === "propose_variant")) {
      expect(out).toMatch(/verdict: {2}accepted/);
      expect(out).toMatch(/speedup: {2}[\d.]+x \(95% CI [\d.]+-[\d.]+/);
      expect(out).toContain("output:   identical");
    }
  });
});
