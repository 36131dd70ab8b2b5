// Flows: a chain of steps (`a() |> b()`) and the continuations that handle the
// branches of its last step, nested by indentation.
import type {
  Arg,
  Chain,
  Constructor,
  ConstructorValue,
  Continuation,
  EventRef,
  Invocation,
  Mutable,
  Span,
  Step,
} from "./ast.js";
import { type Diagnostic, error } from "./diagnostics.js";
import type { Lines } from "./lines.js";
import {
  commentStart,
  depthDelta,
  findTopLevel,
  indentOf,
  isIdent,
  matchingClose,
  splitTopLevel,
  stripComment,
} from "./scan.js";

/** Where a step appears: heads of top-level flows read `name` and `name {…}` as invocations. */
export type StepContext = "head" | "body";

const PATH = String.raw`[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*`;
const REF_RE = new RegExp(String.raw`^(${PATH}(?::${PATH})?)(?:\|([A-Za-z0-9_]+(?:\([^)]*\))?))?`);

/**
 * Deepest nesting of continuations a flow may have. Every later stage (checks, passes,
 * emitter, AST JSON) walks continuations recursively; the limit keeps them all far from
 * the JavaScript stack's end, whatever the input. Real programs nest a handful of levels.
 */
export const MAX_NESTING = 200;

export class FlowParser {
  private nesting = 0;

  constructor(
    private readonly lines: Lines,
    private readonly diags: Diagnostic[],
  ) {}

  private get file(): string {
    return this.lines.file;
  }

  /**
   * Parse a chain whose step text is `text` (from line `span.line`), then the
   * continuation lines that follow. `indent` is the indentation of the line holding
   * the chain; continuations must be indented at least as far for a top-level flow
   * (`parentIndent` = -1) or deeper than `parentIndent` when nested.
   */
  parseChain(text: string, span: Span, context: StepContext, parentIndent: number): Chain {
    const steps = this.parseSteps(text, span, context);
    const continuations = this.parseContinuations(parentIndent);
    return { steps, continuations, span };
  }

