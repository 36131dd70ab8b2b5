// Parse one .kz file into items. Lines starting with `~` are Koru; everything else is
// host Zig passed through. The parser never throws: problems become diagnostics.
import type { Item, Module, Mutable, Span } from "./ast.js";
import { type Diagnostic, error } from "./diagnostics.js";
import { Lines } from "./lines.js";
import { parseEvent, splitAnnotations } from "./parse-event.js";
import { FlowParser, parseRef } from "./parse-flow.js";
import {
  countOpenBrackets,
  depthDelta,
  findTopLevel,
  indentOf,
  lineExceedingDepth,
  matchingClose,
  stripComment,
} from "./scan.js";

/**
 * Deepest bracket nesting in Koru text (arguments, constructors, shapes). That text reaches
 * generated Zig, whose parser crashes (SIGSEGV) on some ten thousand nested parentheses.
 */
export const MAX_BRACKETS = 1000;

export interface ParseResult {
  module: Module;
  diagnostics: Diagnostic[];
}

/**
 * Give the item its span's end: the last line the parser consumed for it. The item is fresh
 * from the parser, so it is completed in place; its span gets a new object because sub-nodes
 * may share the start span.
 */
function withEnd(item: Item, lines: Lines): Item {
  const last = lines.peek(-1);
  const start = item.span;
  if (!last || last.number < start.line) return item;
  const span: Span = {
    file: start.file,
    line: start.line,
    col: start.col,
    endLine: last.number,
    endCol: last.text.length + 1,
  };
  (item as Mutable<Item>).span = span;
  return item;
}

/** Characters Zig refuses anywhere in a source file (controls other than tab, LF, CR). */
const NOT_TEXT = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/;

export function parseModule(source: string, file: string, moduleName: string): ParseResult {
  const diags: Diagnostic[] = [];
  const binary = notText(source, file);
  if (binary) return { module: { name: moduleName, file, items: [] }, diagnostics: [binary] };
  const lines = new Lines(file, source);
  const items: Item[] = [];
  const flows = new FlowParser(lines, diags);
  let doc: string[] = [];
  const host = new HostLines();
  while (lines.hasNext()) {
    const line = lines.next()!;
    const trimmed = line.text.trim();
    if (trimmed.startsWith("~")) {
      const span: Span = { file, line: line.number, col: 1 };
      host.afterKoru();
      const first = lines.position - 1;
      const item = parseItem(
        trimmed.slice(1),
        line.text,
        span,
        lines,
        flows,
        diags,
        doc.length ? doc.join("\n") : undefined,
      );
      if (item && !tooDeep(item, lines, first, diags)) items.push(withEnd(item, lines));
      doc = [];
      continue;
    }
    if (trimmed.startsWith("|")) {
      diags.push(
        error("KORU010", "stray continuation line without Koru construct", { file, line: line.number, col: 1 }),
      );
      continue;
    }
    if (host.stray(trimmed)) {
      const col = indentOf(line.text) + 1;
      const hint = "delete it, or join it to the line it belongs to";
      const at = { file, line: line.number, col };
      diags.push(error("PARSE001", `stray '${trimmed[0]}' outside any flow or declaration`, at, { hint }));
      continue;
    }
    if (trimmed.startsWith("//")) doc.push(trimmed.replace(/^\/\/\s?/, ""));
    else if (doc.length) doc = [];
    const n = line.number;
    items.push({
      kind: "host",
      text: line.text,
      span: { file, line: n, col: 1, endLine: n, endCol: line.text.length + 1 },
    });
  }
  return { module: { name: moduleName, file, items }, diagnostics: diags };
}

/** Bracket nesting beyond MAX_BRACKETS in an item's Koru text (proc bodies are Zig, left to Zig). */
function tooDeep(item: Item, lines: Lines, first: number, diags: Diagnostic[]): boolean {
  if (item.kind === "proc" || item.kind === "host") return false;
  // Fast path: an item with few brackets in all cannot nest them too deep.
  let opens = 0;
  const end = Math.min(lines.position, lines.all.length);
  for (let k = first; k < end && opens <= MAX_BRACKETS; k++) opens += countOpenBrackets(lines.all[k].text);
  if (opens <= MAX_BRACKETS) return false;
  const texts = lines.all.slice(first, lines.position).map((l) => l.text);
  const k = lineExceedingDepth(texts, MAX_BRACKETS);
  if (k < 0) return false;
  const at = { file: lines.file, line: lines.all[first + k].number, col: 1 };
  diags.push(
    error("KORU011", `brackets nested more than ${MAX_BRACKETS} levels deep`, at, {
      hint: "name the inner parts: bind them in a proc or a subflow",
    }),
  );
  return true;
}

