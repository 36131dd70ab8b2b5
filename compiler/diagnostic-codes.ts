// Every diagnostic code the compiler emits, with its one meaning. Codes shared with the
// upstream Koru compiler keep upstream's meaning; codes upstream has none for are ours
// (marked `upstream: false`) and never reuse a number upstream gives another meaning
// (UPSTREAM_CODES; ours for runtime scopes and variant operations therefore sit above 100).
// A test checks that every code used in compiler/ is listed here and that none clashes.

export interface DiagnosticCodeInfo {
  /** What the code means: one code, one meaning. */
  readonly meaning: string;
  /** The upstream compiler uses this code for the same error. */
  readonly upstream: boolean;
}

export const DIAGNOSTIC_CODES = {
  PARSE001: { meaning: "a flow, step, continuation or label that cannot be parsed", upstream: true },
  PARSE003: { meaning: "a malformed construct (declaration, shape, annotation, import path)", upstream: true },
  PARSE004: { meaning: "unbalanced braces in an event or payload shape", upstream: true },
  KORU002: { meaning: "an import cannot be resolved (unknown alias, missing module, unreadable file)", upstream: true },
  KORU003: { meaning: "a source file holding control characters (NUL bytes, binary junk): not text", upstream: false },
  KORU005: { meaning: "koru.json is malformed or cannot be read", upstream: false },
  KORU010: { meaning: "a stray continuation line (a `|` or `|>` without a construct to continue)", upstream: true },
  KORU011: { meaning: "nesting past the limit: continuations over 200 levels, brackets over 1,000", upstream: false },
  KORU021: {
    meaning: "an unknown branch: in a continuation, or a branch constructor where none is valid",
    upstream: true,
  },
  KORU022: { meaning: "a branch that must be handled has no continuation", upstream: true },
  KORU030: {
    meaning: "a shape or obligation mismatch (payload without binding, resource not discharged)",
    upstream: true,
  },
  KORU032: { meaning: "an outer-scope resource cannot be auto-discharged inside a loop", upstream: true },
  KORU033: { meaning: "an invalid phantom annotation (issuing on an input, consuming on an output)", upstream: true },
  KORU040: {
    meaning: "an unknown event, an implementation of one, or an unknown module in a phantom type",
    upstream: true,
  },
  KORU041: { meaning: "an unknown label", upstream: true },
  KORU044: { meaning: "a private event used from another module", upstream: true },
  KORU047: { meaning: "an invocation names a variant the event does not have", upstream: false },
  KORU048: { meaning: "a [transform] event this compiler cannot lower", upstream: false },
  KORU050: { meaning: "a branch with several when-clauses and no else case", upstream: true },
  KORU071: { meaning: "two variants of one event with the same tag (zig(x) and x are the same)", upstream: false },
  KORU072: { meaning: "a variant of an event without a baseline proc", upstream: false },
  KORU073: { meaning: "a variant of an event implemented by a subflow", upstream: false },
  KORU074: { meaning: "koru.variants.json selects a variant the event does not have", upstream: false },
  KORU075: { meaning: "a malformed koru.variants.json", upstream: false },
  KORU076: { meaning: "a variant operation names an unknown event", upstream: false },
  KORU077: { meaning: "an unknown float policy (koru:float) above a baseline proc", upstream: false },
  KORU078: { meaning: "an invalid variant tag", upstream: false },
  KORU079: { meaning: "the variant harness cannot generate or compare a type of the event's input", upstream: false },
  KORU083: { meaning: "[!] on an event with branches (it must be single-outcome)", upstream: true },
  KORU084: { meaning: "select refused: the variant's evidence is missing, failing or stale", upstream: false },
  KORU094: { meaning: "a pass cannot be inserted into the pipeline (unknown anchor, name taken)", upstream: false },
  KORU095: { meaning: "two passes install an invocation probe (only one can wrap each call)", upstream: false },
  KORU096: { meaning: "a compiler pass failed while running", upstream: false },
  KORU100: { meaning: "an unused binding", upstream: true },
  KORU110: { meaning: "a std.runtime:register block without a scope name", upstream: false },
  KORU111: { meaning: "a runtime scope registered twice", upstream: false },
  KORU112: { meaning: "a register block includes an unknown scope", upstream: false },
  KORU113: { meaning: "a register line that is not `event`, `event(cost)` or `event -> alias(cost)`", upstream: false },
  KORU114: { meaning: "a register cost that is not a whole number >= 0", upstream: false },
  KORU115: { meaning: "a register line names an unknown event", upstream: false },
  KORU116: { meaning: "a registered event that the interpreter cannot call from a flow", upstream: false },
  KORU117: { meaning: "a duplicate name (event or alias) in one runtime scope", upstream: false },
  KORU120: { meaning: "a variant proc of an unknown event", upstream: false },
  KORU121: { meaning: "a variant test stopped before a verdict (time limit, baseline out of domain)", upstream: false },
  KORU122: { meaning: "a variant benchmark failed to run", upstream: false },
  KORU123: { meaning: "no evidence recorded for a variant", upstream: false },
  ZIG000: { meaning: "the Zig toolchain cannot be found or run", upstream: false },
  ZIG001: { meaning: "zig build-exe reported an error (mapped to the .kz line when possible)", upstream: false },
  ZIG002: { meaning: "zig build-exe itself crashed (killed by a signal, no error output)", upstream: false },
} as const satisfies Record<string, DiagnosticCodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/**
 * The codes upstream korulang/koru declares (src/errors.zig), with what each means there, in our
 * words. A code of ours marked `upstream: false` must not be one of these.
 */
export const UPSTREAM_CODES: Readonly<Record<string, string>> = {
  KORU001: "an unknown construct after `~`",
  KORU002: "a module that cannot be found",
  KORU010: "a stray continuation",
  KORU020: "a branch declared twice in an event",
  KORU021: "an unknown branch in a continuation",
  KORU022: "a required branch not handled",
  KORU030: "a shape mismatch",
  KORU031: "a payload type mismatch",
  KORU032: "an outer-scope resource auto-discharged inside a loop",
  KORU033: "an invalid phantom annotation",
  KORU040: "an unknown event, proc or subflow",
  KORU041: "an unknown label",
  KORU042: "a label declared twice",
  KORU043: "a label's shape does not match",
  KORU044: "a private event used from another module",
  KORU045: "a label that requires parameters",
  KORU046: "a label that accepts no parameters",
  KORU050: "a proc without its event (upstream's flow checker also reports missing when-else with it)",
  KORU051: "a proc returns an unknown branch (also: when-clause checks)",
  KORU052: "a proc's payload does not match",
  KORU060: "a subflow called with the wrong number of arguments",
  KORU061: "a recursive subflow",
  KORU070: "a shape that cannot be known at compile time",
  KORU080: "a required field missing",
  KORU081: "an unknown field",
  KORU082: "a field of the wrong type",
  KORU083: "[!] on an event with several branches",
  KORU090: "an unhandled split in a pipeline",
  KORU091: "an invalid use of the `p` symbol",
  KORU100: "an unused binding",
  KORU200: "an ambiguous module structure",
  PARSE001: "an unexpected end of file",
  PARSE002: "an invalid indentation",
  PARSE003: "a malformed construct",
  PARSE004: "unbalanced braces",
};

export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.hasOwn(DIAGNOSTIC_CODES, code);
}
