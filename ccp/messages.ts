// Every CCP message (compiler → client), discriminated by `type`: responses to commands,
// streamed progress, runtime records and hotspots. A message sent because of a command
// carries that command's `id`.
import * as z from "zod";
import {
  Ast,
  Count,
  DiagnosticFields,
  Diagnostic as DiagnosticShape,
  EventInfo,
  EventName,
  Hotspot,
  Id,
  PassInfo,
  VariantInfo,
} from "./fields.js";
import { message } from "./message.js";
import {
  EdgeStatsRecord,
  ProgramOutputRecord,
  RecorderSummaryRecord,
  RunDoneMessage,
  TransitionRecord,
} from "./records.js";

const Ms = z.number().nonnegative();

// ── upstream messages ────────────────────────────────────────────────────────────────────

export const ReadyMessage = message("ready", "First line the daemon writes; it then accepts commands.", {
  version: z.string().describe("CCP protocol version (semver)."),
  compiler: z.string().optional().describe('Compiler name and version, e.g. "koru-ccp 0.1.0".'),
  commands: z.array(z.string()).optional().describe("Commands this daemon accepts."),
});

export const ParsedMessage = message("parsed", "Answer to `parse`.", {
  file: z.string(),
  ast: Ast,
  diagnostics: z.array(DiagnosticShape),
  items: Count.optional().describe("Top-level items of the file (upstream's only field)."),
});

export const AstMessage = message("ast", "Answer to `ast`.", {
  file: z.string().optional(),
  data: Ast,
});

export const AstJsonMessage = message("ast_json", "Answer to `ast_json`.", {
  file: z.string(),
  ast: Ast,
});

export const PassStartMessage = message("pass_start", "A compiler pass starts.", {
  pass: z.string(),
  file: z.string().optional(),
});

export const PassDoneMessage = message("pass_done", "A compiler pass finished.", {
  pass: z.string(),
  file: z.string().optional(),
  duration_ms: Ms,
});

export const DiagnosticMessage = message("diagnostic", "A compiler diagnostic.", DiagnosticFields);

export const CompiledMessage = message("compiled", "`compile` succeeded.", {
  output: z.string().describe("Path of the built binary (or of the generated Zig with check_only)."),
  entry: z.string().optional(),
  zig: z.string().optional().describe("Path of the generated Zig file."),
  duration_ms: Ms.optional(),
  warnings: Count.optional(),
});

export const CompileFailedMessage = message("compile_failed", "`compile` failed; the diagnostics came before.", {
  entry: z.string().optional(),
  error_count: Count.optional(),
});

export const FlagSetMessage = message("flag_set", "Answer to `set_flag`.", {
  flag: z.string(),
  value: z.union([z.boolean(), z.string()]),
  status: z.literal("unknown").optional().describe("The compiler declares no such flag (it is set anyway)."),
});

export const PassAddedMessage = message("pass_added", "Answer to `add_pass`.", {
  pass: z.string(),
  after: z.string().optional(),
  before: z.string().optional(),
  verdict: z
    .enum(["waiting_for_review", "rejected"])
    .optional()
    .describe("With a `body`: the pass ran on every program and waits for review, or was rejected (`reasons`)."),
  reasons: z.array(z.string()).optional(),
  diff: z.string().optional().describe("Unified diff of the formatted source of every program the pass changed."),
  evidence: z.string().optional().describe("Path of the evidence record (.koru/evidence/passes/<pass>.json)."),
});

export const PassRemovedMessage = message("pass_removed", "Answer to `remove_pass`.", { pass: z.string() });

export const ExitMessage = message("exit", "Answer to `exit`; the daemon then exits with `code`.", {
  code: z.number().int(),
});

export const ErrorMessage = message("error", "A command could not be read or carried out.", {
  message: z.string(),
  msg: z.string().optional().describe("Same text as `message`, for clients written against upstream koruc."),
  code: z.string().optional().describe("Machine-readable reason, see docs/ccp.md."),
  field: z.string().optional().describe('Path of the offending field, e.g. "flags[1]".'),
  line: z.number().int().positive().optional().describe("Input line number, for errors about a line."),
});

// ── beyond upstream ──────────────────────────────────────────────────────────────────────

export const PassesMessage = message("passes", "Answer to `list_passes`.", { passes: z.array(PassInfo) });

export const ProgressMessage = message("progress", "Progress of a long command.", {
  stage: z.string().describe('Short stage name, e.g. "compile", "run", "analyze".'),
  message: z.string(),
  fraction: z.number().min(0).max(1).optional(),
});

export const HotspotDetectedMessage = message("hotspot_detected", "One hotspot, largest share first.", {
  run_id: z.string().optional(),
  data: Hotspot,
});

export const AnalyzeDoneMessage = message("analyze_done", "`analyze` finished.", {
  run_id: z.string(),
  exit_code: z.number().int().nullable(),
  wall_ms: Ms,
  hotspots: Count.describe("Number of `hotspot_detected` messages sent."),
});

export const HotspotsDoneMessage = message("hotspots_done", "`hotspots` finished.", {
  run_id: z.string(),
  hotspots: Count,
});

export const EventsMessage = message("events", "Answer to `list_events`.", { events: z.array(EventInfo) });

