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
  return { code, level: "error", message, file: at.file, line: at.line, col: at.col, ...extra };
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
    out.push(`${String(d.line).padStart(3)} | ${text}`);
    out.push(`    | ${" ".repeat(Math.max(0, d.col - 1))}${"^".repeat(Math.max(1, d.span ?? 1))}`);
  }
  if (d.hint) out.push(`  hint: ${d.hint}`);
  // A blank line after each diagnostic, as upstream prints them.
  out.push("", "");
  return out.join("\n");
}

export function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
