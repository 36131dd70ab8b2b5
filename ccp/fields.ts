// Field schemas shared by several CCP commands and messages.
import * as z from "zod";

/** Correlates a command with every message sent in answer to it. */
export const Id = z
  .union([z.string(), z.number()])
  .meta({ id: "Id", description: "Chosen by the client; echoed on every message answering the command." });
export type Id = z.infer<typeof Id>;

/** A module-qualified event name: `input:count`, `std.io:print.ln`. */
export const EventName = z
  .string()
  .min(1)
  .meta({ id: "EventName", description: 'Module-qualified event name, e.g. "input:count" or "std.io:print.ln".' });

/** Opaque, JSON-serializable AST (see `compiler/ast.ts`); every node has a span. */
export const Ast = z.unknown().meta({
  id: "Ast",
  description:
    "The AST JSON, as printed by `koruc --ast-json`: {entry, modules, flags}; every module {name, file, items}; " +
    'every span a tuple [line, col] or [line, col, endLine, endCol] (plus a file when not the module\'s). See "The AST JSON" in docs/ccp.md.',
});

export const Level = z.enum(["error", "warning", "note"]).meta({ id: "Level" });

/** A compiler diagnostic, exactly as the compiler reports it. */
export const DiagnosticFields = {
  code: z.string().min(1).describe('Stable code, e.g. "PARSE003".'),
  level: Level,
  message: z.string(),
  /** Upstream koruc spells the text `msg`; we send both so its clients keep working. */
  msg: z.string().optional().describe("Same text as `message`, for clients written against upstream koruc."),
  file: z.string(),
  line: z.number().int().nonnegative().describe("1-based line (0 when the diagnostic has no location)."),
  col: z.number().int().nonnegative().describe("1-based column (0 when the diagnostic has no location)."),
  span: z.number().int().positive().optional().describe("Number of columns the diagnostic covers."),
  hint: z.string().optional(),
};
export const Diagnostic = z.object(DiagnosticFields).meta({ id: "Diagnostic" });
export type Diagnostic = z.infer<typeof Diagnostic>;

export const Optimize = z.enum(["Debug", "ReleaseSafe", "ReleaseFast", "ReleaseSmall"]).meta({ id: "Optimize" });

/** Nanoseconds. JSON numbers: exact up to 2^53 ns (104 days); larger values lose precision. */
export const Nanos = z.number().nonnegative();
export const Count = z.number().int().nonnegative();

/** Fields shared by every command that builds and runs a program. */
export const ProgramRunFields = {
  entry: z.string().min(1).describe("Entry .kz file, relative to the workspace root."),
  args: z.array(z.string()).optional().describe("Command-line arguments for the program."),
  stdin: z.string().optional().describe("Text written to the program's stdin (closed afterwards)."),
  timeout_ms: z.number().int().positive().optional().describe("Kill the program after this long."),
  flags: z.array(z.string()).optional().describe('Compiler flags without dashes, e.g. ["profile"].'),
  optimize: Optimize.optional(),
};

export const Field = z
  .object({
    name: z.string(),
    type: z.string().describe("Zig type text."),
    phantom: z.string().optional().describe('Phantom state, e.g. "opened!".'),
    default: z.string().optional().describe("Default value text."),
  })
  .meta({ id: "Field" });

export const Branch = z
  .object({
    name: z.string(),
    optional: z.boolean().describe("Declared with `?`: a continuation may leave it unhandled."),
    payload: z.enum(["none", "identity", "struct", "wildcard"]),
    type: z.string().optional().describe("Payload type for an identity payload."),
    fields: z.array(Field).optional().describe("Payload fields for a struct payload."),
  })
  .meta({ id: "Branch" });

export const Implementation = z.enum(["proc", "subflow", "none"]).meta({ id: "Implementation" });

/** One event of the program, as `list_events` reports it. */
export const EventInfo = z
  .object({
    event: EventName,
    module: z.string().describe('Canonical module name, e.g. "input" for the entry file.'),
    name: z.string().describe('Dotted event path inside the module, e.g. "print.ln".'),
    pub: z.boolean(),
    input: z.array(Field),
    branches: z.array(Branch),
    doc: z.string().optional().describe("`//` comment lines directly above the declaration."),
    implementation: Implementation,
    variants: z.array(z.string()).describe('Variant tags of the event\'s procs, e.g. ["zig(ai_opt_1)"].'),
    file: z.string(),
    line: z.number().int().positive(),
  })
  .meta({ id: "EventInfo" });
export type EventInfo = z.infer<typeof EventInfo>;

export const VariantStatus = z.enum(["untested", "passed", "failed", "inconclusive"]).meta({ id: "VariantStatus" });

export const VariantInfo = z
  .object({
    event: EventName,
    tag: z.string().describe('Variant tag, e.g. "zig(ai_opt_1)".'),
    file: z.string().describe("Sidecar file that holds the variant proc."),
    line: z.number().int().positive().optional(),
    status: VariantStatus,
    selected: z.boolean().describe("The build uses this variant instead of the baseline."),
    speedup: z.number().positive().optional().describe("Median baseline/variant time ratio from the last test."),
    evidence: z.string().optional().describe("Path of the evidence record of the last test."),
  })
  .meta({ id: "VariantInfo" });
export type VariantInfo = z.infer<typeof VariantInfo>;

export const PassInfo = z
  .object({
    name: z.string(),
    builtin: z.boolean(),
    after: z.string().optional().describe("The pass it runs after, for an added pass."),
  })
  .meta({ id: "PassInfo" });

export const Strategy = z.enum(["variant", "inline", "loop_lower"]).meta({ id: "Strategy" });

export const OptimizationCandidate = z
  .object({
    strategy: Strategy,
    estimated_gain_ms: z.number().nonnegative().describe("Run time saved; never more than the event's self time."),
    confidence: z.number().min(0).max(1),
    assumed_speedup: z.number().min(1).describe("Speedup of the event's self time the estimate assumes."),
    program_speedup: z.number().min(1).describe("Whole-run speedup by Amdahl's law under that assumption."),
    reason: z.string(),
  })
  .meta({ id: "OptimizationCandidate" });
export type OptimizationCandidate = z.infer<typeof OptimizationCandidate>;

export const Hotspot = z
  .object({
    event_name: EventName,
    kind: Implementation,
    rank: z.number().int().positive().describe("1 for the event with the largest share."),
    call_count: Count,
    total_ms: z.number().nonnegative().describe("Inclusive time: from entering the event until it took a branch."),
    self_ms: z.number().nonnegative().describe("Total time minus the time spent in events it invoked."),
    share: z
      .number()
      .min(0)
      .max(1)
      .describe("self_ms / the program's own time (recorder excluded; CPU time of all threads)."),
    mean_self_ns: z.number().nonnegative(),
    max_ns: Nanos.optional().describe("Longest single invocation (inclusive); absent when time was sampled."),
    mode: z
      .enum(["counts", "timing", "transitions"])
      .optional()
      .describe("Recorder mode that produced the figures: counts = exact counts, sampled time; else every call timed."),
    samples: Count.optional().describe("counts mode: samples the run's time rests on (its resolution)."),
    branch_probabilities: z.record(z.string(), z.number().min(0).max(1)).describe("Branch name → fraction of calls."),
    optimization_candidates: z.array(OptimizationCandidate).describe("Best first; alternatives, gains do not add."),
  })
  .meta({ id: "Hotspot" });
export type Hotspot = z.infer<typeof Hotspot>;