  /** Read extra lines while brackets are open (multi-line args, Source blocks, braced constructors). */
  completeText(text: string, onlyBlocks = false): string {
    let full = text;
    if (onlyBlocks && !/\{\s*(\/\/.*)?$/.test(full)) return full;
    // Depth is summed line by line: a `//` comment ends its own line, not the rest of the block.
    let depth = full.includes("\n") ? full.split("\n").reduce((d, l) => d + depthDelta(l), 0) : depthDelta(full);
    while (depth > 0 && this.lines.hasNext()) {
      const next = this.lines.next()!.text;
      full += `\n${next}`;
      depth += depthDelta(next);
    }
    return full;
  }

  parseContinuations(parentIndent: number): Continuation[] {
    if (this.nesting >= MAX_NESTING) {
      this.skipTooDeep(parentIndent);
      return [];
    }
    this.nesting++;
    try {
      return this.continuationsAt(parentIndent);
    } finally {
      this.nesting--;
    }
  }

  /** Report nesting beyond MAX_NESTING once, at its first line, and skip the lines below it. */
  private skipTooDeep(parentIndent: number): void {
    const first = this.lines.peek();
    if (!first?.text.trim().startsWith("|") || indentOf(first.text) <= parentIndent) return;
    const at = this.at(first.number, indentOf(first.text) + 1);
    const hint = "split the flow: move the inner part into a subflow (~name = ...) and call it";
    this.diags.push(error("KORU011", `continuations nested more than ${MAX_NESTING} levels deep`, at, { hint }));
    while (this.lines.hasNext()) {
      const line = this.lines.peek()!;
      const trimmed = line.text.trim();
      if (trimmed !== "" && indentOf(line.text) <= parentIndent) break;
      if (trimmed === "" && !this.lines.peekTrimmed(1)?.startsWith("|")) break;
      this.lines.next();
    }
  }

  private continuationsAt(parentIndent: number): Continuation[] {
    const conts: Continuation[] = [];
    let level: number | undefined;
    while (this.lines.hasNext()) {
      const line = this.lines.peek()!;
      const trimmed = line.text.trim();
      if (trimmed.startsWith("//")) {
        if (this.commentInsideChain(parentIndent)) {
          this.diags.push(
            error("KORU010", "comment line inside a flow chain", this.at(line.number, 0), {
              hint: "move the comment above the flow or after its last continuation",
            }),
          );
          this.lines.next();
          continue;
        }
        return conts;
      }
      if (!trimmed.startsWith("|")) return conts;
      const ind = indentOf(line.text);
      if (ind <= parentIndent) return conts;
      if (trimmed.startsWith("|>")) {
        this.lines.next();
        this.diags.push(
          error("KORU010", "'|>' cannot start a line", this.at(line.number, 0), {
            span: 2,
            hint: "'|>' is inline glue only — it joins a body to its branch handler, or chains void events on one line. Three legal layouts: (1) fold inline `~A() |> B()`; (2) split into separate top-level statements `~A()` then `~B()`; (3) delete the redundant `|> _` if the head suffices.",
          }),
        );
        continue;
      }
      if (level === undefined) level = ind;
      if (ind > level && conts.length > 0) {
        const last = conts[conts.length - 1];
        (last.body.continuations as Continuation[]).push(...this.parseContinuations(level));
        continue;
      }
      this.lines.next();
      const cont = this.parseContinuationLine(line.text, line.number, ind);
      if (cont) conts.push(cont);
    }
    return conts;
  }

  /** A comment line is an error only when the chain goes on after it. */
  private commentInsideChain(parentIndent: number): boolean {
    for (let k = 1; ; k++) {
      const next = this.lines.peek(k);
      if (!next) return false;
      const t = next.text.trim();
      if (t.startsWith("//")) continue;
      return t.startsWith("|") && indentOf(next.text) > parentIndent;
    }
  }

  private parseContinuationLine(raw: string, lineNo: number, indent: number): Continuation | undefined {
    const bar = raw.indexOf("|");
    let text = this.completeText(raw.slice(bar + 1));
    const span = this.at(lineNo, 0);
    let catchAll = false;
    if (text.startsWith("?")) {
      catchAll = true;
      text = text.slice(1);
    }
    const arrow = findTopLevel(text, "|>");
    const headText = stripComment(arrow < 0 ? text : text.slice(0, arrow)).trim();
    let bodyText = arrow < 0 ? "" : text.slice(arrow + 2);
    const head = this.parseContinuationHead(headText, span, catchAll);
    if (!head) return undefined;
    let bodyLine = lineNo;
    if (arrow >= 0 && stripComment(bodyText).trim() === "") {
      // `| ok x |>` with the body on the next, deeper line.
      while (this.lines.peekTrimmed()?.startsWith("//")) this.lines.next();
      const next = this.lines.peek();
      if (next && indentOf(next.text) > indent && next.text.trim() !== "") {
        this.lines.next();
        bodyLine = next.number;
        bodyText = this.completeText(next.text);
      }
    }
    const bodySpan = this.at(bodyLine, 0);
    const steps = arrow < 0 ? [] : this.parseSteps(bodyText, bodySpan, "body");
    if (
      arrow < 0 &&
      !(this.lines.peek() && indentOf(this.lines.peek()!.text) > indent && this.lines.peekTrimmed()!.startsWith("|"))
    ) {
      this.diags.push(error("PARSE001", `continuation '| ${headText}' has no body: add '|> step' (or '|> _')`, span));
    }
    const cont: Mutable<Continuation> = { branch: head.branch, catchAll: head.catchAll } as Mutable<Continuation>;
    if (head.binding !== undefined) cont.binding = head.binding;
    cont.bindingAnnotations = head.bindingAnnotations;
    if (head.when !== undefined) cont.when = head.when;
    cont.body = { steps, continuations: [], span: bodySpan };
    cont.span = span;
    return cont;
  }

  private parseContinuationHead(
    text: string,
    span: Span,
    catchAll: boolean,
  ): Omit<Continuation, "body" | "span"> | undefined {
    let rest = text;
    let when: string | undefined;
    if (rest.startsWith("[")) {
      // A route pattern (`| [GET /users/:id] p |>`, `| [*] |>`) names the branch.
      const close = rest.indexOf("]");
      const binding = close < 0 ? undefined : rest.slice(close + 1).trim();
      if (close < 0 || (binding !== "" && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(binding!))) {
        this.diags.push(error("PARSE001", `invalid route continuation '| ${text}'`, span));
        return undefined;
      }
      const branch = `[${rest.slice(1, close).trim().replace(/\s+/g, " ")}]`;
      return { branch, catchAll, ...(binding ? { binding } : {}), bindingAnnotations: [] };
    }
    const whenAt = /(^|\s)when\s/.exec(rest);
    if (whenAt) {
      when = rest.slice(whenAt.index + whenAt[0].length).trim();
      rest = rest.slice(0, whenAt.index).trim();
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)?\s*(?:([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]*)\])?)?$/.exec(rest);
    if (!m || (!m[1] && !catchAll)) {
      this.diags.push(error("PARSE001", `invalid continuation '| ${text}'`, span));
      return undefined;
    }
    const branch = m[1] ?? "";
    const binding = m[2];
    const bindingAnnotations = m[3] ? m[3].split("|").map((s) => s.trim()) : [];
    // `|? Profile p` binds a metatype; plain `|?` handles every unhandled optional branch.
    return {
      branch,
      catchAll,
      ...(binding !== undefined ? { binding } : {}),
      bindingAnnotations,
      ...(when !== undefined ? { when } : {}),
    };
  }

  parseSteps(text: string, span: Span, context: StepContext): Step[] {
    const steps: Step[] = [];
    const cut = stripTrailingComment(text);
    const inlineBar = findInlineContinuation(cut);
    let stepsText = cut;
    if (inlineBar >= 0) {
      this.diags.push(
        error("PARSE001", "Branch continuation '|' must start on a new line with proper indentation", {
          file: this.file,
          line: span.line,
          col: inlineBar,
        }),
      );
      stepsText = cut.slice(0, inlineBar);
    }
    for (const part of splitTopLevel(stepsText, "|>")) {
      if (part.text === "") {
        this.diags.push(error("PARSE001", "empty step in chain", span));
        continue;
      }
      const step = this.parseStep(part.text, span, steps.length === 0 ? context : "body");
      if (step) steps.push(step);
    }
    return steps;
  }

  parseStep(text: string, span: Span, context: StepContext): Step | undefined {
    if (text.startsWith("~")) {
      this.diags.push(
        error(
          "PARSE001",
          "Nested flows (~) are not allowed inside continuations. Use a bare event call instead: remove the ~ prefix.",
          span,
        ),
      );
      return undefined;
    }
    if (text === "_") return { kind: "discard", span };
    if (text.startsWith("@")) {
      const m = /^@([A-Za-z_][A-Za-z0-9_]*)\s*(\(([\s\S]*)\))?\s*$/.exec(text);
      if (!m) {
        this.diags.push(error("PARSE001", `invalid label jump '${text}'`, span));
        return undefined;
      }
      return { kind: "jump", label: m[1], args: m[3] !== undefined ? this.parseArgs(m[3], span) : [], span };
    }
    if (text.startsWith("#")) {
      const m = /^#([A-Za-z_][A-Za-z0-9_]*)\s+([\s\S]+)$/.exec(text);
      const inv = m ? this.parseInvocation(m[2], span, "head") : undefined;
      if (!m || !inv) {
        this.diags.push(error("PARSE001", `invalid label anchor '${text}': expected '#label event(args)'`, span));
        return undefined;
      }
      return { ...inv, label: m[1] };
    }
    const inv = this.parseInvocation(text, span, context);
    if (inv) return inv;
    return this.parseConstructor(text, span);
  }

  /** An invocation, or undefined when the text reads as a branch constructor. */
  private parseInvocation(text: string, span: Span, context: StepContext): Invocation | undefined {
    const m = REF_RE.exec(text);
    if (!m) return undefined;
    const refText = m[1];
    const variant = m[2];
    let rest = text.slice(m[0].length);
    const afterPath = rest.trimStart();
    const qualified = refText.includes(":");
    let args: Arg[] = [];
    if (afterPath.startsWith("(")) {
      const open = text.length - afterPath.length;
      const close = matchingClose(text, open);
      if (close < 0) {
        this.diags.push(error("PARSE001", `unbalanced parentheses in '${text.split("\n")[0]}'`, span));
        return undefined;
      }
      args = this.parseArgs(text.slice(open + 1, close), span);
      if (args.some((a) => a.value.startsWith(".{"))) {
        this.diags.push(
          error(
            "PARSE003",
            "Zig-style struct syntax '.{' is not valid in Koru parameter values — pass fields as named parameters instead",
            {
              ...span,
              col: 1,
            },
          ),
        );
      }
      rest = text.slice(close + 1);
    } else if (
      !qualified &&
      !(context === "head" && (afterPath === "" || afterPath.startsWith("{") || afterPath.startsWith("[")))
    ) {
      return undefined;
    } else {
      rest = afterPath;
    }
    const inv: Mutable<Invocation> = { kind: "invoke", target: parseRef(refText, span), args, span };
    if (variant) inv.variant = variant;
    const tail = rest.trim();
    if (tail !== "") {
      const block = /^(?:\[[A-Za-z0-9_]+\])?\s*\{([\s\S]*)\}$/.exec(tail);
      if (!block) {
        this.diags.push(error("PARSE001", `unexpected text after invocation: '${tail.split("\n")[0]}'`, span));
        return inv;
      }
      inv.source = dedent(block[1]);
    }
    return inv;
  }

  private parseConstructor(text: string, span: Span): Constructor | undefined {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*([\s\S]*)$/.exec(text);
    if (!m) {
      this.diags.push(error("PARSE001", `invalid step '${text.split("\n")[0]}'`, span));
      return undefined;
    }
    const branch = m[1];
    const rest = m[2].trim();
    let value: ConstructorValue;
    if (rest === "") value = { kind: "none" };
    else if (rest.startsWith("{") && matchingClose(rest, 0) === rest.length - 1)
      value = this.parseBraced(rest.slice(1, -1), span);
    else value = { kind: "expr", expr: rest };
    this.checkPure(branch, value, span);
    return { kind: "construct", branch, value, span };
  }

  private parseBraced(inner: string, span: Span): ConstructorValue {
    const entries = splitTopLevel(inner.replace(/\n/g, " "), ",").filter((e) => e.text !== "");
    if (entries.length === 0) return { kind: "none" };
    const fields: { name: string; value: string; span: Span }[] = [];
    for (const e of entries) {
      const colon = findTopLevel(e.text, ":");
      // Keys are field names; `captured` also takes lvalue paths (`acc.count`, `arr[i]`).
      if (colon > 0 && /^[A-Za-z_][A-Za-z0-9_.]*(\[[^\]]*\])?$/.test(e.text.slice(0, colon).trim())) {
        fields.push({ name: e.text.slice(0, colon).trim(), value: e.text.slice(colon + 1).trim(), span });
      } else if (/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(e.text)) {
        // Field punning: `{ p.x }` means `{ x: p.x }`.
        fields.push({ name: e.text.split(".").pop()!, value: e.text, span });
      } else if (entries.length === 1) {
        return { kind: "expr", expr: e.text };
      } else {
        this.diags.push(error("PARSE003", `invalid field '${e.text}' in branch constructor`, span));
      }
    }
    return { kind: "fields", fields };
  }

  private checkPure(branch: string, value: ConstructorValue, span: Span): void {
    const items =
      value.kind === "fields"
        ? value.fields.map((f) => ({ name: f.name, text: f.value }))
        : value.kind === "expr"
          ? [{ name: branch, text: value.expr }]
          : [];
    for (const item of items) {
      if (containsCall(item.text)) {
        this.diags.push(
          error(
            "PARSE003",
            `branch constructor field '${item.name}' contains a function call — branch constructors must be pure. Use event chaining instead.`,
            span,
          ),
        );
      }
    }
  }

  parseArgs(text: string, span: Span): Arg[] {
    const args: Arg[] = [];
    for (const part of splitTopLevel(text.replace(/\n\s*/g, " "), ",")) {
      if (part.text === "") continue;
      const colon = findTopLevel(part.text, ":");
      const name = colon > 0 ? part.text.slice(0, colon).trim() : "";
      if (colon > 0 && isIdent(name) && part.text[colon + 1] !== ":") {
        args.push({ name, value: part.text.slice(colon + 1).trim(), span });
      } else {
        args.push({ value: part.text, span });
      }
    }
    return args;
  }

  private at(line: number, col: number): Span {
    return { file: this.file, line, col };
  }
}

