// Accumulates generated Zig line by line, remembering where each line came from.
import type { Origin, SourceMap } from "../source-map.js";

export class ZigWriter {
  private readonly lines: string[] = [];
  private readonly origins: SourceMap = [];
  private depth = 0;

  line(text: string, origin?: Origin): void {
    this.lines.push(text === "" ? "" : indent(this.depth) + text);
    this.origins.push(origin);
  }

  /** Write `text` with its own indentation kept, after the current indentation. */
  raw(text: string, origin?: Origin): void {
    this.lines.push(text === "" ? "" : indent(this.depth) + text);
    this.origins.push(origin ? { ...origin, colDelta: origin.colDelta - 4 * this.depth, verbatim: true } : undefined);
  }

  open(text: string, origin?: Origin): void {
    this.line(text, origin);
    this.depth++;
  }

  /** Close one block and open the next on the same line: `} else {`. */
  reopen(text: string, origin?: Origin): void {
    this.depth--;
    this.line(text, origin);
    this.depth++;
  }

  close(text = "}"): void {
    this.depth--;
    this.line(text);
  }

  indented(body: () => void): void {
    this.depth++;
    body();
    this.depth--;
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }

  sourceMap(): SourceMap {
    return this.origins;
  }
}

const INDENTS: string[] = [];
function indent(depth: number): string {
  return (INDENTS[depth] ??= "    ".repeat(depth));
}

const ZIG_KEYWORDS = new Set(
  "addrspace align allowzero and anyframe anytype asm break callconv catch comptime const continue defer else enum errdefer error export extern fn for if inline linksection noalias noinline nosuspend opaque or orelse packed pub resume return struct suspend switch test threadlocal try union unreachable usingnamespace var volatile while true false null undefined type void bool noreturn anyerror anyopaque".split(
    " ",
  ),
);

/** A Koru name as a Zig identifier: keywords become `@"name"`. */
export function zigIdent(name: string): string {
  return ZIG_KEYWORDS.has(name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `@"${name}"` : name;
}
