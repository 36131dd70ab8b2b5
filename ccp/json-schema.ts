// The JSON Schema of the whole protocol, generated from the zod schemas (the single source
// of truth). Written to docs/ccp.schema.json by `npm run gen:schema`.
import * as z from "zod";
import { Command } from "./commands.js";
import { Message } from "./messages.js";
import { PROTOCOL_VERSION } from "./version.js";

/**
 * Every line of the protocol is either a `Command` or a `Message` (`$defs`). The schema
 * describes what the parsers accept ("input" side): optional fields may be omitted, fields
 * with a default may be omitted, and unknown fields are allowed (and ignored).
 */
export function protocolJsonSchema(): Record<string, unknown> {
  const line = z.union([Command, Message]);
  const generated = z.toJSONSchema(line, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: `Koru Compiler Control Protocol ${PROTOCOL_VERSION}`,
    description:
      "One JSON object per line. Commands (client to compiler) have `cmd`; messages (compiler to client) " +
      "have `type`. Unknown fields are ignored. Generated from ccp/*.ts by `npm run gen:schema`; do not edit.",
    "x-protocol-version": PROTOCOL_VERSION,
    ...rest,
  };
}

/** The file content of docs/ccp.schema.json. */
export function protocolJsonSchemaText(): string {
  return `${JSON.stringify(protocolJsonSchema(), null, 2)}\n`;
}
