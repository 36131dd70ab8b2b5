import { isUtf8 } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OutputDecoder, type OutputPiece } from "./program-output.js";

function bytesOf(p: OutputPiece): Buffer {
  return p.base64 !== undefined ? Buffer.from(p.base64, "base64") : Buffer.from(p.text, "utf8");
}

describe("program_output pieces", () => {
  it("13. bytes: any bytes, cut anywhere, come back exactly; valid UTF-8 never needs base64", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.string({ unit: "grapheme", maxLength: 60 }).map((s) => new Uint8Array(Buffer.from(s))),
        ),
        fc.array(fc.nat(), { maxLength: 8 }),
        (raw, cuts) => {
          const bytes = Buffer.from(raw);
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const d = new OutputDecoder();
          const pieces: OutputPiece[] = [];
          let from = 0;
          for (const c of [...at, bytes.length]) {
            const p = d.push(bytes.subarray(from, c));
            if (p) pieces.push(p);
            from = c;
          }
          const last = d.end();
          if (last) pieces.push(last);
          expect(Buffer.concat(pieces.map(bytesOf)).equals(bytes)).toBe(true);
          if (isUtf8(bytes)) {
            for (const p of pieces) expect(p.base64).toBeUndefined();
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("13. bytes: invalid UTF-8 gets base64, a character split across chunks does not", () => {
    const d = new OutputDecoder();
    const euro = Buffer.from("€"); // 3 bytes
    expect(d.push(Buffer.concat([Buffer.from("a"), euro.subarray(0, 1)]))).toEqual({ text: "a" });
    expect(d.push(euro.subarray(1))).toEqual({ text: "€" });
    expect(d.push(Buffer.from([0x6f, 0x6b, 0xff]))).toEqual({ text: "ok\ufffd", base64: "b2v/" });
    expect(d.push(Buffer.from([0xe2, 0x82]))).toBeUndefined();
    expect(d.end()).toEqual({ text: "\ufffd", base64: "4oI=" });
  });
});
