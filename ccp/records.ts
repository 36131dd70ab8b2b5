// Runtime records: what an instrumented program (and the daemon running it) reports.
// `run_id` names the run; the daemon adds it (and the command's `id`) when it relays them.
import * as z from "zod";
import { Count, EventName, Nanos } from "./fields.js";
import { message } from "./message.js";

const RunId = z.string().min(1).optional().describe("The run this record belongs to.");
const Destination = EventName.nullable().describe("Event the branch continued into; null when the flow ended.");

/** One event transition: `source` took `branch` and the flow continued into `destination`. */
export const TransitionRecord = message("transition", "One event transition (upstream's `$std/ccp` shape).", {
  run_id: RunId,
  timestamp: z.number().describe("Unix time in ms when the record was written."),
  source: EventName,
  branch: z.string(),
  destination: Destination,
  timestamp_ns: z
    .number()
    .describe("Clock at the transition in ns (upstream: Unix ns, beyond 2^53; koru-ccp: ns since program start)."),
  duration_ns: Nanos.optional().describe("Time from entering `source` until it took the branch (inclusive)."),
  thread: Count.optional(),
});

/** Exact aggregate of every transition over one (source, branch, destination) edge. */
export const EdgeStatsRecord = message("edge_stats", "Exact statistics of one (source, branch, destination) edge.", {
  run_id: RunId,
  source: EventName,
  branch: z.string(),
  destination: Destination,
  count: Count,
  total_ns: Nanos.describe("Sum of inclusive invocation times of `source` over this edge."),
  self_ns: Nanos.describe("total_ns minus time spent in events `source` invoked while it ran."),
  min_ns: Nanos.optional().describe("Shortest inclusive invocation time (timed modes)."),
  max_ns: Nanos.optional().describe("Longest inclusive invocation time (timed modes)."),
  sampled: z
    .boolean()
    .optional()
    .describe("true in counts mode: total_ns/self_ns are sampled CPU time, split over the site's branches by count."),
});
export type EdgeStats = Omit<z.infer<typeof EdgeStatsRecord>, "type" | "id" | "run_id">;

export const RecorderMode = z.enum(["counts", "timing", "transitions"]);

export const RecorderSummaryRecord = message("recorder_summary", "End-of-run summary of the transition recorder.", {
  run_id: RunId,
  mode: RecorderMode.optional().describe("What produced the figures (docs/run-records.md)."),
  transition_sample: z.enum(["first", "uniform"]).optional().describe("Which raw transitions were kept."),
  transitions_written: Count,
  transitions_dropped: Count.describe("Raw transitions not written because the cap was reached (stats stay exact)."),
  cap: Count.describe("Maximum raw transitions the recorder writes."),
  wall_ns: Nanos.describe("Wall time from program start to exit."),
  recorder_ns: Nanos.optional().describe(
    "CPU time the recorder spent (writing records, its writer and sampler threads).",
  ),
  program_ns: Nanos.optional().describe(
    "The program's own time, recorder excluded: the denominator of hotspot shares.",
  ),
  samples: Count.optional().describe("counts mode: samples taken over all threads."),
  sample_period_ns: Nanos.optional().describe("counts mode: sampling period."),
  clock_read_ns: Nanos.optional().describe(
    "Timed modes: one clock read's cost, measured at start and taken off every timed invocation.",
  ),
  threads: Count,
});

export const ProgramOutputRecord = message("program_output", "Bytes the program wrote, as text.", {
  run_id: RunId,
  stream: z.enum(["stdout", "stderr"]),
  text: z.string().describe("The bytes decoded as UTF-8 (invalid bytes become U+FFFD)."),
  base64: z
    .string()
    .optional()
    .describe("Present only when the bytes are not valid UTF-8: the exact bytes, base64-encoded."),
});

export const RunDoneMessage = message("run_done", "The program exited.", {
  run_id: z.string().min(1),
  exit_code: z.number().int().nullable().describe("null when the program was killed by a signal."),
  signal: z.string().optional().describe('Signal that ended it, e.g. "SIGKILL".'),
  timed_out: z.boolean().optional(),
  wall_ms: z.number().nonnegative(),
  records_rejected: Count.optional().describe("Lines on the record fd that were not valid recorder records (dropped)."),
});
