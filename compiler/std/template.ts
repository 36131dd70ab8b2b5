// `std.io` print templates: `{{ expr:spec }}` placeholders and `{% if name %}…{% endif %}`
// blocks, turned into one Zig format string and its argument list.

export interface PrintCall {
  /** Zig format string contents (already escaped for a Zig string literal). */
  format: string;
  args: string[];
  /** Set when the template is invalid; emitted as a `@compileError`. */
  error?: string;
}

/**
 * `lines` are joined with newlines. `raw` lines (print.blk) are plain text and get
 * Zig-escaped; print.ln text comes from a Zig string literal and is already escaped.
 */
export function templateToPrint(lines: string[], raw: boolean): PrintCall {
  const args: string[] = [];
  let format = "";
  let problem: string | undefined;
  const text = lines.map((l) => (raw ? escapeZig(l) : l)).join("\\n");
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("{{", i)) {
      const end = text.indexOf("}}", i + 2);
      if (end < 0) {
        problem ??= "std.io:print: unterminated '{{' placeholder";
        break;
      }
      const inner = text.slice(i + 2, end).trim();
      // `{{ x:d:.3 }}`: the spec is everything after the first colon.
      const colon = inner.indexOf(":");
      if (colon < 0) {
        problem ??= `std.io:print: placeholder '{{ ${inner} }}' needs a format spec, e.g. '{{ ${inner}:s }}' or ':d'`;
      } else {
        const expr = inner.slice(0, colon).trim();
        const spec = inner.slice(colon + 1).trim();
        if (/[A-Za-z_][A-Za-z0-9_.]*\s*\(/.test(expr.replace(/@[A-Za-z_]+\s*\(/g, ""))) {
          problem ??= `std.io:print: '{{ ${expr} }}' contains a function call — function calls are not allowed in expressions. Use event chaining instead.`;
        }
        format += spec === "f" ? "{d}" : `{${spec}}`;
        args.push(escapeKeywordSegments(expr));
      }
      i = end + 2;
      continue;
    }
    if (text.startsWith("{%", i)) {
      const end = text.indexOf("%}", i + 2);
      const directive = end < 0 ? "" : text.slice(i + 2, end).trim();
      const m = /^if\s+(.+)$/.exec(directive);
      const close = end < 0 ? -1 : text.indexOf("{% endif %}", end);
      if (!m || close < 0) {
        problem ??= `std.io:print: expected '{% if name %}…{% endif %}', got '{% ${directive} %}'`;
        break;
      }
      format += "{s}";
      args.push(`if (${m[1]}) "${text.slice(end + 2, close)}" else ""`);
      i = close + "{% endif %}".length;
      continue;
    }
    const c = text[i];
    format += c === "{" ? "{{" : c === "}" ? "}}" : c;
    i++;
  }
  return problem ? { format, args, error: problem } : { format, args };
}

function escapeZig(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\t/g, "\\t");
}

const KEYWORDS = new Set(["error", "type", "return", "break", "continue", "test", "fn", "var", "const"]);
function escapeKeywordSegments(expr: string): string {
  return expr.replace(/\.([A-Za-z_][A-Za-z0-9_]*)/g, (m, seg: string) => (KEYWORDS.has(seg) ? `.@"${seg}"` : m));
}
