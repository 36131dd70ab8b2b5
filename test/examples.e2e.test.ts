// Every bundled example builds, runs and prints exactly its expected output.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { koruc, ROOT } from "./helpers.js";

const examples = readdirSync(join(ROOT, "examples"), { withFileTypes: true })
  // Servers (interpreter-server) have no expected output: their own tests talk to them over HTTP.
  .filter((d) => d.isDirectory() && d.name !== "agents" && existsSync(join(ROOT, "examples", d.name, "expected.txt")))
  .map((d) => d.name);

describe("examples", () => {
  it.each(examples)("%s prints its expected output", async (name) => {
    const r = await koruc(["run", `examples/${name}/${name}.kz`]);
    expect(r.stderr + r.stdout).toBe(readFileSync(join(ROOT, "examples", name, "expected.txt"), "utf8"));
    expect(r.status).toBe(0);
  });
});
