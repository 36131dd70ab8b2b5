// Diagnostic codes of the pass machinery. Every rejection names the pass and says why.
import { type Diagnostic, error } from "../compiler/diagnostics.js";

export const PASS_CODES = {
  /** The pass threw (or its module failed to load). */
  threw: "PASS001",
  /** The pass returned something that is not a program (schema, cycle, not JSON). */
  invalid: "PASS002",
  /** The pass returned a program that fails the compiler's checks. */
  failsChecks: "PASS003",
  /** The pass ran past its time limit. */
  timeout: "PASS004",
  /** The pass ran out of its memory limit. */
  memory: "PASS005",
  /** The pass changed what a program prints (differential run). */
  changedOutput: "PASS006",
  /** The pass file is not in koru.passes.json, or changed since it was reviewed. */
  notReviewed: "PASS007",
  /** koru.passes.json is malformed. */
  config: "PASS008",
  /** The `pgo` pass cannot read the run it was given (missing, not instrumented, malformed). */
  pgo: "PASS009",
} as const;

export type PassRejection = keyof typeof PASS_CODES;

export function passError(
  kind: PassRejection,
  pass: string,
  message: string,
  file: string,
  line = 1,
  col = 1,
): Diagnostic {
  return error(PASS_CODES[kind], `pass '${pass}' ${message}`, { file, line, col });
}
