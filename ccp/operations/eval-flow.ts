// Flows as a tool for agents: send a flow to a running interpreter server (`evalFlow`), and
// describe the scopes a program registers (`describeScopes`: names, inputs, branches, costs)
// so an agent can write flows against them. The MCP tool `eval_flow` and the vocabulary
// resource are thin adapters over these two.
import { compileFile, type Diagnostic, type ScopeVocabulary, Symbols, scopeVocabulary } from "../../compiler/index.js";

export type { ScopeVocabulary };

export interface EvalFlowInput {
  /** The server's eval endpoint (`http://127.0.0.1:3000/eval`); a bare origin gets `/eval`. */
  url: string;
  /** Koru flow source, e.g. `add(a: 1, b: 2)\n| sum s |> result { value: s }`. */
  source: string;
  signal?: AbortSignal;
  /** Default 10 s. */
  timeoutMs?: number;
}

export interface EvalFlowResult {
  /** True for a 2xx answer. */
  ok: boolean;
  /** HTTP status; 0 when no answer came (see `error`). */
  status: number;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
  /** Why no answer came: bad URL, connection refused, timeout, cancelled. */
  error?: string;
}

export async function evalFlow(input: EvalFlowInput): Promise<EvalFlowResult> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    return { ok: false, status: 0, body: "", error: `invalid URL '${input.url}'` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, status: 0, body: "", error: `unsupported URL scheme '${url.protocol}' (use http or https)` };
  }
  if (url.pathname === "/") url.pathname = "/eval";
  const timeout = AbortSignal.timeout(input.timeoutMs ?? 10_000);
  const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
  try {
    const res = await fetch(url, {
      method: "POST",
      body: input.source,
      headers: { "content-type": "text/plain" },
      signal,
    });
    const body = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    return { ok: res.ok, status: res.status, body, ...(json !== undefined ? { json } : {}) };
  } catch (e) {
    const why = input.signal?.aborted ? "cancelled" : timeout.aborted ? "timed out" : describe(e);
    return { ok: false, status: 0, body: "", error: why };
  }
}

function describe(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === "ECONNREFUSED") return `connection refused (is the server running?)`;
  return cause?.message ?? (e instanceof Error ? e.message : String(e));
}

export type DescribeScopesResult = { ok: true; scopes: ScopeVocabulary[] } | { ok: false; diagnostics: Diagnostic[] };

/** The vocabulary of every scope `file` registers (parse and check only, no build). */
export function describeScopes(file: string): DescribeScopesResult {
  const r = compileFile(file, { checkOnly: true });
  if (!r.ok || !r.program) return { ok: false, diagnostics: r.diagnostics };
  return { ok: true, scopes: scopeVocabulary(r.program, new Symbols(r.program)) };
}

/** The vocabulary as Markdown, for a resource an agent reads before writing flows. */
export function renderVocabulary(scopes: ScopeVocabulary[]): string {
  const out: string[] = [];
  for (const s of scopes) {
    out.push(`# scope \`${s.scope}\``, "", "| call | cost | inputs | branches |", "|---|---|---|---|");
    for (const e of s.events) {
      const inputs = e.inputs.map((i) => `${i.name}: ${i.type}${i.optional ? " (optional)" : ""}`).join(", ");
      const branches = e.branches.map((b) => (b.payload ? `${b.name} ${b.payload}` : b.name)).join("; ");
      out.push(`| \`${e.name}\` | ${e.cost} | ${inputs || "none"} | ${branches || "none (void)"} |`);
    }
    out.push("");
  }
  out.push(
    "A flow: `name(arg: value, ...)` then lines `| branch binding |> next(...)` (deeper lines nest),",
    "ending in `_` or a branch constructor `result { field: binding.field }`. Values: integers, floats,",
    '`"strings"`, true/false, bindings (`s`, `s.field`) and + - * / %.',
  );
  return out.join("\n");
}
