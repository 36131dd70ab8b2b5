// Trailing `//` comments on Koru lines are not part of the AST (the parser drops them).
// The formatter collects them from the source and puts each one back on the printed line
// that stands for its source line, or, when there is none, on its own line above the item.
import type { Module } from "../../compiler/ast.js";
import { commentStart } from "../../compiler/scan.js";
import { emitItem, type LineSink, printItem } from "./print.js";

/** Print `module`, keeping every `//` comment found on its Koru lines in `source`. */
export function printWithComments(module: Module, source: string): string {
  const lines = source.split(/\r?\n/);
  const parts: string[] = [];
  const plain: LineSink = { line: (text) => void parts.push(text) };
  const items = module.items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    // Host lines and proc bodies keep their comments as text.
    if (item.kind === "host" || item.kind === "proc") {
      emitItem(item, plain);
      continue;
    }
    const last = i + 1 < items.length ? items[i + 1].span.line - 1 : lines.length;
    const comments = commentsIn(lines, item.span.line, last);
    if (comments.length === 0) emitItem(item, plain);
    else parts.push(...placeComments(item, comments));
  }
  return parts.join("\n");
}

function commentsIn(lines: string[], first: number, last: number): { line: number; text: string }[] {
  const found: { line: number; text: string }[] = [];
  for (let n = first; n <= last; n++) {
    const text = lines[n - 1];
    if (text === undefined || !text.includes("//")) continue;
    const at = commentStart(text);
    if (at >= 0) found.push({ line: n, text: text.slice(at).trimEnd() });
  }
  return found;
}

function placeComments(item: Module["items"][number], comments: { line: number; text: string }[]): string[] {
  const printed = printItem(item);
  const texts = printed.map((l) => l.text);
  const above: string[] = [];
  for (const c of comments) {
    const at = printed.findIndex((l) => !l.sealed && l.from.includes(c.line));
    if (at >= 0 && !texts[at].includes("//")) texts[at] += ` ${c.text}`;
    else above.push(c.text);
  }
  return [...above, ...texts];
}
