// Reading a .kz (or koru.json) file from a workspace that may be hostile: only regular
// files, never more than a bounded size, never blocking (a FIFO with no writer, /dev/zero
// behind a symlink), and only UTF-8 text. Every refusal is a reason, never a throw.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/** Largest source file the compiler reads (16 MiB). */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

export type SourceRead = { text: string } | { error: string; line?: number; col?: number };

export function readSourceFile(file: string, maxBytes = MAX_SOURCE_BYTES): SourceRead {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat refuses it just after.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    return { error: errnoWords(e) };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { error: "it is a directory, not a .kz file" };
    if (!st.isFile()) return { error: `it is ${kindOf(st)}, not a regular file` };
    if (st.size > maxBytes) return { error: `it is larger than the ${mib(maxBytes)} limit (${st.size} bytes)` };
    // The size may change while we read (a file being rewritten): never read past the limit.
    const buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(st.size + 1, 4096)));
    let len = 0;
    for (;;) {
      if (len === buf.length) break;
      const n = readSync(fd, buf, len, buf.length - len, null);
      if (n === 0) break;
      len += n;
    }
    if (len > maxBytes) return { error: `it is larger than the ${mib(maxBytes)} limit` };
    const bytes = buf.subarray(0, len);
    const bad = firstInvalidUtf8(bytes);
    if (bad >= 0) return { error: `it is not UTF-8 text (invalid byte 0x${hex(bytes[bad])})`, ...lineCol(bytes, bad) };
    return { text: bytes.toString("utf8") };
  } catch (e) {
    return { error: errnoWords(e) };
  } finally {
    closeSync(fd);
  }
}

function kindOf(st: import("node:fs").Stats): string {
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "a special file";
}

function errnoWords(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory, not a .kz file";
  if (code === "EACCES") return "permission denied";
  if (code === "ELOOP") return "too many levels of symbolic links";
  if (code === "ENXIO") return "it is a socket or device with nothing behind it";
  if (code === "EAGAIN") return "it would block (not a regular file)";
  return code ?? String(e);
}

function mib(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

function hex(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, "0");
}

/** 1-based line and column (in characters) of byte `offset`. */
function lineCol(bytes: Buffer, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: bytes.subarray(start, offset).toString("utf8").length + 1 };
}

/** Offset of the first byte that is not part of well-formed UTF-8, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
