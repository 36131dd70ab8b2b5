// Every CCP command (client → compiler), discriminated by `cmd`.
//
// Unknown fields are accepted and ignored (`parseCommand` lists them so the daemon can log
// them); the fields a command defines are checked strictly by type. Every command may carry
// an `id`, which every message answering it echoes.
import * as z from "zod";
import { EventName, Id, Optimize, ProgramRunFields } from "./fields.js";

function command<const N extends string, S extends z.ZodRawShape>(cmd: N, description: string, shape: S) {
  return z.object({ cmd: z.literal(cmd), id: Id.optional(), ...shape }).meta({ id: `cmd.${cmd}`, description });
}

const MinShare = z.number().min(0).max(1).optional().describe("Report events with at least this share (default 0.02).");
const Limit = z.number().int().positive().optional().describe("Report at most this many hotspots.");
const Pgo = z
  .string()
  .min(1)
  .optional()
  .describe(
    "A run id of this workspace: the `pgo` pass lays out switches by that run's edge counts (PASS009 if unusable).",
  );

// ── upstream commands ────────────────────────────────────────────────────────────────────

export const ParseCommand = command("parse", "Parse a file and resolve its imports. Answer: `parsed`.", {
  file: z.string().min(1),
  source: z.string().optional().describe("Parse this text as if it were the file's content."),
});

export const CompileCommand = command(
  "compile",
  "Compile a program. Streams `pass_start`/`pass_done`/`diagnostic`, ends with `compiled` or `compile_failed`.",
  {
    entry: z.string().min(1),
    source: z.string().optional().describe("Use this text as the entry file's content."),
    flags: z.array(z.string()).optional(),
    ccp: z.boolean().optional().describe("Instrument every event with the CCP transition recorder."),
    profile: z.boolean().optional().describe("Write a Chrome trace of every invocation."),
    optimize: Optimize.optional(),
    output: z.string().optional().describe("Path of the binary to build."),
    check_only: z.boolean().optional().describe("Stop after the checks; build nothing."),
    pgo: Pgo,
  },
);

export const AstCommand = command("ast", "The AST of the daemon's current program. Answer: `ast`.", {
  file: z.string().min(1).optional().describe("Parse this file first; default: the last parsed or compiled one."),
});

export const AstJsonCommand = command("ast_json", "The AST as `koruc --ast-json` prints it. Answer: `ast_json`.", {
  file: z.string().min(1),
  source: z.string().optional(),
});

export const SetFlagCommand = command("set_flag", "Set a compiler flag for later commands. Answer: `flag_set`.", {
  flag: z.string().min(1).describe('Flag name without dashes, e.g. "profile" or "ccp".'),
  value: z.union([z.boolean(), z.string()]).default(true).describe("true/false, or a value (`build=linux`)."),
});

export const AddPassCommand = command("add_pass", "Insert a pass into the pipeline. Answer: `pass_added`.", {
  pass: z.string().min(1),
  after: z.string().min(1).optional().describe("Run after this pass (default: before emit)."),
  before: z.string().min(1).optional(),
  file: z.string().min(1).optional().describe("Module that defines the pass (agent passes run sandboxed)."),
  body: z
    .string()
    .min(1)
    .optional()
    .describe(
      "JavaScript source of an agent-written pass: an ES module whose default export is (program, api) => program. " +
        "It runs sandboxed on every program of the workspace and waits for review (`koruc passes review`).",
    ),
});

export const RemovePassCommand = command("remove_pass", "Remove an added pass. Answer: `pass_removed`.", {
  pass: z.string().min(1),
});

export const ExitCommand = command("exit", "Shut the daemon down. Answer: `exit`.", {});

// ── beyond upstream ──────────────────────────────────────────────────────────────────────

export const ListPassesCommand = command("list_passes", "The pipeline's passes in order. Answer: `passes`.", {});

const Mode = z
  .enum(["counts", "timing", "transitions"])
  .optional()
  .describe("counts (default): exact counts, sampled time; timing: every call timed; transitions: timing + raw lines.");

const Capture = z
  .object({
    event: z.string().min(1).describe("The event whose inputs are recorded (`blur` or `blur:blur`)."),
    max: z
      .number()
      .int()
      .positive()
      .max(1_000_000)
      .optional()
      .describe("Records kept (reservoir sampling; default 1000)."),
  })
  .optional()
  .describe(
    "Record a sample of an event's real inputs into .koru/captures/<event>.bin for `test_variant`/`bench_variant`.",
  );

export const RunCommand = command(
  "run",
  "Build the program instrumented and run it. Streams `program_output` and runtime records, ends with `run_done`.",
  {
    ...ProgramRunFields,
    record: z
      .enum(["stats", "transitions", "none"])
      .optional()
      .describe("stats (default): `edge_stats` + `recorder_summary`; transitions: also every `transition`."),
    max_transitions: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("Cap on streamed `transition` records (0: none, statistics only)."),
    mode: Mode,
    transition_sample: z
      .enum(["first", "uniform"])
      .optional()
      .describe("transitions mode: the first max_transitions (default) or a uniform sample of them over the run."),
    capture: Capture,
    pgo: Pgo,
  },
);

