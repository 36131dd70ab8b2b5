import * as z from "zod";
import { moduleJson } from "../../compiler/index.js";
import { programOf } from "../ops.js";
import { Entry } from "../schemas.js";
import { defineTool, READ_ONLY, SECOND, ToolError } from "../tool.js";

/** ~20,000 tokens: larger ASTs are read from the resource instead. */
const INLINE_LIMIT = 60_000;

export const getAstTool = defineTool({
  name: "get_ast",
  title: "Get the AST",
  description:
    "The program's AST (JSON, every node with a span) after imports are resolved. Small ASTs come inline; " +
    "larger ones as a summary plus a resource_link to koru://ast/{path}. Read-only.",
  input: {
    entry: Entry,
    module: z.string().max(256).optional().describe('Only this module (default: "input", the entry file).'),
  },
  output: {
    file: z.string(),
    modules: z.array(z.object({ name: z.string(), file: z.string(), items: z.number().int() })),
    ast: z.unknown().optional().describe("The module's AST when it fits in the result."),
    resource: z.string().describe("URI of the full AST resource."),
  },
  annotations: READ_ONLY,
  timeoutMs: 30 * SECOND,
  async run(args, { services }) {
    const { entry, program } = programOf(services, args.entry);
    const modName = args.module ?? program.entry.name;
    const mod = program.modules[modName];
    if (!mod) throw new ToolError(`no module '${modName}'; modules: ${Object.keys(program.modules).join(", ")}`);
    const modules = [...new Set(Object.values(program.modules))].map((m) => ({
      name: m.name,
      file: services.rel(m.file),
      items: m.items.length,
    }));
    const rel = services.rel(entry);
    const resource = `koru://ast/${encodeURI(rel)}`;
    const json = moduleJson(mod);
    const text = JSON.stringify(json);
    const inline = text.length <= INLINE_LIMIT;
    return {
      result: { file: rel, modules, ...(inline ? { ast: json } : {}), resource },
      text: inline ? text : `AST of ${modName} is ${text.length} characters: read ${resource}`,
      links: [{ uri: resource, name: `AST of ${rel}`, mimeType: "application/json" }],
    };
  },
});