/**
 * Host lines are Zig declarations; a line that can only be a leftover (a closing bracket
 * nothing opened, an `=` after a finished declaration or a flow) would otherwise surface
 * as a Zig error in generated code. Tracks host bracket depth to tell them apart.
 */
class HostLines {
  private depth = 0;
  private complete = true;

  afterKoru(): void {
    this.complete = true;
  }

  stray(trimmed: string): boolean {
    if (trimmed === "" || trimmed.startsWith("//")) return false;
    if (trimmed.startsWith("\\\\")) {
      // A line of a Zig multi-line string: any text.
      this.complete = false;
      return false;
    }
    if (this.depth === 0 && (/^[)\]}]/.test(trimmed) || (this.complete && /^=(?![=>])/.test(trimmed)))) return true;
    this.depth = Math.max(0, this.depth + depthDelta(trimmed));
    this.complete = this.depth === 0 && /[;}]$/.test(stripComment(trimmed));
    return false;
  }
}

/** A control character (a NUL byte, binary junk): one diagnostic at the first, nothing parsed. */
function notText(source: string, file: string): Diagnostic | undefined {
  const m = NOT_TEXT.exec(source);
  if (!m) return undefined;
  const before = source.slice(0, m.index);
  const line = before.split("\n").length;
  const col = m.index - before.lastIndexOf("\n");
  const code = m[0].charCodeAt(0).toString(16).padStart(2, "0");
  const hint = "Koru and Zig source may hold tabs, newlines and printable characters only";
  const message = `control character U+00${code.toUpperCase()} in source: this is not a text file`;
  return error("KORU003", message, { file, line, col }, { hint });
}

function parseItem(
  text: string,
  raw: string,
  span: Span,
  lines: Lines,
  flows: FlowParser,
  diags: Diagnostic[],
  doc: string | undefined,
): Item | undefined {
  let rest = text.trimStart();
  let annotations: string[] = [];
  if (rest.startsWith("[")) {
    if (rest.trim() === "[") {
      annotations = readVerticalAnnotations(lines);
      const closing = lines.next();
      rest = closing ? closing.text.trim().replace(/^\]/, "").trim() : "";
    } else {
      const close = matchingClose(rest, 0);
      if (close < 0) {
        diags.push(error("PARSE003", "unterminated annotation list: missing ']'", span));
        return undefined;
      }
      annotations = splitAnnotations(rest.slice(1, close));
      rest = rest.slice(close + 1).trim();
    }
    if (rest === "") return { kind: "module_annotation", annotations, span };
  }

  const word = /^(pub\s+~?)?(event|proc|import)\b\s*/.exec(rest);
  if (word) {
    const body = rest.slice(word[0].length);
    const pub = word[1] !== undefined;
    switch (word[2]) {
      case "event":
        if (annotations.includes("keyword") && !pub) {
          diags.push(
            error("PARSE003", "[keyword] annotation requires 'pub' - only public events can be keywords", span),
          );
        }
        return parseEvent(lines, body, pub, annotations, span, doc, diags);
      case "proc":
        if (pub) {
          diags.push(error("PARSE003", "'pub' is not valid on proc declarations - only events can be public", span));
          skipBraced(body, lines);
          return undefined;
        }
        return parseProc(body, span, annotations, lines, diags);
      case "import":
        return parseImport(body, span, annotations, diags);
    }
  }

  // `~name = ...` implements an event; anything else is a flow.
  const eq = findAssign(rest);
  if (eq >= 0 && !rest.startsWith("#")) {
    const targetText = rest.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.]*(:[A-Za-z_][A-Za-z0-9_.]*)?$/.test(targetText)) {
      diags.push(error("PARSE003", `invalid implementation target '${targetText}'`, span));
      return undefined;
    }
    let bodyText = rest.slice(eq + 1).trim();
    let bodySpan = span;
    if (bodyText === "" && (lines.peekTrimmed() ?? "") === "") {
      diags.push(error("PARSE003", "expected subflow body after '='", span));
      return undefined;
    }
    if (bodyText === "") {
      const next = lines.peek();
      if (next?.text.trim().startsWith("|")) {
        // Continuation-only body: the head defaults to the event itself.
        bodyText = `${targetText}()`;
      } else if (next && next.text.trim() !== "") {
        lines.next();
        bodyText = next.text.trim();
        bodySpan = { ...span, line: next.number };
      }
    }
    if (bodyText.startsWith(".{")) {
      diags.push(
        error(
          "PARSE003",
          "Zig-style struct syntax '.{' is not valid Koru — use 'branch_name { field: value }' instead",
          bodySpan,
        ),
      );
      return undefined;
    }
    const full = flows.completeText(bodyText);
    const body = flows.parseChain(full, bodySpan, "body", indentOf(raw) - 1);
    return { kind: "subflow", target: parseRef(targetText, span), annotations, body, span };
  }
  if (rest === "") {
    diags.push(error("PARSE001", "invalid flow invocation: nothing after '~'", span));
    return undefined;
  }
  // A top-level invocation cannot span lines (upstream), but a Source block can.
  const full = flows.completeText(rest, true);
  if (/^[A-Za-z_*][A-Za-z0-9_.:*]*\s*->/.test(full)) {
    // Old tap syntax `~foo -> *`; its continuation lines belong to it.
    diags.push(error("PARSE001", "invalid flow invocation", { ...span, col: 0 }));
    while (lines.peekTrimmed()?.startsWith("|")) lines.next();
    return undefined;
  }
  const body = flows.parseChain(full, span, "head", indentOf(raw) - 1);
  if (body.steps.length === 0) return undefined;
  return { kind: "flow", annotations, body, span };
}