export const CancelledMessage = message("cancelled", "Answer to `cancel`.", {
  target: Id,
  state: z
    .enum(["running", "queued", "unknown"])
    .describe(
      "running: the command was stopped and ends with an `error` of code `cancelled`; " +
        "queued: it will not run (answered the same way); unknown: no such command is pending.",
    ),
});

export const VariantAddedMessage = message("variant_added", "Answer to `add_variant`.", {
  event: EventName,
  tag: z.string(),
  file: z.string().describe("Sidecar file the variant was written to."),
  line: z.number().int().positive().optional(),
});

export const VariantsMessage = message("variants", "Answer to `list_variants`.", { variants: z.array(VariantInfo) });

export const VariantTestedMessage = message("variant_tested", "Answer to `test_variant`.", {
  event: EventName,
  tag: z.string(),
  passed: z.boolean().describe("Every property case agreed with the baseline (and the benchmark gate passed)."),
  cases: Count,
  failures: Count,
  speedup: z.number().positive().optional().describe("Median baseline/variant time ratio."),
  ci_low: z.number().positive().optional().describe("95% confidence interval of the speedup."),
  ci_high: z.number().positive().optional(),
  evidence: z.string().optional().describe("Path of the evidence record."),
  message: z.string().optional().describe("Why it failed, e.g. the first counterexample."),
  verdict: z
    .enum(["accepted", "rejected", "suspect", "passed_tests", "inconclusive"])
    .optional()
    .describe(
      "accepted: passes and is faster; passed_tests: not benchmarked; inconclusive: the baseline panicked on too many inputs to decide.",
    ),
});

export const VariantBenchedMessage = message(
  "variant_benched",
  "Answer to `bench_variant` when the variant has no fresh evidence to fold the result into.",
  {
    event: EventName,
    tag: z.string(),
    faster: z.boolean().describe("The whole 95% interval of the time ratio lies below 0.98."),
    speedup: z.number().positive().describe("Median baseline/variant time ratio."),
    ci_low: z.number().positive(),
    ci_high: z.number().positive(),
    pairs: Count,
  },
);

export const VariantReviewMessage = message("variant_review", "Answer to `review_variant`.", {
  event: EventName,
  tag: z.string(),
  verdict: z.enum(["accepted", "rejected", "suspect", "passed_tests", "inconclusive"]),
  markdown: z.string().describe("Both sources side by side, the verdict and why."),
});

export const VariantSelectedMessage = message("variant_selected", "Answer to `select_variant`.", {
  event: EventName,
  tag: z.string().nullable().describe("null: the baseline is selected."),
  previous: z.string().nullable().optional(),
});

export const VariantRemovedMessage = message("variant_removed", "Answer to `remove_variant`.", {
  event: EventName,
  tag: z.string(),
  file: z.string().describe("The sidecar it was removed from."),
  unselected: z.boolean().describe("It was selected: the build calls the baseline again."),
});

export const MESSAGE_SCHEMAS = [
  ReadyMessage,
  ParsedMessage,
  AstMessage,
  AstJsonMessage,
  PassStartMessage,
  PassDoneMessage,
  DiagnosticMessage,
  CompiledMessage,
  CompileFailedMessage,
  FlagSetMessage,
  PassAddedMessage,
  PassRemovedMessage,
  PassesMessage,
  ExitMessage,
  ErrorMessage,
  ProgressMessage,
  TransitionRecord,
  EdgeStatsRecord,
  RecorderSummaryRecord,
  ProgramOutputRecord,
  RunDoneMessage,
  HotspotDetectedMessage,
  AnalyzeDoneMessage,
  HotspotsDoneMessage,
  EventsMessage,
  CancelledMessage,
  VariantAddedMessage,
  VariantsMessage,
  VariantTestedMessage,
  VariantBenchedMessage,
  VariantReviewMessage,
  VariantSelectedMessage,
  VariantRemovedMessage,
] as const;

export const Message = z.discriminatedUnion("type", MESSAGE_SCHEMAS).meta({
  id: "Message",
  description: "A message written by the compiler or a program it runs, one JSON object per line.",
});
export type Message = z.output<typeof Message>;
export type MessageType = Message["type"];
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

export const MESSAGE_TYPES: readonly MessageType[] = MESSAGE_SCHEMAS.map((s) => s.shape.type.value);

const byType = new Map<string, (typeof MESSAGE_SCHEMAS)[number]>(MESSAGE_SCHEMAS.map((s) => [s.shape.type.value, s]));

export function messageSchema(type: string): (typeof MESSAGE_SCHEMAS)[number] | undefined {
  return byType.get(type);
}

/** An `error` message; `msg` repeats the text for clients of upstream koruc. */
export function errorMessage(
  text: string,
  extra: { id?: string | number; code?: string; field?: string; line?: number } = {},
): MessageOf<"error"> {
  return {
    type: "error",
    ...(extra.id !== undefined ? { id: extra.id } : {}),
    message: text,
    msg: text,
    ...(extra.code !== undefined ? { code: extra.code } : {}),
    ...(extra.field !== undefined ? { field: extra.field } : {}),
    ...(extra.line !== undefined ? { line: extra.line } : {}),
  };
}

/** A `diagnostic` message for a compiler diagnostic (adds upstream's `msg`). */
export function diagnosticMessage(d: z.input<typeof DiagnosticShape>, id?: string | number): MessageOf<"diagnostic"> {
  return { type: "diagnostic", ...(id !== undefined ? { id } : {}), ...d, msg: d.message };
}
