// JSONL transport: splitting a byte stream into lines robustly, and writing one JSON line
// per message.
//
// Reading: lines longer than the limit (1 MiB) are reported and skipped up to the next
// newline without being buffered; invalid UTF-8 is reported; a last line without a newline
// is reported as truncated; CRLF line ends and a leading UTF-8 byte order mark are tolerated;
// blank lines are skipped. Problems are values, never exceptions.
import { isUtf8 } from "node:buffer";
import type { Writable } from "node:stream";
import type * as z from "zod";
import { unknownFields } from "./unknown-fields.js";

export const MAX_LINE_BYTES = 1024 * 1024;

export type JsonlErrorCode = "line_too_long" | "invalid_utf8" | "truncated_line";

export type JsonlLine =
  | { ok: true; line: number; text: string }
  | {
      ok: false;
      line: number;
      error: {
        code: JsonlErrorCode;
        message: string;
        /** Bytes of the line (at least this many for `line_too_long`). */
        bytes: number;
        /** The text of a truncated line, when it is valid UTF-8 and within the limit. */
        text?: string;
      };
    };

export interface SplitterOptions {
  /** Longest accepted line in bytes, line end excluded (default 1 MiB). */
  maxLineBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Incremental line splitter: push chunks, get complete lines. Memory stays bounded by
 * the line limit whatever the input.
 */
export class JsonlSplitter {
  private readonly max: number;
  private parts: Buffer[] = [];
  private size = 0;
  private discarding = false;
  private lineNo = 1;
  private atStart = true;

  constructor(options: SplitterOptions = {}) {
    this.max = options.maxLineBytes ?? MAX_LINE_BYTES;
  }

  push(chunk: Uint8Array | string, out: JsonlLine[] = []): JsonlLine[] {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : toBuffer(chunk);
    let start = 0;
    while (start <= buf.length) {
      const nl = buf.indexOf(LF, start);
      const end = nl === -1 ? buf.length : nl;
      if (this.discarding) {
        this.size += end - start;
      } else if (this.size + (end - start) > this.max + 1) {
        // +1: a CR before the LF does not count against the limit.
        this.size += end - start;
        this.parts = [];
        this.discarding = true;
        out.push(tooLong(this.lineNo, this.size, this.max));
      } else if (nl === -1) {
        if (end > start) {
          // Copy: the caller may reuse its buffer.
          this.parts.push(Buffer.from(buf.subarray(start, end)));
          this.size += end - start;
        }
      } else {
        const line =
          this.parts.length === 0 ? buf.subarray(start, end) : Buffer.concat([...this.parts, buf.subarray(start, end)]);
        this.finishLine(line, out);
      }
      if (nl === -1) break;
      this.parts = [];
      this.size = 0;
      this.discarding = false;
      this.atStart = false;
      this.lineNo++;
      start = nl + 1;
    }
    return out;
  }

  /** Signal end of input: a pending partial line is reported as truncated. */
  end(out: JsonlLine[] = []): JsonlLine[] {
    if (!this.discarding && this.size > 0) {
      const line = stripCr(Buffer.concat(this.parts));
      const body = this.atStart ? stripBom(line) : line;
      if (!isBlank(body)) {
        const valid = body.length <= this.max && isUtf8(body);
        out.push({
          ok: false,
          line: this.lineNo,
          error: {
            code: "truncated_line",
            message: `line ${this.lineNo} ends without a newline (input ended in the middle of a line)`,
            bytes: body.length,
            ...(valid ? { text: body.toString("utf8") } : {}),
          },
        });
      }
    }
    this.parts = [];
    this.size = 0;
    this.discarding = false;
    return out;
  }