export const AnalyzeCommand = command(
  "analyze",
  "Build instrumented, run a workload, report hotspots. Streams `progress`, `hotspot_detected`; ends with `analyze_done`.",
  { ...ProgramRunFields, min_share: MinShare, limit: Limit, mode: Mode, capture: Capture, pgo: Pgo },
);

export const HotspotsCommand = command(
  "hotspots",
  "Hotspots of an earlier run. Streams `hotspot_detected`, ends with `hotspots_done`.",
  { run_id: z.string().min(1), min_share: MinShare, limit: Limit },
);

export const ListEventsCommand = command("list_events", "Every event of the program. Answer: `events`.", {
  entry: z.string().min(1).optional().describe("Default: the last parsed or compiled program."),
  module: z.string().min(1).optional().describe("Only events of this module."),
  include_std: z.boolean().optional().describe("Also list events of std modules (default false)."),
});

export const CancelCommand = command(
  "cancel",
  "Cancel a command still running or queued (its processes are killed). Answer: `cancelled`.",
  { target: Id.describe("The `id` of the command to cancel.") },
);

export const AddVariantCommand = command(
  "add_variant",
  "Add a variant proc beside the never-modified baseline. Answer: `variant_added`.",
  {
    event: EventName,
    tag: z.string().min(1).describe('Variant tag, e.g. "zig(ai_opt_1)".'),
    body: z.string().describe("Zig body of the proc (the text between the braces)."),
    entry: z.string().min(1).optional(),
  },
);

export const ListVariantsCommand = command("list_variants", "Variants and their status. Answer: `variants`.", {
  event: EventName.optional(),
  entry: z.string().min(1).optional(),
});

export const TestVariantCommand = command(
  "test_variant",
  "Property-test and benchmark a variant against the baseline. Streams `progress`, ends with `variant_tested`.",
  {
    event: EventName,
    tag: z.string().min(1),
    entry: z.string().min(1).optional(),
    cases: z.number().int().positive().optional().describe("Random cases for the property test."),
    seed: z.number().int().optional(),
    bench: z.boolean().optional().describe("Also benchmark (default true)."),
  },
);

export const SelectVariantCommand = command(
  "select_variant",
  "Make the build use a variant whose evidence passes (refused otherwise unless `force`), or the baseline again (tag null). Answer: `variant_selected`.",
  {
    event: EventName,
    tag: z.string().min(1).nullable().describe("null selects the baseline."),
    entry: z.string().min(1).optional(),
    force: z.boolean().optional().describe("Select even without passing, fresh evidence."),
  },
);

export const BenchVariantCommand = command(
  "bench_variant",
  "Benchmark a variant against the baseline (ReleaseFast, interleaved pairs, bootstrap CI) and fold it into its evidence. Answer: `variant_tested` (or `variant_benched` without fresh evidence).",
  {
    event: EventName,
    tag: z.string().min(1),
    entry: z.string().min(1).optional(),
    pairs: z.number().int().min(30).optional().describe("Interleaved pairs (at least 30)."),
  },
);

export const ReviewVariantCommand = command(
  "review_variant",
  "The variant's evidence as Markdown for a person. Answer: `variant_review`.",
  {
    event: EventName,
    tag: z.string().min(1),
    entry: z.string().min(1).optional(),
  },
);

export const RevertVariantCommand = command(
  "revert_variant",
  "Make the build call the baseline again. Answer: `variant_selected` with tag null.",
  {
    event: EventName,
    entry: z.string().min(1).optional(),
  },
);

/** Every command schema, by `cmd`. */
export const RemoveVariantCommand = command(
  "remove_variant",
  "Take a variant out of its sidecar (the baseline is never touched); a selected variant is unselected first. Answer: `variant_removed`.",
  {
    event: EventName,
    tag: z.string().min(1),
    entry: z.string().min(1).optional(),
  },
);

export const COMMAND_SCHEMAS = [
  ParseCommand,
  CompileCommand,
  AstCommand,
  AstJsonCommand,
  SetFlagCommand,
  AddPassCommand,
  RemovePassCommand,
  ListPassesCommand,
  ExitCommand,
  RunCommand,
  AnalyzeCommand,
  HotspotsCommand,
  ListEventsCommand,
  CancelCommand,
  AddVariantCommand,
  ListVariantsCommand,
  TestVariantCommand,
  SelectVariantCommand,
  BenchVariantCommand,
  ReviewVariantCommand,
  RevertVariantCommand,
  RemoveVariantCommand,
] as const;

export const Command = z.discriminatedUnion("cmd", COMMAND_SCHEMAS).meta({
  id: "Command",
  description: "A command sent to the compiler, one JSON object per line.",
});
export type Command = z.output<typeof Command>;
export type CommandInput = z.input<typeof Command>;
export type CommandName = Command["cmd"];
export type CommandOf<N extends CommandName> = Extract<Command, { cmd: N }>;

export const COMMAND_NAMES: readonly CommandName[] = COMMAND_SCHEMAS.map((s) => s.shape.cmd.value);

const byName = new Map<string, (typeof COMMAND_SCHEMAS)[number]>(COMMAND_SCHEMAS.map((s) => [s.shape.cmd.value, s]));

/** The schema of one command, or undefined for an unknown name. */
export function commandSchema(cmd: string): (typeof COMMAND_SCHEMAS)[number] | undefined {
  return byName.get(cmd);
}
