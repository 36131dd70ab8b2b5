// Reading one command line: never throws, always one answer, and an answer that says what
// was wrong (malformed JSON, unknown command, which field is missing or mistyped) and echoes
// the command's `id` whenever one could be read, even from broken JSON.
import type * as z from "zod";
import { COMMAND_NAMES, type Command, commandSchema } from "./commands.js";
import type { Id } from "./fields.js";
import { unknownFields } from "./unknown-fields.js";

export type CommandErrorCode = "bad_json" | "not_object" | "missing_cmd" | "unknown_command" | "invalid_field";

export interface CommandError {
  code: CommandErrorCode;
  message: string;
  /** The command's id when it could be read. */
  id?: Id;
  /** Path of the first offending field (`flags[1]`), for `invalid_field` and `missing_cmd`. */
  field?: string;
}

export type ParseCommandResult =
  | {
      ok: true;
      command: Command;
      /** Paths of fields the command does not define; they were ignored. */
      ignored: string[];
    }
  | { ok: false; error: CommandError };

export function parseCommand(line: string): ParseCommandResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return fail({ code: "bad_json", message: `malformed JSON: ${detail}` }, recoverId(line));
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail({ code: "not_object", message: `a command must be a JSON object, got ${typeName(value)}` });
  }
  const obj = value as Record<string, unknown>;

  let id: Id | undefined;
  if (Object.hasOwn(obj, "id")) {
    const raw = obj["id"];
    if (typeof raw === "string" || (typeof raw === "number" && Number.isFinite(raw))) id = raw;
    else {
      return fail({
        code: "invalid_field",
        field: "id",
        message: `field "id" must be a string or a number, got ${typeName(raw)}`,
      });
    }
  }

  if (!Object.hasOwn(obj, "cmd")) {
    const hint = Object.hasOwn(obj, "type") ? ' (this looks like a message: messages have "type", commands "cmd")' : "";
    return fail({ code: "missing_cmd", field: "cmd", message: `missing field "cmd"${hint}` }, id);
  }
  const cmd = obj["cmd"];
  if (typeof cmd !== "string") {
    return fail(
      { code: "invalid_field", field: "cmd", message: `field "cmd" must be a string, got ${typeName(cmd)}` },
      id,
    );
  }
  const schema = commandSchema(cmd);
  if (!schema) {
    const near = closest(cmd, COMMAND_NAMES);
    const suggestion = near ? ` (did you mean "${near}"?)` : "";
    return fail(
      {
        code: "unknown_command",
        message: `unknown command ${JSON.stringify(cmd)}${suggestion}; known commands: ${COMMAND_NAMES.join(", ")}`,
      },
      id,
    );
  }

  const parsed = schema.safeParse(obj);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const first = issues[0]!;
    const text = issues
      .slice(0, 3)
      .map((i) => describeIssue(i, obj))
      .join("; ");
    const more = issues.length > 3 ? `; and ${issues.length - 3} more` : "";
    return fail({ code: "invalid_field", field: formatPath(first.path), message: `${cmd}: ${text}${more}` }, id);
  }
  return { ok: true, command: parsed.data as Command, ignored: unknownFields(obj, parsed.data) };
}

function fail(error: CommandError, id?: Id): ParseCommandResult {
  return { ok: false, error: id === undefined ? error : { ...error, id } };
}