/** Index of a top-level `=` that is an assignment (not `==`, `=>`, `<=`, ...), before any `(`. */
function findAssign(text: string): number {
  const paren = findTopLevel(text, "(");
  let from = 0;
  for (;;) {
    const i = findTopLevel(text, "=", from);
    if (i < 0 || (paren >= 0 && i > paren)) return -1;
    const prev = text[i - 1];
    const next = text[i + 1];
    if (next !== "=" && next !== ">" && !"=<>!".includes(prev ?? "")) return i;
    from = i + 2;
  }
}

function readVerticalAnnotations(lines: Lines): string[] {
  const annotations: string[] = [];
  while (lines.hasNext() && !lines.peekTrimmed()!.startsWith("]")) {
    const t = lines.next()!.text.trim();
    const m = /^[-*+]\s+(.+)$/.exec(t);
    if (m) annotations.push(m[1].trim());
  }
  return annotations;
}

function parseProc(
  body: string,
  span: Span,
  annotations: string[],
  lines: Lines,
  diags: Diagnostic[],
): Item | undefined {
  const brace = body.indexOf("{");
  const header = (brace < 0 ? body : body.slice(0, brace)).trim();
  if (brace < 0 || header.includes("=")) {
    diags.push(error("PARSE003", "proc declarations must use braces for host language code", span));
    return undefined;
  }
  const m = /^([A-Za-z_][A-Za-z0-9_.]*(?::[A-Za-z_][A-Za-z0-9_.]*)?)(?:\|(.+))?$/.exec(header);
  if (!m) {
    diags.push(error("PARSE003", `invalid proc header '${header}'`, span));
    return undefined;
  }
  const afterBrace = body.slice(brace + 1);
  let depth = 1 + depthDelta(afterBrace);
  let text: string;
  let bodyLine: number;
  if (depth <= 0) {
    // One-line proc: `~proc f { return .{ .ok = 1 }; }`.
    text = afterBrace.slice(0, afterBrace.lastIndexOf("}"));
    bodyLine = span.line;
  } else {
    const collected: string[] = [];
    if (afterBrace.trim() !== "") collected.push(afterBrace);
    bodyLine = afterBrace.trim() !== "" ? span.line : span.line + 1;
    let closed = false;
    while (lines.hasNext()) {
      const line = lines.next()!;
      depth += depthDelta(line.text);
      if (depth <= 0) {
        const last = line.text.lastIndexOf("}");
        const before = line.text.slice(0, last);
        if (before.trim() !== "") collected.push(before);
        closed = true;
        break;
      }
      collected.push(line.text);
    }
    if (!closed) {
      diags.push(error("PARSE003", `unterminated proc body for '${m[1]}': missing '}'`, span));
      return undefined;
    }
    text = collected.join("\n");
  }
  return {
    kind: "proc",
    target: parseRef(m[1], span),
    ...(m[2] !== undefined ? { variant: m[2] } : {}),
    annotations,
    body: text,
    bodyLine,
    span,
  };
}

function skipBraced(body: string, lines: Lines): void {
  let depth = depthDelta(body);
  while (depth > 0 && lines.hasNext()) depth += depthDelta(lines.next()!.text);
}

function parseImport(body: string, span: Span, annotations: string[], diags: Diagnostic[]): Item | undefined {
  const m = /^"([^"]*)"\s*(\/\/.*)?$/.exec(body.trim());
  const path = m ? m[1] : body.trim();
  if (path.includes("../")) {
    diags.push(error("PARSE003", "import paths cannot contain '../' - use path aliases in koru.json instead", span));
    return undefined;
  }
  if (!path.startsWith("$")) {
    diags.push(
      error(
        "PARSE003",
        "import paths must start with $ alias (e.g., '$std/io', '$src/helper') - define aliases in koru.json",
        span,
      ),
    );
    return undefined;
  }
  if (!m) {
    diags.push(error("PARSE003", 'import path must be a quoted string, e.g. ~import "$std/io"', span));
    return undefined;
  }
  return { kind: "import", path, annotations, span };
}
