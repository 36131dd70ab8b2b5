// Event declarations: `~[ann] pub event path { fields } [ann]` plus `| branch` lines.
import type { BranchDecl, EventDecl, Field, Payload, Span } from "./ast.js";
import { type Diagnostic, error } from "./diagnostics.js";
import type { Lines } from "./lines.js";
import { depthDelta, findTopLevel, isIdent, matchingClose, splitTopLevel, stripComment } from "./scan.js";

/** Parse an event whose header (after `event `) starts at `text`; consumes branch lines. */
export function parseEvent(
  lines: Lines,
  text: string,
  pub: boolean,
  annotations: string[],
  span: Span,
  doc: string | undefined,
  diags: Diagnostic[],
): EventDecl | undefined {
  let header = stripComment(text);
  // The input shape may span lines, and may even open on the following line.
  if (!header.includes("{") && lines.peekTrimmed()?.startsWith("{")) {
    header += ` ${stripComment(lines.next()!.text.trim())}`;
  }
  while (depthDelta(header) > 0 && lines.hasNext()) {
    header += `\n${stripComment(lines.next()!.text)}`;
  }
  const brace = findTopLevel(header, "{");
  if (brace < 0) {
    diags.push(error("PARSE003", "event declaration missing input shape", span));
    return undefined;
  }
  const name = header.slice(0, brace).trim();
  if (name === "") {
    diags.push(error("PARSE003", "event declaration missing name", span));
    return undefined;
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(name)) {
    diags.push(error("PARSE003", `invalid event name '${name}'`, span));
    return undefined;
  }
  const close = matchingClose(header, brace);
  if (close < 0) {
    diags.push(error("PARSE004", "unmatched '{' in event shape", span));
    return undefined;
  }
  const trailing = header.slice(close + 1).trim();
  const allAnnotations = [...annotations];
  if (trailing.startsWith("[") && trailing.endsWith("]"))
    allAnnotations.push(...splitAnnotations(trailing.slice(1, -1)));
  else if (trailing !== "") diags.push(error("PARSE003", `unexpected text after input shape: '${trailing}'`, span));

  const input = parseFields(header.slice(brace + 1, close), span, diags);
  const before = diags.length;
  const branches = parseBranchLines(lines, diags);
  if (diags.length === before && branches.length === 1 && branches[0].payload.kind === "none") {
    diags.push(
      error(
        "PARSE003",
        `single branch '${branches[0].name}' with no payload is redundant - remove it to make this a void event`,
        branches[0].span,
      ),
    );
  }
  return { kind: "event", path: name.split("."), pub, annotations: allAnnotations, input, branches, doc, span };
}

export function splitAnnotations(text: string): string[] {
  return splitTopLevel(text, "|")
    .map((p) => p.text)
    .filter((a) => a !== "");
}

/** `name: Type [= default]` entries separated by commas or newlines. */
export function parseFields(text: string, span: Span, diags: Diagnostic[]): Field[] {
  const fields: Field[] = [];
  const entries: { text: string }[] = [];
  for (const line of text.split("\n")) for (const e of splitTopLevel(stripComment(line), ",")) entries.push(e);
  for (const { text: entry } of entries) {
    if (entry === "") continue;
    const colon = findTopLevel(entry, ":");
    if (colon < 0) {
      diags.push(
        error("PARSE003", "field missing type annotation", span, { hint: `write it as 'name: Type' (got '${entry}')` }),
      );
      continue;
    }
    const name = entry.slice(0, colon).trim();
    if (!isIdent(name)) {
      const why = /^\d/.test(name) ? "field name cannot start with a digit" : `invalid field name '${name}'`;
      diags.push(error("PARSE003", why, span));
      continue;
    }
    let typeText = entry.slice(colon + 1).trim();
    let defaultValue: string | undefined;
    const eq = findTopLevel(typeText, "=");
    if (eq >= 0) {
      defaultValue = typeText.slice(eq + 1).trim();
      typeText = typeText.slice(0, eq).trim();
    }
    if (typeText === "string" || typeText === "String") {
      diags.push(error("PARSE003", `Unknown type '${typeText}'. In Zig/Koru, use '[]const u8' for strings`, span));
      continue;
    }
    const { type, phantom } = splitPhantom(typeText);
    fields.push({
      name,
      type,
      ...(phantom !== undefined ? { phantom } : {}),
      ...(defaultValue !== undefined ? { defaultValue } : {}),
      span,
    });
  }
  return fields;
}