// ── describing what is wrong ─────────────────────────────────────────────────────────────

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = formatPath(issue.path);
  const at = valueAt(input, issue.path);
  const field = path === "" ? "the command" : `field ${JSON.stringify(path)}`;
  switch (issue.code) {
    case "invalid_type":
      if (at.missing) return `missing required field ${JSON.stringify(path)}`;
      return `${field} must be ${article(expectedName(issue.expected))}, got ${typeName(at.value)}`;
    case "invalid_union": {
      if (at.missing) return `missing required field ${JSON.stringify(path)}`;
      const expected = new Set<string>();
      for (const branch of issue.errors) {
        for (const sub of branch) if (sub.code === "invalid_type") expected.add(article(expectedName(sub.expected)));
      }
      if (expected.size === 0) return `${field} is invalid`;
      return `${field} must be ${[...expected].join(" or ")}, got ${typeName(at.value)}`;
    }
    case "invalid_value":
      return `${field} must be ${issue.values.length === 1 ? "" : "one of "}${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${preview(at.value)}`;
    case "too_small":
      if (issue.origin === "string" && Number(issue.minimum) === 1) return `${field} must not be empty`;
      if (issue.origin === "array") return `${field} must have at least ${issue.minimum} item(s)`;
      return `${field} must be ${issue.inclusive ? ">=" : ">"} ${issue.minimum}, got ${preview(at.value)}`;
    case "too_big":
      if (issue.origin === "array") return `${field} must have at most ${issue.maximum} item(s)`;
      if (issue.origin === "string") return `${field} must be at most ${issue.maximum} characters long`;
      return `${field} must be ${issue.inclusive ? "<=" : "<"} ${issue.maximum}, got ${preview(at.value)}`;
    default:
      return `${field}: ${issue.message}`;
  }
}

function expectedName(expected: string): string {
  return expected === "int" ? "integer" : expected;
}

function article(noun: string): string {
  if (noun === "null" || noun === "undefined") return noun;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number" && !Number.isFinite(v)) return "a non-finite number";
  return typeof v;
}

function preview(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "number" || typeof v === "boolean" || v === null) return String(v);
  return typeName(v);
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): { missing: boolean; value: unknown } {
  let cur: unknown = input;
  for (const key of path) {
    if (typeof cur !== "object" || cur === null || !Object.hasOwn(cur, key)) return { missing: true, value: undefined };
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return { missing: cur === undefined, value: cur };
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

// ── recovering the id from broken JSON ───────────────────────────────────────────────────

/**
 * Find a top-level `"id": <string|number>` in text that is not valid JSON, scanning
 * tokens and tracking nesting so that an `"id"` inside a nested object is not taken.
 */
export function recoverId(text: string): Id | undefined {
  const at = idValueStart(text);
  return at === undefined ? undefined : readIdValue(text, at);
}

/**
 * The raw JSON text of a top-level numeric `id` (`18446744073709551617`), so it can be echoed
 * exactly: a JS number keeps only 53 bits, and two large ids would otherwise be echoed alike.
 */
export function rawNumericId(text: string, field = "id"): string | undefined {
  const at = idValueStart(text, field);
  if (at === undefined) return undefined;
  return /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at, at + 400))?.[0];
}

/** Index of the value of a top-level `"id":` (or `field`) key, scanning tokens and tracking nesting. */
function idValueStart(text: string, field = "id"): number | undefined {
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (ch === '"') {
      const end = stringEnd(text, i);
      if (end < 0) return undefined;
      if (depth === 1) {
        const j = skipSpace(text, end);
        if (text[j] === ":") {
          let key: unknown;
          try {
            key = JSON.parse(text.slice(i, end));
          } catch {
            key = undefined;
          }
          if (key === field) return skipSpace(text, j + 1);
        }
      }
      i = end;
    } else if (ch === "{" || ch === "[") {
      depth++;
      i++;
    } else if (ch === "}" || ch === "]") {
      depth--;
      i++;
    } else i++;
  }
  return undefined;
}

/** Index just past the closing quote of the string starting at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\") i++;
    else if (ch === '"') return i + 1;
  }
  return -1;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\r" || text[i] === "\n")) i++;
  return i;
}

function readIdValue(text: string, i: number): Id | undefined {
  if (text[i] === '"') {
    const end = stringEnd(text, i);
    if (end < 0) return undefined;
    try {
      const v: unknown = JSON.parse(text.slice(i, end));
      return typeof v === "string" ? v : undefined;
    } catch {
      return undefined;
    }
  }
  const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
  if (!m) return undefined;
  // A number cut off by the end of the line may be incomplete: only take it when delimited.
  const after = text[i + m[0].length];
  if (after === undefined) return undefined;
  if (!/[\s,}\]]/.test(after)) return undefined;
  const v = Number(m[0]);
  return Number.isFinite(v) ? v : undefined;
}
