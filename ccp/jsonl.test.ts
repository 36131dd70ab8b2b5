import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  firstInvalidUtf8,
  type JsonlLine,
  JsonlSplitter,
  JsonlWriter,
  MAX_LINE_BYTES,
  readJsonl,
  toJsonLine,
} from "./jsonl.js";
import { commandWriter, messageWriter } from "./writers.js";

async function readAll(chunks: (Buffer | string)[], maxLineBytes?: number): Promise<JsonlLine[]> {
  const out: JsonlLine[] = [];
  const options = maxLineBytes === undefined ? {} : { maxLineBytes };
  for await (const line of readJsonl(Readable.from(chunks, { objectMode: true }), options)) out.push(line);
  return out;
}

function texts(lines: JsonlLine[]): (string | { code: string; line: number })[] {
  return lines.map((l) => (l.ok ? l.text : { code: l.error.code, line: l.line }));
}

describe("JSONL reader", () => {
  it("splits lines across chunk boundaries", async () => {
    const lines = await readAll(['{"a":', '1}\n{"b"', ":2}\n", '{"c":3}\n']);
    expect(lines).toEqual([
      { ok: true, line: 1, text: '{"a":1}' },
      { ok: true, line: 2, text: '{"b":2}' },
      { ok: true, line: 3, text: '{"c":3}' },
    ]);
  });

  it("tolerates CRLF, also when CR and LF arrive in different chunks", async () => {
    expect(texts(await readAll(['{"a":1}\r\n{"b":2}\r', '\n{"c":3}\r\n']))).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it("skips blank lines but keeps counting them", async () => {
    const lines = await readAll(["\n\r\n  \t\n", '{"a":1}\n']);
    expect(lines).toEqual([{ ok: true, line: 4, text: '{"a":1}' }]);
  });

  it("drops a byte order mark at the start of the input only", async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const lines = await readAll([Buffer.concat([bom, Buffer.from('{"a":1}\n'), bom, Buffer.from("x\n")])]);
    expect(texts(lines)).toEqual(['{"a":1}', "\uFEFFx"]);
  });

  it("rejects a line over 1 MiB and resynchronizes at the next newline", async () => {
    const big = Buffer.alloc(MAX_LINE_BYTES + 10, 0x61); // 'a'
    const chunks = ['{"a":1}\n', big.subarray(0, 300_000), big.subarray(300_000), Buffer.from("xyz\n"), '{"b":2}\n'];
    const lines = await readAll(chunks);
    expect(texts(lines)).toEqual(['{"a":1}', { code: "line_too_long", line: 2 }, '{"b":2}']);
    const err = lines[1]!;
    expect(!err.ok && err.error.message).toContain("1048576");
    expect(!err.ok && err.error.bytes).toBeGreaterThan(MAX_LINE_BYTES);
  });

  it("accepts a line of exactly the limit, also with CRLF", async () => {
    const exact = "b".repeat(MAX_LINE_BYTES);
    const lines = await readAll([`${exact}\r\n${exact}\n${exact}b\n`]);
    expect(lines.map((l) => (l.ok ? l.text.length : l.error.code))).toEqual([
      MAX_LINE_BYTES,
      MAX_LINE_BYTES,
      "line_too_long",
    ]);
  });

  it("does not buffer an over-long line", () => {
    const splitter = new JsonlSplitter({ maxLineBytes: 100 });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const results: JsonlLine[] = [];
    for (let i = 0; i < 200; i++) splitter.push(chunk, results); // 12.5 MiB without a newline
    expect(texts(results)).toEqual([{ code: "line_too_long", line: 1 }]);
    expect((splitter as unknown as { parts: Buffer[] }).parts.length).toBe(0);
    splitter.push("\nok\n", results);
    expect(texts(results)).toEqual([{ code: "line_too_long", line: 1 }, "ok"]);
  });

  it("reports invalid UTF-8 with the offset of the first bad byte, then goes on", async () => {
    const bad = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]);
    const lines = await readAll([bad, '{"é":1}\n']);
    expect(texts(lines)).toEqual([{ code: "invalid_utf8", line: 1 }, '{"é":1}']);
    expect(!lines[0]!.ok && lines[0]!.error.message).toContain("offset 6");
  });

  it("detects every kind of invalid UTF-8", () => {
    const cases: [number[], number][] = [
      [[0x80], 0], // stray continuation byte
      [[0x41, 0xc0, 0x80], 1], // overlong
      [[0xe0, 0x80, 0x80], 0], // overlong 3-byte
      [[0xed, 0xa0, 0x80], 0], // surrogate
      [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
      [[0xf5], 0],
      [[0x41, 0x42, 0xe2, 0x82], 2], // truncated sequence
    ];
    for (const [bytes, at] of cases) {
      const splitter = new JsonlSplitter();
      const [r] = splitter.push(Buffer.from([...bytes, 0x0a]));
      expect(r?.ok, bytes.join(",")).toBe(false);
      expect(firstInvalidUtf8(Buffer.from(bytes))).toBe(at);
    }
    expect(firstInvalidUtf8(Buffer.from("añ€😀"))).toBe(Buffer.byteLength("añ€😀"));
  });

  it("keeps a multi-byte character split across chunks intact", async () => {
    const euro = Buffer.from('{"x":"€"}\n');
    expect(texts(await readAll([euro.subarray(0, 7), euro.subarray(7)]))).toEqual(['{"x":"€"}']);
  });

  it("reports EOF in the middle of a line, with its text", async () => {
    const lines = await readAll(['{"cmd":"exit"}\n{"cmd":"pa', 'rse"']);
    expect(lines[1]).toEqual({
      ok: false,
      line: 2,
      error: {
        code: "truncated_line",
        message: "line 2 ends without a newline (input ended in the middle of a line)",
        bytes: 14,
        text: '{"cmd":"parse"',
      },
    });
  });

  it("does not report blank or already-rejected trailing text at EOF", async () => {
    expect(await readAll(['{"a":1}\n  '])).toHaveLength(1);
    const big = "a".repeat(200);
    expect(texts(await readAll([big], 100))).toEqual([{ code: "line_too_long", line: 1 }]);
  });

  it("reads an empty stream", async () => {
    expect(await readAll([])).toEqual([]);
  });
});