/** `*File[opened!]` → type `*File`, phantom `opened!`; `[4]u8` stays an array. */
export function splitPhantom(typeText: string): { type: string; phantom?: string } {
  if (!typeText.endsWith("]")) return { type: typeText };
  const m = /^(.*\S)\[([^[\]]+)\]$/.exec(typeText);
  if (!m || /^\d+$/.test(m[2].trim())) return { type: typeText };
  return { type: m[1].trim(), phantom: m[2] };
}

function parseBranchLines(lines: Lines, diags: Diagnostic[]): BranchDecl[] {
  const branches: BranchDecl[] = [];
  while (lines.hasNext()) {
    const trimmed = lines.peekTrimmed()!;
    if (!trimmed.startsWith("|") || trimmed.startsWith("|>")) break;
    const line = lines.next()!;
    const span: Span = { file: lines.file, line: line.number, col: line.text.indexOf("|") + 1 };
    let body = stripComment(trimmed.slice(1)).trim();
    // Struct payloads may span lines.
    while (depthDelta(body) > 0 && lines.hasNext()) body += `\n${stripComment(lines.next()!.text)}`;
    let optional = false;
    if (body.startsWith("?")) {
      optional = true;
      body = body.slice(1).trim();
    }
    if (body.startsWith("&")) body = body.slice(1).trim();
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*([\s\S]*)$/.exec(body);
    if (!m) {
      const why =
        body === "" || body.startsWith("|")
          ? "branch missing name"
          : `invalid branch name '${body.split(/\s/)[0]}' - must be a valid identifier`;
      diags.push(error("PARSE003", why, span));
      continue;
    }
    if (depthDelta(body) > 0) {
      diags.push(
        error("PARSE004", "unmatched '{' in branch payload shape", { ...span, col: Math.max(1, body.indexOf("{")) }),
      );
      continue;
    }
    const name = m[1];
    const braceCol = body.indexOf("{") + 1;
    const payload = parsePayload(m[2].trim(), name, braceCol > 0 ? { ...span, col: braceCol } : span, diags);
    if (!payload) continue;
    if (branches.some((b) => b.name === name)) {
      diags.push(error("PARSE003", `duplicate branch name '${name}'`, span));
      continue;
    }
    branches.push({ name, optional, payload, span });
  }
  return branches;
}

function parsePayload(text: string, branch: string, span: Span, diags: Diagnostic[]): Payload | undefined {
  if (text === "") return { kind: "none" };
  if (text === "*") return { kind: "wildcard" };
  if (text.startsWith("{")) {
    const inner = text.slice(1, text.lastIndexOf("}")).trim();
    if (inner === "*") {
      diags.push(error("PARSE003", `wildcard payload must be written '| ${branch} *', not '{ * }'`, span));
      return undefined;
    }
    if (inner === "") {
      diags.push(
        error(
          "PARSE003",
          `empty braces in branch payload - remove braces for void branch or use identity syntax '| ${branch} Type'`,
          span,
        ),
      );
      return undefined;
    }
    const fields = parseFields(inner, span, diags);
    if (fields.length === 1) {
      diags.push(
        error(
          "PARSE003",
          `single field in braces - use identity syntax '| ${branch} ${fields[0].type}' instead of '| ${branch} { ${fields[0].name}: ${fields[0].type} }'`,
          span,
        ),
      );
      return undefined;
    }
    return { kind: "struct", fields };
  }
  const { type, phantom } = splitPhantom(text);
  return phantom !== undefined ? { kind: "identity", type, phantom } : { kind: "identity", type };
}
