import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMMAND_NAMES } from "./commands.js";
import { protocolJsonSchema, protocolJsonSchemaText } from "./json-schema.js";
import { MESSAGE_TYPES } from "./messages.js";
import { PROTOCOL_VERSION } from "./version.js";

describe("docs/ccp.schema.json", () => {
  it("is up to date with the zod schemas (run `npm run gen:schema`)", () => {
    const committed = readFileSync(new URL("../docs/ccp.schema.json", import.meta.url), "utf8");
    expect(committed).toBe(protocolJsonSchemaText());
  });

  it("defines every command and message and carries the protocol version", () => {
    const schema = protocolJsonSchema() as { $defs: Record<string, unknown>; "x-protocol-version": string };
    for (const c of COMMAND_NAMES) expect(schema.$defs).toHaveProperty([`cmd.${c}`]);
    for (const t of MESSAGE_TYPES) expect(schema.$defs).toHaveProperty([`msg.${t}`]);
    expect(schema["x-protocol-version"]).toBe(PROTOCOL_VERSION);
  });

  it("does not forbid unknown fields", () => {
    expect(protocolJsonSchemaText()).not.toContain('"additionalProperties": false');
  });
});
