// Input and output fields shared by several tools, with the bounds every input has.
import * as z from "zod";

export const MAX_TEXT = 1_000_000;

export const Path = z.string().min(1).max(1024).describe("Path relative to the workspace root.");
export const Entry = z
  .string()
  .min(1)
  .max(1024)
  .optional()
  .describe(
    'Entry .kz file relative to the workspace root (default: koru.json "entry", else the only .kz at the root).',
  );
export const EventName = z
  .string()
  .min(1)
  .max(256)
  .describe('Event name: "input:advance", or "advance" when the name is unique.');
export const Optimize = z.enum(["Debug", "ReleaseSafe", "ReleaseFast", "ReleaseSmall"]);
export const ProgramArgs = z
  .array(z.string().max(4096))
  .max(64)
  .optional()
  .describe("Arguments for the program (an argument array; no shell).");
export const Flags = z
  .array(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_.]*(=[A-Za-z0-9_.:/-]*)?$/, "a flag is a name without dashes, e.g. profile"),
  )
  .max(32)
  .optional()
  .describe('Compiler flags without dashes, e.g. ["profile"].');
export const TimeoutMs = z.number().int().positive().max(3_600_000).optional();
export const Limit = z.number().int().min(1).max(500).optional().describe("At most this many items (default 100).");
export const Cursor = z.string().max(64).optional().describe("`next_cursor` of the previous page.");
export const NextCursor = z.string().optional().describe("Pass as `cursor` to read the next page; absent on the last.");

export const Diagnostic = z.object({
  code: z.string(),
  level: z.enum(["error", "warning", "note"]),
  message: z.string(),
  file: z.string().describe("Relative to the workspace root when inside it."),
  line: z.number().int(),
  col: z.number().int(),
  hint: z.string().optional(),
});
export type Diagnostic = z.infer<typeof Diagnostic>;

export const Field = z.object({
  name: z.string(),
  type: z.string(),
  phantom: z.string().optional(),
  default: z.string().optional(),
});

export const Branch = z.object({
  name: z.string(),
  optional: z.boolean(),
  payload: z.enum(["none", "identity", "struct", "wildcard"]),
  type: z.string().optional(),
  fields: z.array(Field).optional(),
});

export const EventSummary = z.object({
  event: z.string().describe("Module-qualified name."),
  module: z.string(),
  name: z.string(),
  pub: z.boolean(),
  input: z.array(Field),
  branches: z.array(Branch),
  doc: z.string().optional(),
  implementation: z.enum(["proc", "subflow", "none"]),
  variants: z.array(z.string()),
  file: z.string(),
  line: z.number().int(),
});

export const Candidate = z.object({
  strategy: z.string(),
  estimated_gain_ms: z.number(),
  confidence: z.number(),
  assumed_speedup: z.number(),
  program_speedup: z.number(),
  reason: z.string(),
});

export const Hotspot = z.object({
  event_name: z.string(),
  kind: z.string(),
  rank: z.number().int(),
  call_count: z.number(),
  total_ms: z.number(),
  self_ms: z.number(),
  share: z.number(),
  mean_self_ns: z.number(),
  max_ns: z.number().optional().describe("Longest single invocation; absent when time was sampled."),
  mode: z.enum(["counts", "timing", "transitions"]).optional().describe("Recorder mode that produced the figures."),
  samples: z.number().int().optional().describe("Samples the run's time rests on (sampled mode)."),
  branch_probabilities: z.record(z.string(), z.number()),
  optimization_candidates: z.array(Candidate),
});
export type Hotspot = z.infer<typeof Hotspot>;

/** Opaque cursors: the offset, base64url-encoded, so callers do not build them by hand. */
export function page<T>(items: T[], limit = 100, cursor?: string): { items: T[]; next_cursor?: string } {
  let start = 0;
  if (cursor) {
    start = Number(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Number.isInteger(start) || start < 0) start = 0;
  }
  const end = start + limit;
  return {
    items: items.slice(start, end),
    ...(end < items.length ? { next_cursor: Buffer.from(String(end), "utf8").toString("base64url") } : {}),
  };
}

/** Text cut to `max` characters with a note saying how much was left out. */
export function bounded(text: string, max = 8000): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  return { text: `${text.slice(0, max)}\n… (${text.length - max} more characters)`, truncated: true };
}

/** `run`/`analyze` `capture`: record a sample of an event's real inputs for test_variant and benchmark_variant. */
export const Capture = z
  .object({
    event: z.string().min(1).max(200).describe("The event whose inputs are recorded (`blur` or `blur:blur`)."),
    max: z.number().int().min(1).max(1_000_000).optional().describe("Records kept (reservoir sampling; default 1000)."),
  })
  .optional()
  .describe("Record a sample of the event's inputs into .koru/captures/<event>.bin (at most 4 MiB).");

export const CaptureResult = z.object({
  event: z.string().describe("The event's canonical name."),
  file: z.string().describe("The capture file, relative to the workspace."),
  records: z.number().int().describe("Inputs it holds after the run."),
});

/** `compile`/`run`/`analyze` `pgo`: profile-guided switch layout from an earlier instrumented run. */
export const Pgo = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe(
    "A run_id of this workspace (from run or analyze): the pgo pass orders switch arms by that run's edge counts " +
      "and marks rare branches cold. An unusable run is a PASS009 diagnostic.",
  );
