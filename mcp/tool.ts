// A tool is data: its name, schemas and annotations beside the handler. mcp/sdk.ts turns
// these into SDK registrations and docs/mcp.md is generated from the same objects.
import type * as z from "zod";
import type { Services } from "./services.js";

export interface Annotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface ResourceLink {
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
}

export interface ToolOutput<O> {
  /** Validated against the output schema, sent as structuredContent. */
  result: O;
  /** Short text rendering for clients that show only text content. */
  text: string;
  links?: ResourceLink[];
}

/** What a handler may use besides its arguments. */
export interface ToolContext {
  services: Services;
  /** Aborts on client cancellation, on the tool's time limit and on shutdown. */
  signal: AbortSignal;
  /** Sends a progress notification when the client asked for them (a no-op otherwise). */
  progress(progress: number, total?: number, message?: string): void;
  /** The client's model through MCP sampling; undefined when the client cannot sample. */
  sample?: (request: SamplingRequest) => Promise<string>;
}

export interface SamplingRequest {
  messages: { role: "user" | "assistant"; text: string }[];
  systemPrompt?: string;
  maxTokens: number;
}

/** An error the caller can fix: becomes an `isError` result whose text says what to fix. */
export class ToolError extends Error {}

export interface ToolDef<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: Annotations;
  /** Time limit of one call (the work is cancelled after it). */
  timeoutMs: number;
  run(args: z.output<z.ZodObject<I>>, ctx: ToolContext): Promise<ToolOutput<z.output<z.ZodObject<O>>>>;
}

export type AnyTool = ToolDef<z.ZodRawShape, z.ZodRawShape>;

export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(def: ToolDef<I, O>): AnyTool {
  return def as unknown as AnyTool;
}

export const READ_ONLY: Annotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
/** Writes build products or records under .koru/ only; repeating it does no harm. */
export const BUILDS: Annotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
/** Adds files or records; never replaces what a user wrote. */
export const ADDITIVE: Annotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};
/** Changes what the build uses or rewrites files. */
export const DESTRUCTIVE: Annotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: false,
};

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
