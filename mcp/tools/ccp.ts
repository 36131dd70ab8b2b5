import * as z from "zod";
import { parseCommand } from "../../ccp/index.js";
import { ccpCommand } from "../ops.js";
import { DESTRUCTIVE, defineTool, MINUTE, ToolError } from "../tool.js";

const MAX_MESSAGES = 500;
/** Characters of messages a result carries (~17,000 tokens); the rest is counted, not sent. */
const MAX_CHARS = 60_000;
const PATH_FIELDS = ["entry", "file", "output"] as const;

export const ccpTool = defineTool({
  name: "ccp",
  title: "CCP command",
  description:
    'Carry out any Compiler Control Protocol command (docs/ccp.md), e.g. {"cmd":"list_passes"} or ' +
    '{"cmd":"parse","file":"app.kz"}, and return the messages answering it (at most 500; a run\'s full ' +
    "record stays in koru://runs/{id}; large answers such as a whole AST are cut: read koru://ast/{path}). " +
    "Paths are confined to the workspace root.",
  input: {
    command: z.record(z.string(), z.unknown()).describe('One CCP command object with a "cmd" field.'),
  },
  output: {
    messages: z.array(z.record(z.string(), z.unknown())),
    total: z.number().int(),
    truncated: z.boolean(),
  },
  annotations: DESTRUCTIVE,
  timeoutMs: 30 * MINUTE,
  async run(args, { services, signal, progress }) {
    const parsed = parseCommand(JSON.stringify(args.command));
    if (!parsed.ok) throw new ToolError(`not a valid CCP command: ${parsed.error.message}`);
    const command = { ...parsed.command } as Record<string, unknown>;
    for (const f of PATH_FIELDS) {
      if (typeof command[f] === "string") command[f] = services.path(command[f] as string);
    }
    const msgs = await ccpCommand(services, command as typeof parsed.command, { signal, progress });
    const shown: Record<string, unknown>[] = [];
    let chars = 0;
    for (const m of msgs.slice(0, MAX_MESSAGES)) {
      const rel = relPaths(services.root, m);
      chars += JSON.stringify(rel).length;
      if (chars > MAX_CHARS) break;
      shown.push(rel);
    }
    return {
      result: { messages: shown, total: msgs.length, truncated: shown.length < msgs.length },
      text: shown
        .map((m) => JSON.stringify(m))
        .join("\n")
        .slice(0, 20_000),
    };
  },
});

/** Absolute paths inside the root become relative, as every other tool reports them. */
function relPaths(root: string, m: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...m };
  for (const [k, v] of Object.entries(out)) {
    if (typeof v === "string" && v.startsWith(`${root}/`)) out[k] = v.slice(root.length + 1);
  }
  return out;
}
