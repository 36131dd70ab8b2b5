// Koru value sugar inside Zig expressions: `{ a: 1 }` struct literals and `[1, 2]`
// array literals become Zig `.{ .a = 1 }` and `&[_]T{ 1, 2 }`.
import { findTopLevel, isIdent, matchingClose, splitTopLevel } from "../scan.js";
import { zigIdent } from "./zig-writer.js";

export function toZigValue(text: string, targetType?: string): string {
  const t = text.trim();
  if (t.startsWith("{") && matchingClose(t, 0) === t.length - 1) return structLiteral(t.slice(1, -1));
  if (t.startsWith("[") && matchingClose(t, 0) === t.length - 1) {
    const elems = splitTopLevel(t.slice(1, -1), ",").map((p) => toZigValue(p.text));
    const elem = targetType ? elementType(targetType) : undefined;
    return elem ? `&[_]${elem}{ ${elems.join(", ")} }` : `&.{ ${elems.join(", ")} }`;
  }
  return t;
}

function structLiteral(inner: string): string {
  const parts = splitTopLevel(inner.replace(/\n\s*/g, " "), ",").filter((p) => p.text !== "");
  if (parts.length === 0) return ".{}";
  const fields = parts.map((p) => {
    const colon = findTopLevel(p.text, ":");
    const name = colon > 0 ? p.text.slice(0, colon).trim() : "";
    if (colon > 0 && isIdent(name)) return `.${zigIdent(name)} = ${toZigValue(p.text.slice(colon + 1))}`;
    if (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(p.text)) return `.${zigIdent(p.text.split(".").pop()!)} = ${p.text}`;
    return p.text;
  });
  return `.{ ${fields.join(", ")} }`;
}

/** `[]const i32` → `i32`; `[]u8` → `u8`. */
function elementType(type: string): string | undefined {
  const m = /^\s*\[\](?:const\s+)?(.+)$/.exec(type);
  return m ? m[1].trim() : undefined;
}
