// Every bundled example builds, runs and prints exactly its expected output.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { koruc, ROOT } from "./helpers.js";

const examples = readdirSync(join(ROOT, "examples"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== "agents")
  .map((d) => d.name);

describe("examples", () => {
  it.each(examples)("%s prints its expected output", (name) => {
    const r = koruc(["run", `examples/${name}/${name}.kz`]);
    expect(r.stderr + r.stdout).toBe(readFileSync(join(ROOT, "examples", name, "expected.txt"), "utf8"));
    expect(r.status).toBe(0);
  });
});