describe("JSONL writer", () => {
  function capture() {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c.toString("utf8")));
    return { stream, chunks };
  }

  it("writes exactly one line per message, in one write", () => {
    const { stream, chunks } = capture();
    const w = messageWriter(stream);
    w.write({ type: "program_output", stream: "stdout", text: "line 1\nline 2\r\n\u2028" });
    w.write({ type: "exit", code: 0 });
    expect(chunks).toHaveLength(2);
    for (const c of chunks) {
      expect(c.endsWith("\n")).toBe(true);
      expect(c.indexOf("\n")).toBe(c.length - 1);
    }
    expect(JSON.parse(chunks[0]!).text).toBe("line 1\nline 2\r\n\u2028");
  });

  it("rejects a message that does not match the schema", () => {
    const { stream, chunks } = capture();
    const w = messageWriter(stream);
    expect(() => w.write({ type: "exit" } as never)).toThrow(/code/);
    expect(() => w.write({ type: "exit", code: 0, extra: 1 } as never)).toThrow(/extra/);
    expect(() => w.write({ type: "nope" } as never)).toThrow();
    expect(chunks).toHaveLength(0);
  });

  it("can report problems instead of throwing", () => {
    const { stream, chunks } = capture();
    const problems: string[] = [];
    const w = messageWriter(stream, { onInvalid: (p) => problems.push(p) });
    w.write({ type: "exit", code: 0, extra: 1 } as never);
    expect(problems).toEqual(["fields not in the schema: extra"]);
    expect(chunks).toHaveLength(1);
  });

  it("does not write values JSON cannot represent", () => {
    const { stream, chunks } = capture();
    const problems: string[] = [];
    const w = new JsonlWriter<unknown>(stream, { onInvalid: (p) => problems.push(p) });
    const circular: Record<string, unknown> = {};
    circular["self"] = circular;
    w.write(circular);
    w.write(10n);
    w.write(undefined);
    expect(chunks).toHaveLength(0);
    expect(problems).toHaveLength(3);
    expect(typeof toJsonLine({ a: 1 })).toBe("string");
  });

  it("writes commands for clients, checked against the command schema", () => {
    const { stream, chunks } = capture();
    const w = commandWriter(stream);
    w.write({ cmd: "set_flag", id: 1, flag: "profile" });
    expect(chunks).toEqual(['{"cmd":"set_flag","id":1,"flag":"profile"}\n']);
    expect(() => w.write({ cmd: "parse" } as never)).toThrow(/file/);
  });

  it("waits for drain when the stream is full", async () => {
    const stream = new PassThrough({ highWaterMark: 16 });
    const w = messageWriter(stream, { validate: false });
    const ok = w.write({ type: "exit", code: 0 });
    expect(ok).toBe(false);
    const drained = w.drain();
    stream.resume();
    await drained;
  });
});
