// The one place mcp/ reaches the operations layer (ccp/operations, shared with the CLI and the
// CCP session): the context every operation takes, OperationError as a ToolError the caller can
// act on, heavy work one at a time. The `ccp` tool goes through a CCP session, the protocol's adapter.

import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "../ccp/index.js";
import { hotspots, type OperationContext, OperationError, type Progress, Session } from "../ccp/index.js";
import { findWorkspace, type Program, parseOnly } from "../compiler/index.js";
import type { Hotspot } from "./schemas.js";
import type { Services } from "./services.js";
import { ToolError } from "./tool.js";

export type Msg = Record<string, unknown> & { type: string };

export interface OpContext {
  signal: AbortSignal;
  progress?: (progress: number, total?: number, message?: string) => void;
  onMessage?: (m: Msg) => void;
}

export interface ToolSide {
  signal: AbortSignal;
  progress?: (progress: number, total?: number, message?: string) => void;
}

/** The context an operation takes: the root, cancellation, progress as a percentage. */
export function opContext(services: Services, side: ToolSide): OperationContext {
  return {
    root: services.root,
    signal: side.signal,
    onProgress: (p: Progress) => side.progress?.(Math.round(p.fraction * 100), 100, p.message),
  };
}

/** Run an operation; what the caller got wrong comes back as a ToolError saying so. */
export async function operation<T>(
  services: Services,
  side: ToolSide,
  work: () => Promise<T> | T,
  heavy = false,
): Promise<T> {
  const guarded = async () => {
    try {
      return await work();
    } catch (e) {
      if (e instanceof OperationError) {
        const message = e.code === "cancelled" ? `cancelled: ${e.message}` : e.message;
        throw new ToolError(e.field ? `${message} (field \`${e.field}\`)` : message);
      }
      throw e;
    }
  };
  return heavy ? services.exclusive(side.signal, guarded) : guarded();
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
    // The session's operations stop and kill their process groups when this aborts.
    session.signal = ctx.signal;
    await session.handle(command);
    if (ctx.signal.aborted) throw new ToolError(`cancelled: ${reason(ctx.signal)}`);
    return out;
  };
  return heavy ? services.exclusive(ctx.signal, work) : work();
}

function reason(signal: AbortSignal): string {
  const r = signal.reason as unknown;
  return r instanceof Error ? r.message : String(r ?? "aborted");
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
  if (
    hit?.stamps.every(([p, m, size]) => {
      const now = stamp(p);
      return now[1] === m && now[2] === size;
    })
  ) {
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

/** The entry's parsed program for a tool, or a ToolError that sends the agent to `check`. */
export function programOf(services: Services, entryArg: string | undefined): { entry: string; program: Program } {
  const entry = services.entry(entryArg);
  const parsed = parseProgram(entry);
  if (!parsed.program)
    throw new ToolError(`${services.rel(entry)} does not parse: ${parsed.diagnostics[0]?.message}; call check`);
  return { entry, program: parsed.program };
}

export { listEvents as describeEvents } from "../ccp/index.js";

export function renderDiagnostics(
  diags: { level: string; code: string; message: string; file: string; line: number; col: number }[],
) {
  return diags.map((d) => `${d.file}:${d.line}:${d.col}: ${d.level}[${d.code}]: ${d.message}`).join("\n");
}

/** Hotspots of a recorded run, largest share first. */
export async function runHotspots(services: Services, runId: string, opts: { minShare?: number; limit?: number } = {}) {
  const side = { signal: new AbortController().signal };
  const found = await operation(services, side, () => hotspots({ runId, ...opts }, opContext(services, side)));
  return found.map((h) => h.data as Hotspot);
}

/** Compiler diagnostics with files relative to the root. */
export function diagnostics(
  services: Services,
  diags: readonly {
    code: string;
    level: string;
    message: string;
    file: string;
    line: number;
    col: number;
    hint?: string;
  }[],
) {
  return diags.map((d) => ({
    code: d.code,
    level: d.level as "error" | "warning" | "note",
    message: d.message,
    file: d.file.startsWith(services.root) ? services.rel(d.file) : d.file,
    line: d.line,
    col: d.col,
    ...(d.hint ? { hint: d.hint } : {}),
  }));
}
