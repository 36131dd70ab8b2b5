// Writes docs/ccp.schema.json (or the path given as the first argument) from the zod schemas.
// Run from the package root: `npm run gen:schema`.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { protocolJsonSchemaText } from "./json-schema.js";

const target = resolve(process.argv[2] ?? "docs/ccp.schema.json");
writeFileSync(target, protocolJsonSchemaText());
process.stderr.write(`wrote ${target}\n`);
