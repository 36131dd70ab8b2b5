// AST -> Koru source. Koru items are printed in one canonical layout; host lines (Zig,
// blank lines, comment lines) and proc bodies are printed exactly as written. Each printed
// line can report the source lines it stands for, so trailing comments can be put back.
import type {
  Arg,
  BranchDecl,
  Chain,
  Constructor,
  Continuation,
  EventDecl,
  EventRef,
  Field,
  Item,
  Module,
  Payload,
  Step,
} from "../../compiler/ast.js";

/** Receives printed lines; `from`/`also` are the source lines (1-based) a line stands for. */
export interface LineSink {
  /** `sealed`: a trailing `//` comment may not be appended (the line opens or is inside a block). */
  line(text: string, sealed: boolean, from?: number, also?: number): void;
}

/** One printed line and the source lines it was printed from. */
export interface PrintedLine {
  text: string;
  from: number[];
  sealed: boolean;
}

const INDENT = "    ";

/** Collects plain text: the fast path when there are no comments to place. */
class TextSink implements LineSink {
  parts: string[] = [];
  line(text: string): void {
    this.parts.push(text);
  }
}

class LineListSink implements LineSink {
  lines: PrintedLine[] = [];
  line(text: string, sealed: boolean, from?: number, also?: number): void {
    const lines = from === undefined ? [] : also === undefined || also === from ? [from] : [from, also];
    this.lines.push({ text, from: lines, sealed });
  }
}

export function printModule(module: Module): string {
  return printItemsText(module.items);
}

export function printItemsText(items: readonly Item[]): string {
  const sink = new TextSink();
  for (const item of items) emitItem(item, sink);
  return sink.parts.join("\n");
}

/** The lines of one item with their source lines (for comment placement). */
export function printItem(item: Item): PrintedLine[] {
  const sink = new LineListSink();
  emitItem(item, sink);
  return sink.lines;
}

export function emitItem(item: Item, out: LineSink): void {
  const line = item.span.line;
  switch (item.kind) {
    case "host":
      return out.line(item.text, true, line);
    case "import":
      // Conditional imports are written `~[flag]import "..."` in this project's docs.
      return out.line(`~${annotationPrefix(item.annotations).trimEnd()}import "${item.path}"`, false, line);
    case "module_annotation":
      return out.line(`~[${item.annotations.join("|")}]`, true, line);
    case "event":
      return emitEvent(item, out);
    case "proc": {
      const variant = item.variant !== undefined ? `|${item.variant}` : "";
      const head = `~${annotationPrefix(item.annotations)}proc ${refText(item.target)}${variant} {`;
      // A one-line body written on the header line stays there.
      if (item.bodyLine === line && !item.body.includes("\n") && !item.body.includes("//")) {
        return out.line(`${head}${item.body}}`, true, line);
      }
      out.line(head, true, line);
      for (const text of item.body.split("\n")) out.line(text, true);
      return out.line("}", true);
    }
    case "subflow":
      return emitChain(`~${annotationPrefix(item.annotations)}${refText(item.target)} = `, item.body, out, line);
    case "flow":
      return emitChain(`~${annotationPrefix(item.annotations)}`, item.body, out, line);
  }
}

/** `[a|b] ` before a declaration or flow (`~[opaque] event e {}`). */
function annotationPrefix(annotations: readonly string[]): string {
  return annotations.length ? `[${annotations.join("|")}] ` : "";
}

export function refText(ref: EventRef): string {
  const path = ref.path.length === 1 ? ref.path[0] : ref.path.join(".");
  return ref.module !== undefined ? `${ref.module}:${path}` : path;
}

function emitEvent(e: EventDecl, out: LineSink): void {
  const pub = e.pub ? "pub " : "";
  const head = `~${annotationPrefix(e.annotations)}${pub}event ${e.path.join(".")} {${fieldList(e.input)}}`;
  out.line(head, false, e.span.line);
  for (const b of e.branches) out.line(branchText(b), false, b.span.line);
}

