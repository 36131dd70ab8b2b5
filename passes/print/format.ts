// `koruc fmt`: parse a file, print it back in canonical layout with its comments.

import type { Diagnostic } from "../../compiler/diagnostics.js";
import { parseModule } from "../../compiler/parse.js";
import { printWithComments } from "./comments.js";

export interface FormatResult {
  /** Formatted text; absent when the file does not parse (it is then left as it is). */
  text?: string;
  changed: boolean;
  diagnostics: Diagnostic[];
}

export function formatSource(source: string, file: string): FormatResult {
  const parsed = parseModule(source, file, "input");
  const errors = parsed.diagnostics.filter((d) => d.level === "error");
  if (errors.length) return { changed: false, diagnostics: errors };
  const text = printWithComments(parsed.module, source);
  return { text, changed: text !== source, diagnostics: [] };
}
