import * as z from "zod";
import { evalFlow } from "../../ccp/index.js";
import { bounded } from "../schemas.js";
import { defineTool, SECOND, ToolError } from "../tool.js";

/** Only servers on this machine: the tool must not become a way to reach other hosts. */
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export const evalFlowTool = defineTool({
  name: "eval_flow",
  title: "Evaluate a flow",
  description:
    "Send a Koru flow to a running flow-interpreter server (a program using ~std.runtime:run, e.g. " +
    "examples/interpreter-server) on this machine and return its answer: the result value and the budget used, or " +
    "its budget_exhausted / parse_error answer (a successful result with the HTTP status). The names a flow may call " +
    "are in koru://scopes. Example source: `add(a: 3, b: 4)\\n| sum s |> result { value: s }`.",
  input: {
    url: z.string().max(2048).describe("The server's eval endpoint on loopback, e.g. http://127.0.0.1:3000/eval."),
    source: z.string().min(1).max(65_536).describe("The flow's Koru source."),
    timeout_ms: z.number().int().min(100).max(60_000).optional().describe("Default 10000."),
  },
  output: {
    ok: z.boolean().describe("The server answered 2xx."),
    status: z.number().int(),
    body: z.string().describe("The answer's body (cut to 20,000 characters)."),
    json: z.unknown().optional().describe("The body parsed as JSON."),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  timeoutMs: 70 * SECOND,
  async run(args, { signal }) {
    let url: URL;
    try {
      url = new URL(args.url);
    } catch {
      throw new ToolError(`'${args.url}' is not a URL; give e.g. http://127.0.0.1:3000/eval`);
    }
    if (!LOOPBACK.has(url.hostname))
      throw new ToolError(
        `eval_flow only reaches servers on this machine (127.0.0.1, localhost, [::1]), not '${url.hostname}'`,
      );
    const r = await evalFlow({
      url: args.url,
      source: args.source,
      signal,
      ...(args.timeout_ms ? { timeoutMs: args.timeout_ms } : {}),
    });
    if (r.error !== undefined) throw new ToolError(`no answer from ${args.url}: ${r.error}`);
    const body = bounded(r.body, 20_000);
    return {
      result: {
        ok: r.ok,
        status: r.status,
        body: body.text,
        ...(r.json !== undefined && !body.truncated ? { json: r.json } : {}),
      },
      text: `${r.status}: ${body.text}`,
    };
  },
});
