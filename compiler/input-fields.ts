// Which input field an argument fills: the one rule for the checker's passes (phantom
// obligations), the emitter's input literals and label jumps, so an argument means the same
// field wherever it is written.
import type { Arg, EventDecl, Field } from "./ast.js";

const FIELD_PATH = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/;

/**
 * By name (`a: 1`); a positional field path names its last segment when the event has that
 * field (`r.source` fills `source`); else by position; past the last field, the event's
 * `Expression` field (a trailing expression argument). Undefined when none fits.
 */
export function inputFieldFor(decl: Pick<EventDecl, "input">, arg: Arg, index: number): Field | undefined {
  if (arg.name !== undefined) return decl.input.find((f) => f.name === arg.name);
  const value = arg.value.trim();
  if (FIELD_PATH.test(value)) {
    const last = value.slice(value.lastIndexOf(".") + 1);
    const byName = decl.input.find((f) => f.name === last);
    if (byName) return byName;
  }
  return decl.input[index] ?? decl.input.find((f) => f.type === "Expression");
}