  private finishLine(raw: Buffer, out: JsonlLine[]): void {
    const line = this.atStart ? stripBom(stripCr(raw)) : stripCr(raw);
    if (line.length > this.max) {
      out.push(tooLong(this.lineNo, line.length, this.max));
      return;
    }
    if (isBlank(line)) return;
    if (!isUtf8(line)) {
      const at = firstInvalidUtf8(line);
      out.push({
        ok: false,
        line: this.lineNo,
        error: {
          code: "invalid_utf8",
          message: `line ${this.lineNo} is not valid UTF-8 (first bad byte at offset ${at})`,
          bytes: line.length,
        },
      });
      return;
    }
    out.push({ ok: true, line: this.lineNo, text: line.toString("utf8") });
  }
}

/**
 * Read JSONL lines from a byte stream (a `Readable` without an encoding set: a decoding
 * stream would hide invalid UTF-8). Ends when the stream ends.
 */
export async function* readJsonl(
  stream: AsyncIterable<Uint8Array | string>,
  options: SplitterOptions = {},
): AsyncGenerator<JsonlLine, void, undefined> {
  const splitter = new JsonlSplitter(options);
  for await (const chunk of stream) {
    const lines = splitter.push(chunk);
    for (const line of lines) yield line;
  }
  for (const line of splitter.end()) yield line;
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function tooLong(line: number, bytes: number, max: number): JsonlLine {
  return {
    ok: false,
    line,
    error: {
      code: "line_too_long",
      message: `line ${line} is longer than ${max} bytes; skipped up to the next newline`,
      bytes,
    },
  };
}

function stripCr(b: Buffer): Buffer {
  return b.length > 0 && b[b.length - 1] === CR ? b.subarray(0, b.length - 1) : b;
}

function stripBom(b: Buffer): Buffer {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b;
}

function isBlank(b: Buffer): boolean {
  if (b.length === 0) return true;
  const first = b[0];
  const last = b[b.length - 1];
  if (first !== 0x20 && first !== 0x09 && last !== 0x20 && last !== 0x09) return false;
  for (const c of b) if (c !== 0x20 && c !== 0x09 && c !== CR) return false;
  return true;
}

/** Offset of the first byte that breaks UTF-8 (only called on invalid input). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}

// ── writing ──────────────────────────────────────────────────────────────────────────────

export interface WriterOptions<T> {
  /** Schema every value is checked against before it is written (its input side is `T`). */
  schema?: z.ZodType<unknown, T>;
  /** Check values against `schema` (default true when a schema is given). */
  validate?: boolean;
  /**
   * Called when a value fails validation (an unknown field counts as a failure) or cannot
   * be serialized. Default: throw — a message that does not match the protocol is a bug.
   * When it returns, a valid value is still written; an unserializable one is not.
   */
  onInvalid?: (problem: string, value: unknown) => void;
}

/** Writes exactly one JSON line per value, in a single `write` call. */
export class JsonlWriter<T> {
  private readonly schema: z.ZodType<unknown, T> | undefined;
  private readonly validate: boolean;
  private readonly onInvalid: (problem: string, value: unknown) => void;

  constructor(
    private readonly stream: Writable,
    options: WriterOptions<T> = {},
  ) {
    this.schema = options.schema;
    this.validate = options.validate ?? this.schema !== undefined;
    this.onInvalid =
      options.onInvalid ??
      ((problem) => {
        throw new Error(`invalid CCP line: ${problem}`);
      });
  }

  /** Write one value; false when the stream wants the caller to wait for `drain`. */
  write(value: T): boolean {
    if (this.validate && this.schema) {
      const problem = checkAgainst(this.schema, value);
      if (problem) this.onInvalid(problem, value);
    }
    const line = toJsonLine(value);
    if (typeof line !== "string") {
      this.onInvalid(line.problem, value);
      return true;
    }
    return this.stream.write(line);
  }

  /** Resolves once the stream has flushed its buffer (immediately when it is not full). */
  drain(): Promise<void> {
    if (!this.stream.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.stream.once("drain", () => resolve()));
  }
}

/** `JSON.stringify(value) + "\n"`, or the reason it cannot be one JSON line. */
export function toJsonLine(value: unknown): string | { problem: string } {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    return { problem: `not serializable: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (text === undefined) return { problem: "not serializable: undefined" };
  // JSON.stringify escapes control characters in strings, so the text holds no newline.
  return `${text}\n`;
}

/** Why `value` does not match `schema` exactly (including fields it does not define). */
export function checkAgainst(schema: z.ZodType, value: unknown): string | undefined {
  const r = schema.safeParse(value);
  if (!r.success) {
    return r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("; ");
  }
  const extra = unknownFields(value, r.data);
  return extra.length ? `fields not in the schema: ${extra.join(", ")}` : undefined;
}
