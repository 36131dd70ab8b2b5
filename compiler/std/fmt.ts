// `std.fmt:ln`: a template turned into one `allocPrint` into the request's arena, bound
// as `{ text }` for the `line` continuation. Placeholders are `{{ expr:spec }}` (upstream's
// syntax); without a spec a value prints as text, a number in decimal.
import type { Continuation, Invocation } from "../ast.js";
import type { FlowEmitter, Scope } from "../emit/flow.js";
import { zigIdent } from "../emit/zig-writer.js";

export const RT = "__koru_rt";

export interface FormatCall {
  /** Zig format string contents (escapes of the template's string literal kept). */
  format: string;
  args: string[];
  error?: string;
}

/** `text` is the inside of a Zig string literal, already escaped. */
export function templateToFormat(text: string): FormatCall {
  const args: string[] = [];
  let format = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("{{", i)) {
      const end = text.indexOf("}}", i + 2);
      if (end < 0) return { format, args, error: "std.fmt:ln: unterminated '{{' placeholder" };
      const inner = text.slice(i + 2, end).trim();
      const colon = inner.lastIndexOf(":");
      const spec = colon >= 0 ? inner.slice(colon + 1).trim() : "";
      const hasSpec = colon >= 0 && /^[A-Za-z]*[0-9.<>^ ]*$/.test(spec) && !/[()]/.test(spec);
      const expr = (hasSpec ? inner.slice(0, colon) : inner).trim();
      if (expr === "") return { format, args, error: "std.fmt:ln: empty '{{ }}' placeholder" };
      if (!hasSpec || spec === "") {
        format += "{f}";
        args.push(`${RT}.auto(${expr})`);
      } else {
        format += spec === "f" ? "{d}" : `{${spec}}`;
        args.push(expr);
      }
      i = end + 2;
      continue;
    }
    const c = text[i];
    if (c === "\\") {
      format += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    format += c === "{" ? "{{" : c === "}" ? "}}" : c;
    i++;
  }
  return { format, args };
}

export function lowerFmtLn(fe: FlowEmitter, inv: Invocation, conts: readonly Continuation[], scope: Scope): void {
  const arg = (inv.args.find((a) => a.name === "expr" || a.name === "text") ?? inv.args[0])?.value ?? '""';
  const origin = fe.origin(inv.span);
  const literal = /^"((?:[^"\\]|\\.)*)"$/s.exec(arg.trim());
  const call = literal ? templateToFormat(literal[1]) : { format: "{f}", args: [`${RT}.auto(${arg})`] };
  const line = conts.find((c) => c.branch === "line");
  const text = call.error
    ? `@compileError(${JSON.stringify(call.error)})`
    : `__koru_std.fmt.allocPrint(${RT}.arena.allocator(), "${call.format}", .{${call.args.length ? ` ${call.args.join(", ")} ` : ""}}) catch "<out of memory>"`;
  fe.w.open("{", origin);
  const name = line?.binding && line.binding !== "_" ? zigIdent(line.binding) : fe.fresh("line");
  fe.w.line(`const ${name}: struct { text: []const u8 } = .{ .text = ${text} };`, origin);
  fe.w.line(`_ = &${name};`);
  if (line) fe.emitChain(line.body, scope);
  fe.w.close();
}
