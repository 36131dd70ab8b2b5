// Program output relayed as `program_output`, byte for byte: `text` is always there (the
// bytes decoded as UTF-8), and when the bytes are not valid UTF-8 `base64` carries them
// exactly (a program may print any bytes; JSON strings cannot hold them).
import { isUtf8 } from "node:buffer";

export interface OutputPiece {
  text: string;
  base64?: string;
}

/** Splits a byte stream into pieces, never cutting a UTF-8 character in two. */
export class OutputDecoder {
  private carry: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): OutputPiece | undefined {
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = completeUpTo(bytes);
    this.carry = Buffer.from(bytes.subarray(cut));
    return cut === 0 ? undefined : piece(bytes.subarray(0, cut));
  }

  /** What is left at the end of the stream (a character cut off by the program's exit). */
  end(): OutputPiece | undefined {
    const rest = this.carry;
    this.carry = Buffer.alloc(0);
    return rest.length === 0 ? undefined : piece(rest);
  }
}

export function piece(bytes: Buffer): OutputPiece {
  const text = bytes.toString("utf8");
  return isUtf8(bytes) ? { text } : { text, base64: bytes.toString("base64") };
}

/** Length of `bytes` without a trailing, still incomplete UTF-8 sequence. */
function completeUpTo(bytes: Buffer): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}
