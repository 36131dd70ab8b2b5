// Adapting the variant operations (variants/index.ts) to tools: their refusals become isError
// results that say what to fix, their progress becomes MCP progress, and builds run one at a time.
import * as z from "zod";
import type { Diagnostic } from "../compiler/index.js";
import type { OpResult, Progress } from "../variants/index.js";
import type { Services } from "./services.js";
import { type ResourceLink, type ToolContext, ToolError } from "./tool.js";

/** The result of an operation, or a ToolError naming each problem at file:line:col. */
export function unwrap<T>(services: Services, r: OpResult<T>): T {
  if (r.ok) return r as T;
  throw new ToolError(renderProblems(services, r.diagnostics));
}

export function renderProblems(services: Services, diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const file = d.file.startsWith(services.root) ? services.rel(d.file) : d.file;
      return `${file}:${d.line}:${d.col}: ${d.level}[${d.code}]: ${d.message}${d.hint ? ` (${d.hint})` : ""}`;
    })
    .join("\n");
}

/** Operation progress as MCP progress: a counter that only goes up, with the operation's words. */
export function progressOf(ctx: ToolContext): (p: Progress) => void {
  let n = 0;
  return (p) => ctx.progress(++n, undefined, p.message);
}

/** The common inputs of every variant operation. */
export function common(services: Services, ctx: ToolContext, entry?: string) {
  return { file: services.entry(entry), signal: ctx.signal, onProgress: progressOf(ctx) };
}

type Named = ReturnType<typeof common> & { event: string; tag: string };

/**
 * A heavy operation on one variant (test, benchmark) as the tools run it: one build at a time,
 * on `tag` of `event` in `entry`, with the tool's cancellation and progress; a refusal is a
 * ToolError naming each problem.
 */
export async function onVariant<E extends object, T>(
  ctx: ToolContext,
  args: { entry?: string | undefined; event: string; tag: string },
  op: (input: Named & E) => Promise<OpResult<T>>,
  own: E,
): Promise<T> {
  const { services } = ctx;
  const input = { ...common(services, ctx, args.entry), event: args.event, tag: args.tag, ...own };
  return unwrap(services, await services.exclusive(ctx.signal, () => op(input)));
}

export const Tag = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\([A-Za-z_][A-Za-z0-9_]*\))?$/, "a tag is a name (ai_opt_1) or zig(name)")
  .describe('Variant tag: "ai_opt_1" or "zig(ai_opt_1)".');

export function evidenceLink(event: string, tag: string): ResourceLink {
  return {
    uri: `koru://evidence/${encodeURIComponent(event)}/${encodeURIComponent(tag)}`,
    name: `evidence for ${tag} of ${event}`,
    mimeType: "application/json",
  };
}