function fieldList(fields: readonly Field[]): string {
  if (fields.length === 0) return "";
  let text = " ";
  for (let i = 0; i < fields.length; i++) text += (i ? ", " : "") + fieldText(fields[i]);
  return `${text} `;
}

function fieldText(f: Field): string {
  const phantom = f.phantom !== undefined ? `[${f.phantom}]` : "";
  const value = f.defaultValue !== undefined ? ` = ${f.defaultValue}` : "";
  return `${f.name}: ${f.type}${phantom}${value}`;
}

function branchText(b: BranchDecl): string {
  return `| ${b.optional ? "?" : ""}${b.name}${payloadText(b.payload)}`;
}

function payloadText(p: Payload): string {
  switch (p.kind) {
    case "none":
      return "";
    case "wildcard":
      return " *";
    case "identity":
      return ` ${p.type}${p.phantom !== undefined ? `[${p.phantom}]` : ""}`;
    case "struct":
      return ` {${fieldList(p.fields)}}`;
  }
}

/** `head` + the chain's steps on one line (Source blocks open extra lines), then continuations. */
function emitChain(head: string, chain: Chain, out: LineSink, from: number): void {
  emitSteps(head, "", chain.steps, out, from);
  for (const c of chain.continuations) emitContinuation(c, 0, out);
}

function emitContinuation(c: Continuation, depth: number, out: LineSink): void {
  const pad = depth === 0 ? "" : INDENT.repeat(depth);
  let head = `${pad}|${c.catchAll ? "?" : ""}`;
  if (c.branch !== "") head += ` ${c.branch}`;
  if (c.binding !== undefined) head += ` ${c.binding}`;
  if (c.bindingAnnotations.length) head += `[${c.bindingAnnotations.join("|")}]`;
  if (c.when !== undefined) head += ` when ${c.when}`;
  const line = c.span.line;
  if (c.body.steps.length > 0) emitSteps(`${head} |> `, pad, c.body.steps, out, line, c.body.span.line);
  // `| ok x |>` with nothing after it (last line of a file) is kept as written.
  else out.line(c.body.continuations.length ? head : `${head} |>`, false, line, c.body.span.line);
  for (const n of c.body.continuations) emitContinuation(n, depth + 1, out);
}

function emitSteps(
  head: string,
  pad: string,
  steps: readonly Step[],
  out: LineSink,
  from: number,
  also?: number,
): void {
  let text = head;
  let first = true;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (i > 0) text += " |> ";
    text += stepText(step);
    if (step.kind === "invoke" && step.source !== undefined) {
      out.line(`${text} {`, true, first ? from : undefined, first ? also : undefined);
      first = false;
      const inner = pad + INDENT;
      for (const l of step.source.split("\n")) out.line(l === "" ? "" : inner + l, true);
      text = `${pad}}`;
    }
  }
  out.line(text, false, first ? from : undefined, first ? also : undefined);
}

export function stepText(step: Step): string {
  switch (step.kind) {
    case "discard":
      return "_";
    case "jump":
      return step.args.length ? `@${step.label}(${argList(step.args)})` : `@${step.label}`;
    case "construct":
      return constructorText(step);
    case "invoke": {
      let text = step.label !== undefined ? `#${step.label} ${refText(step.target)}` : refText(step.target);
      if (step.variant !== undefined) text += `|${step.variant}`;
      return `${text}(${argList(step.args)})`;
    }
  }
}

function argList(args: readonly Arg[]): string {
  let text = "";
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (i) text += ", ";
    text += a.name !== undefined ? `${a.name}: ${a.value}` : a.value;
  }
  return text;
}

function constructorText(c: Constructor): string {
  switch (c.value.kind) {
    case "none":
      return c.branch;
    case "expr":
      // `done (a) + b` would read as a call of `done`; braces keep it a value.
      return c.value.expr.startsWith("(") ? `${c.branch} { ${c.value.expr} }` : `${c.branch} ${c.value.expr}`;
    case "fields":
      return `${c.branch} { ${c.value.fields.map((f) => `${f.name}: ${f.value}`).join(", ")} }`;
  }
}
