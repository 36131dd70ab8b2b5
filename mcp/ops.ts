// The one place mcp/ reaches the operations: today through a CCP session (the same code the
// daemon runs), so MCP never carries its own copy of compile, run or analyze. Heavy work runs
// through Services.exclusive; cancellation kills the processes the operation started.

import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "../ccp/commands.js";
import { listEvents as describeEvents, Session } from "../ccp/session.js";
import { findWorkspace, parseOnly } from "../compiler/index.js";
import { killDescendants } from "./children.js";
import type { Hotspot } from "./schemas.js";
import type { Services } from "./services.js";
import { ToolError } from "./tool.js";

export type Msg = Record<string, unknown> & { type: string };

export interface OpContext {
  signal: AbortSignal;
  progress?: (progress: number, total?: number, message?: string) => void;
  onMessage?: (m: Msg) => void;
}

/** Carry out one CCP command; resolves with every message answering it, in order. */
export async function ccpCommand(services: Services, command: Command, ctx: OpContext): Promise<Msg[]> {
  const heavy = command.cmd === "compile" || command.cmd === "run" || command.cmd === "analyze";
  const work = async () => {
    const out: Msg[] = [];
    const send = (m: Record<string, unknown>) => {
      const msg = m as Msg;
      out.push(msg);
      if (msg.type === "progress" && ctx.progress) {
        ctx.progress(Number(msg.fraction ?? 0) * 100, 100, String(msg.message ?? msg.stage ?? ""));
      }
      ctx.onMessage?.(msg);
    };
    const sendLine = (line: string) => send(JSON.parse(line) as Msg);
    const session = new Session(services.root, send, sendLine);
    const onAbort = () => killDescendants();
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    try {
      await session.handle(command);
    } finally {
      ctx.signal.removeEventListener("abort", onAbort);
    }
    if (ctx.signal.aborted) throw new ToolError(`cancelled: ${reason(ctx.signal)}`);
    return out;
  };
  return heavy ? services.exclusive(ctx.signal, work) : work();
}

function reason(signal: AbortSignal): string {
  const r = signal.reason as unknown;
  return r instanceof Error ? r.message : String(r ?? "aborted");
}

/** The `error` message of an answer as a ToolError (what the caller must fix). */
export function failIfError(messages: Msg[]): void {
  const err = messages.find((m) => m.type === "error");
  if (err) throw new ToolError(String(err.message));
}

type Parsed = ReturnType<typeof parseOnly>;
type Stamp = [path: string, mtimeMs: number, size: number];
const parsedCache = new Map<string, { parsed: Parsed; stamps: Stamp[] }>();
const CACHE_ENTRIES = 32;

function stamp(path: string): Stamp {
  try {
    const st = statSync(path);
    return [path, st.mtimeMs, st.size];
  } catch {
    return [path, -1, -1];
  }
}

/**
 * The parsed program (imports resolved), reused while none of the files it read changed: every
 * source, its variant sidecar (which may appear later) and the workspace's koru.json are checked.
 */
export function parseProgram(entry: string): Parsed {
  const hit = parsedCache.get(entry);
  if (hit?.stamps.every(([p, m, size]) => {
    const now = stamp(p);
    return now[1] === m && now[2] === size;
  })) {
    return hit.parsed;
  }
  const parsed = parseOnly(entry, {});
  const files = new Set<string>([entry, ...parsed.sources.keys()]);
  for (const f of [...files]) if (f.endsWith(".kz")) files.add(f.replace(/\.kz$/, ".variants.kz"));
  files.add(join(dirname(entry), "koru.json"));
  files.add(join(findWorkspace(entry), "koru.json"));
  parsedCache.delete(entry);
  parsedCache.set(entry, { parsed, stamps: [...files].map(stamp) });
  if (parsedCache.size > CACHE_ENTRIES) parsedCache.delete(parsedCache.keys().next().value as string);
  return parsed;
}

export { describeEvents };

/** The `diagnostic` messages of an answer, with files relative to the root. */
export function diagnosticsOf(services: Services, messages: Msg[]) {
  return messages
    .filter((m) => m.type === "diagnostic")
    .map((m) => ({
      code: String(m.code),
      level: m.level as "error" | "warning" | "note",
      message: String(m.message),
      file: typeof m.file === "string" && m.file.startsWith(services.root) ? services.rel(m.file) : String(m.file),
      line: Number(m.line),
      col: Number(m.col),
      ...(typeof m.hint === "string" ? { hint: m.hint } : {}),
    }));
}

export function renderDiagnostics(diags: { level: string; code: string; message: string; file: string; line: number; col: number }[]) {
  return diags.map((d) => `${d.file}:${d.line}:${d.col}: ${d.level}[${d.code}]: ${d.message}`).join("\n");
}

/** Hotspots of a recorded run, largest share first; a run without statistics has none. */
export async function runHotspots(services: Services, runId: string, opts: { minShare?: number; limit?: number } = {}) {
  const msgs = await ccpCommand(
    services,
    { cmd: "hotspots", run_id: runId, ...(opts.minShare !== undefined ? { min_share: opts.minShare } : {}), ...(opts.limit !== undefined ? { limit: opts.limit } : {}) },
    { signal: new AbortController().signal },
  );
  failIfError(msgs);
  return msgs.filter((m) => m.type === "hotspot_detected").map((m) => m.data as Hotspot);
}
