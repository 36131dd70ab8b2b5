import type { Program } from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";
import type { Symbols } from "./symbols.js";

export function check(_program: Program, _symbols: Symbols): Diagnostic[] {
  return [];
}