export function parseRef(text: string, span: Span): EventRef {
  const colon = text.indexOf(":");
  if (colon < 0) return { path: text.split("."), span };
  return { module: text.slice(0, colon), path: text.slice(colon + 1).split("."), span };
}

const ZIG_SYNTAX = new Set(["if", "while", "switch", "for", "and", "or", "catch", "orelse", "return", "try", "else"]);

/** A call `name(` that is not a `@builtin(` in a constructor value. */
function containsCall(text: string): boolean {
  const stripped = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const m of stripped.matchAll(/(?<![@A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_.]*)\s*\(/g)) {
    if (!ZIG_SYNTAX.has(m[1])) return true;
  }
  return false;
}

/** Column (0-based) of a `| branch` handler written on the same line as a step. */
function findInlineContinuation(text: string): number {
  let found = -1;
  const idx = (() => {
    let i = -1;
    let from = 0;
    while ((i = findTopLevel(text, "|", from)) >= 0) {
      const next = text[i + 1];
      const prev = text[i - 1];
      if (next !== ">" && next !== "|" && prev !== "|" && /\s/.test(prev ?? " ")) return i;
      from = i + 2;
    }
    return -1;
  })();
  found = idx;
  return found;
}

function stripTrailingComment(text: string): string {
  if (!text.includes("//")) return text.trim();
  const lines = text.split("\n");
  return lines
    .map((l) => {
      const at = commentStart(l);
      return at < 0 ? l : l.slice(0, at);
    })
    .join("\n")
    .trim();
}

function dedent(block: string): string {
  const lines = block
    .replace(/^\s*\n/, "")
    .replace(/\n\s*$/, "")
    .split("\n");
  const indents = lines.filter((l) => l.trim() !== "").map(indentOf);
  const min = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(Math.min(min, indentOf(l)))).join("\n");
}
