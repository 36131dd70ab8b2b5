// String- and bracket-aware text scanning. Koru is line-oriented: most decisions are
// made by looking for a character at bracket depth 0, outside string and char literals.

/**
 * Walk `text`, calling `visit(i, depth)` for every character outside string/char
 * literals. Returning true from `visit` stops the walk. Returns the final depth.
 */
export function walk(text: string, visit: (i: number, depth: number) => boolean | undefined): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    switch (text.charCodeAt(i)) {
      case 34: // "
      case 39: // '
        i = skipLiteral(text, i);
        continue;
      case 47: // /
        if (text.charCodeAt(i + 1) === 47) return depth;
        break;
      case 40: // (
      case 91: // [
      case 123: // {
        if (visit(i, depth)) return depth;
        depth++;
        continue;
      case 41: // )
      case 93: // ]
      case 125: // }
        depth--;
        if (visit(i, depth)) return depth;
        continue;
    }
    if (visit(i, depth)) return depth;
  }
  return depth;
}

/** Index of the closing quote of the literal starting at `start` (or text end). */
function skipLiteral(text: string, start: number): number {
  const q = text[start];
  // `'` opens a char literal only when one follows (`'a'`, `'\n'`); otherwise it is a
  // plain character, as in the phantom state variable `[M'_]`.
  if (q === "'" && !/^'(?:[^'\\]|\\[^']*)'/.test(text.slice(start, start + 12))) return start;
  // A Zig multi-line string `\\...` never reaches here; `'` may be an apostrophe in prose
  // inside a comment, but comments are cut before scanning.
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") {
      i++;
      continue;
    }
    if (text[i] === q) return i;
  }
  return text.length;
}

/** Opening brackets in `text`, literals and comments included (an upper bound on nesting). */
export function countOpenBrackets(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) n++; // ( [ {
  }
  return n;
}

/**
 * The first line (index into `lines`) at which brackets open more than `max` levels deep,
 * counting across lines (comments and literals ignored), or -1.
 */
export function lineExceedingDepth(lines: readonly string[], max: number): number {
  let opens = 0;
  for (const l of lines) opens += countOpenBrackets(l);
  if (opens <= max) return -1;
  let base = 0;
  for (let k = 0; k < lines.length; k++) {
    let over = false;
    const end = walk(lines[k], (_i, depth) => {
      if (base + depth >= max) over = true;
      return over;
    });
    if (over) return k;
    base += end;
  }
  return -1;
}

/** Net bracket depth change over a line (comments and literals ignored). */
export function depthDelta(text: string): number {
  // Fast path: most lines have no brackets or literals at all.
  if (!/[(){}[\]"']/.test(text)) return 0;
  // The loops here and below are `walk` written out: no callback on the parser's hottest paths.
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) {
      i = skipLiteral(text, i);
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) return depth;
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) depth--;
  }
  return depth;
}

/** Index of `needle` at depth 0, or -1. */
export function findTopLevel(text: string, needle: string, from = 0): number {
  const first = text.indexOf(needle, from);
  if (first < 0) return -1;
  // Fast path: nothing before the first occurrence can hide it.
  if (!/[(){}[\]"'/]/.test(text.slice(0, first))) return first;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) {
      i = skipLiteral(text, i);
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) return -1;
    if (c === 41 || c === 93 || c === 125) depth--;
    if (depth === 0 && i >= from && text.startsWith(needle, i)) return i;
    if (c === 40 || c === 91 || c === 123) depth++;
  }
  return -1;
}

/** Split at `sep` occurring at depth 0; parts are trimmed, empty trailing part dropped. */
export function splitTopLevel(text: string, sep: string): { text: string; offset: number }[] {
  if (!text.includes(sep) && !text.includes("//")) {
    const only = piece(text, 0, text.length);
    return only.text === "" ? [] : [only];
  }
  const parts: { text: string; offset: number }[] = [];
  let start = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) {
      i = skipLiteral(text, i);
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) break;
    if (c === 41 || c === 93 || c === 125) depth--;
    if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(piece(text, start, i));
      start = i + sep.length;
    }
    if (c === 40 || c === 91 || c === 123) depth++;
  }
  const commentAt = commentStart(text);
  const last = piece(text, start, commentAt < 0 ? text.length : commentAt);
  if (last.text !== "" || parts.length > 0) parts.push(last);
  if (parts.length > 0 && parts[parts.length - 1].text === "" && sep === ",") parts.pop();
  return parts;
}

function piece(text: string, start: number, end: number): { text: string; offset: number } {
  const raw = text.slice(start, end);
  const lead = raw.length - raw.trimStart().length;
  return { text: raw.trim(), offset: start + lead };
}

/** Index where a `//` comment starts outside literals, or -1. */
export function commentStart(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = skipLiteral(text, i);
      continue;
    }
    if (c === "/" && text[i + 1] === "/") return i;
  }
  return -1;
}

export function stripComment(text: string): string {
  const at = commentStart(text);
  return (at < 0 ? text : text.slice(0, at)).trimEnd();
}

/** Index of the bracket closing the one at `open`, or -1. */
export function matchingClose(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) {
      i = skipLiteral(text, i);
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) return -1;
    if (c === 40 || c === 91 || c === 123) depth++;
    else if ((c === 41 || c === 93 || c === 125) && --depth === 0 && i > open) return i;
  }
  return -1;
}

export function indentOf(line: string): number {
  let n = 0;
  for (const c of line) {
    if (c === " ") n++;
    else if (c === "\t") n += 4;
    else break;
  }
  return n;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
export function isIdent(text: string): boolean {
  return IDENT.test(text);
}

/** Whole-identifier occurrence of `name` in `text` outside string literals. */
export function mentionsIdent(text: string, name: string): boolean {
  if (!text.includes(name)) return false;
  let re = identPatterns.get(name);
  if (!re) {
    re = new RegExp(`(?<![A-Za-z0-9_.@])${name.replace(/[$]/g, "\\$")}(?![A-Za-z0-9_])`);
    identPatterns.set(name, re);
  }
  return re.test(stripStrings(text));
}

const identPatterns = new Map<string, RegExp>();

/** Replace the contents of string literals with spaces (keeps offsets). */
export function stripStrings(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = skipLiteral(text, i);
      out += `"${" ".repeat(Math.max(0, end - i - 1))}"`;
      i = end;
      continue;
    }
    out += c;
  }
  return out;
}
