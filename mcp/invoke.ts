// Calling a tool, independent of the SDK: argument validation, the time limit, cancellation
// from the caller and from shutdown. Used by the SDK adapter and by background jobs.
import * as z from "zod";
import type { Services } from "./services.js";
import { type AnyTool, type SamplingRequest, type ToolContext, ToolError, type ToolOutput } from "./tool.js";

export interface CallOptions {
  signal?: AbortSignal;
  progress?: (progress: number, total?: number, message?: string) => void;
  sample?: (request: SamplingRequest) => Promise<string>;
}

const inputSchemas = new WeakMap<AnyTool, z.ZodObject>();

/** The tool's input schema as one object, built once (zod compiles a parser per instance). */
function inputSchema(def: AnyTool): z.ZodObject {
  let schema = inputSchemas.get(def);
  if (!schema) inputSchemas.set(def, (schema = z.object(def.input)));
  return schema;
}

export async function invokeTool(
  def: AnyTool,
  rawArgs: unknown,
  services: Services,
  opts: CallOptions = {},
): Promise<ToolOutput<unknown>> {
  const parsed = inputSchema(def).safeParse(rawArgs ?? {});
  if (!parsed.success) throw new ToolError(`invalid arguments for ${def.name}: ${z.prettifyError(parsed.error)}`);
  const limit = AbortSignal.timeout(def.timeoutMs);
  const signals = [limit, services.lifetime.signal, ...(opts.signal ? [opts.signal] : [])];
  const signal = AbortSignal.any(signals);
  const ctx: ToolContext = {
    services,
    signal,
    progress: opts.progress ?? (() => {}),
    ...(opts.sample ? { sample: opts.sample } : {}),
  };
  // A handler that ignores its signal still lets the call end when the signal fires.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(def, limit, services));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([def.run(parsed.data, ctx), aborted]);
  } catch (e) {
    if (signal.aborted && !(e instanceof ToolError && !e.message.startsWith("cancelled")))
      throw abortError(def, limit, services);
    throw e;
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
    aborted.catch(() => {});
  }
}

function abortError(def: AnyTool, limit: AbortSignal, services: Services): ToolError {
  if (limit.aborted) {
    return new ToolError(
      `${def.name} hit its time limit of ${def.timeoutMs / 1000} s and was stopped; run long work with start_job`,
    );
  }
  if (services.lifetime.signal.aborted) return new ToolError(`${def.name} was stopped: the server is shutting down`);
  return new ToolError(`${def.name} was cancelled`);
}
