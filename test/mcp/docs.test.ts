// docs/mcp.md is generated from the definitions: it must match them.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DOCS_PATH, mcpDocs } from "../../mcp/gen-docs.js";
import { DEFINITIONS } from "../../mcp/server.js";

describe("docs/mcp.md", () => {
  it("is up to date (run `npm run gen:mcp-docs`)", () => {
    expect(readFileSync(DOCS_PATH, "utf8")).toBe(mcpDocs());
  });
  it("documents every tool, resource and prompt", () => {
    const doc = mcpDocs();
    for (const t of DEFINITIONS.tools) expect(doc).toContain(`### ${t.name}`);
    for (const r of DEFINITIONS.resources) expect(doc).toContain(r.uri);
    for (const p of DEFINITIONS.prompts) expect(doc).toContain(`### ${p.name}`);
  });
});
