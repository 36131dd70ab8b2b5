// Taps (`~tap(source -> destination)`): compile-time observers of transitions.
import type { Program } from "../ast.js";
import type { EmitHooks } from "../emit/program.js";
import type { Symbols } from "../symbols.js";

/** Emit hooks weaving the program's taps into its flows; empty when it has none. */
export function tapHooks(_program: Program, _symbols: Symbols): EmitHooks {
  return {};
}
