// Diagnostics are values: every stage collects them and hands them on; none is thrown.

export type Level = "error" | "warning" | "note";

export interface Diagnostic {
  code: string;
  level: Level;
  message: string;
  file: string;
  line: number;
  col: number;
  /** Number of carets under the location (default 1). */
  span?: number;
  hint?: string;
}

export function error(
  code: string,
  message: string,
  at: { file: string; line: number; col: number },
  extra: { hint?: string; span?: number } = {},
): Diagnostic {
  const d: Diagnostic = { code, level: "error", message: clip(message), file: at.file, line: at.line, col: at.col };
  if (extra.span !== undefined) d.span = extra.span;
  if (extra.hint !== undefined) d.hint = clip(extra.hint);
  return d;
}

/** Longest message or hint a diagnostic carries: they quote user text, which may be one 5 MB line. */
export const MAX_MESSAGE = 400;
/** Width of the source excerpt a rendered diagnostic shows around its column. */
export const EXCERPT_WIDTH = 200;

/** Cut text longer than `max` in the middle, marking the cut with an ellipsis. */
export function clip(text: string, max = MAX_MESSAGE): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max * 2) / 3);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - head - 1))}`;
}

/**
 * The part of a source line shown under a diagnostic: the whole line when short, else
 * EXCERPT_WIDTH characters around the column with ellipses; `caret` is the 0-based
 * column of the diagnostic inside the excerpt.
 */
export function excerpt(source: string, col: number): { text: string; caret: number } {
  // Control characters (NUL bytes, escapes) would reach the user's terminal raw.
  const line = source.replace(/[\x00-\x08\x0B-\x1F\x7F]/g, "\uFFFD");
  const at = Math.max(0, col - 1);
  if (line.length <= EXCERPT_WIDTH) return { text: line, caret: at };
  const start = Math.max(0, Math.min(at - EXCERPT_WIDTH / 2, line.length - EXCERPT_WIDTH));
  const end = start + EXCERPT_WIDTH;
  const lead = start > 0 ? "…" : "";
  const tail = end < line.length ? "…" : "";
  return { text: `${lead}${line.slice(start, end)}${tail}`, caret: at - start + lead.length };
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.level === "error");
}

/**
 * Render the way the upstream compiler does:
 *
 *     error[PARSE003]: message
 *       --> file:line:col
 *         |
 *       6 | source line
 *         | ^
 *       hint: ...
 */
export function render(d: Diagnostic, sourceLines?: readonly string[]): string {
  const out = [`${d.level}[${d.code}]: ${d.message}`, `  --> ${d.file}:${d.line}:${d.col}`];
  const text = sourceLines?.[d.line - 1];
  if (text !== undefined) {
    out.push("    |");
    const shown = excerpt(text, d.col);
    const carets = Math.max(1, Math.min(d.span ?? 1, shown.text.length - shown.caret));
    out.push(`${String(d.line).padStart(3)} | ${shown.text}`);
    out.push(`    | ${" ".repeat(shown.caret)}${"^".repeat(carets)}`);
  }
  if (d.hint) out.push(`  hint: ${d.hint}`);
  // A blank line after each diagnostic, as upstream prints them.
  out.push("", "");
  return out.join("\n");
}

export function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
