// Fuzzing the command reader: random lines and mutations of valid commands never make
// parseCommand throw, and every line gets exactly one answer that is itself a valid message.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { commandFromLine } from "./answers.js";
import { Command } from "./commands.js";
import { JsonlSplitter, toJsonLine } from "./jsonl.js";
import { errorMessage, Message } from "./messages.js";
import { parseCommand } from "./parse-command.js";

const CODES = new Set(["bad_json", "not_object", "missing_cmd", "unknown_command", "invalid_field"]);

const VALID = [
  '{"cmd":"parse","id":"p1","file":"count.kz"}',
  '{"cmd":"compile","id":1,"entry":"app.kz","flags":["profile"],"optimize":"ReleaseFast","ccp":true}',
  '{"cmd":"set_flag","flag":"emit_ccp","value":true}',
  '{"cmd":"add_pass","pass":"ast_dump","after":"frontend"}',
  '{"cmd":"run","id":8,"entry":"app.kz","args":["--n","10"],"timeout_ms":10000,"record":"stats"}',
  '{"cmd":"analyze","id":9,"entry":"blur.kz","min_share":0.05,"limit":5}',
  '{"cmd":"hotspots","id":10,"run_id":"r-0008"}',
  '{"cmd":"list_events","id":11,"entry":"app.kz","include_std":false}',
  '{"cmd":"add_variant","id":12,"event":"input:blur","tag":"zig(ai_opt_1)","body":"return .{ .done = x };"}',
  '{"cmd":"test_variant","id":13,"event":"input:blur","tag":"zig(ai_opt_1)","cases":10000,"seed":42}',
  '{"cmd":"select_variant","id":15,"event":"input:blur","tag":null}',
  '{"cmd":"exit"}',
];

/** Answer one line the way the daemon does: a command, or an `error` message. */
function answer(line: string): unknown {
  const r = parseCommand(line);
  if (r.ok) return r.command;
  return errorMessage(r.error.message, {
    ...(r.error.id !== undefined ? { id: r.error.id } : {}),
    code: r.error.code,
    ...(r.error.field !== undefined ? { field: r.error.field } : {}),
  });
}

function checkAnswer(line: string): void {
  const r = parseCommand(line);
  expect(typeof r.ok).toBe("boolean");
  if (r.ok) {
    expect(Command.safeParse(r.command).success).toBe(true);
    expect(Array.isArray(r.ignored)).toBe(true);
  } else {
    expect(CODES.has(r.error.code)).toBe(true);
    expect(r.error.message.length).toBeGreaterThan(0);
    if (r.error.id !== undefined) {
      expect(typeof r.error.id === "string" || Number.isFinite(r.error.id)).toBe(true);
    }
    const msg = answer(line);
    expect(Message.safeParse(msg).success).toBe(true);
    const text = toJsonLine(msg);
    expect(typeof text).toBe("string");
    expect((text as string).indexOf("\n")).toBe((text as string).length - 1);
  }
}

/** Mutations of a valid command line: edits of its text and of its JSON value. */
const mutatedLine: fc.Arbitrary<string> = fc.oneof(
  // Text edits: delete, insert, replace, truncate, duplicate a slice.
  fc
    .tuple(fc.constantFrom(...VALID), fc.nat(), fc.nat(), fc.string({ maxLength: 4, unit: "binary" }))
    .map(([s, a, b, ins]) => {
      const i = a % (s.length + 1);
      const j = Math.min(s.length, i + (b % 6));
      return s.slice(0, i) + ins + s.slice(j);
    }),
  fc.tuple(fc.constantFrom(...VALID), fc.nat()).map(([s, n]) => s.slice(0, n % (s.length + 1))),
  fc.tuple(fc.constantFrom(...VALID), fc.nat(), fc.nat()).map(([s, a, b]) => {
    const i = a % s.length;
    return s + s.slice(i, i + (b % 20));
  }),
  // Value edits: replace, remove or add a field with any JSON value.
  fc
    .tuple(fc.constantFrom(...VALID), fc.nat(), fc.jsonValue({ maxDepth: 3 }), fc.constantFrom("set", "delete", "add"))
    .map(([s, k, v, op]) => {
      const obj = JSON.parse(s) as Record<string, unknown>;
      const keys = Object.keys(obj);
      const key = keys[k % keys.length]!;
      if (op === "delete") delete obj[key];
      else if (op === "set") obj[key] = v;
      else obj[`f${k % 7}`] = v;
      return JSON.stringify(obj);
    }),
  // Any JSON object with a cmd.
  fc
    .tuple(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })), fc.constantFrom(...VALID))
    .map(([d, s]) => JSON.stringify({ ...d, cmd: (JSON.parse(s) as { cmd: string }).cmd })),
);

const randomLine: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200, unit: "binary" }),
  fc.string({ maxLength: 200, unit: fc.constantFrom(...'{}[]":,0123456789.eE-+ tnrufalsidcmx\\') }),
  fc.json({ maxDepth: 4 }),
);

describe("parseCommand fuzzing", () => {
  it("never throws on 10,000 random lines", () => {
    fc.assert(
      fc.property(randomLine, (line) => checkAnswer(line)),
      { numRuns: 10_000, seed: 20260822 },
    );
  });

  it("never throws on 10,000 mutated commands", () => {
    fc.assert(
      fc.property(mutatedLine, (line) => checkAnswer(line)),
      { numRuns: 10_000, seed: 4242 },
    );
  });

  it("answers every line of a stream exactly once, however it is chunked", () => {
    const line = fc.oneof(mutatedLine, randomLine).map((s) => s.replace(/[\r\n]/g, " "));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, cuts) => {
        const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(""), "utf8");
        const splitter = new JsonlSplitter();
        const results = [];
        let at = 0;
        for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
          results.push(...splitter.push(bytes.subarray(at, cut)));
          at = cut;
        }
        results.push(...splitter.push(bytes.subarray(at)), ...splitter.end());
        const answers = results.map((r) => commandFromLine(r));
        for (const a of answers) if (!a.ok) expect(Message.safeParse(a.error).success).toBe(true);
        // Blank lines get no answer; a byte order mark is dropped from the first line only.
        const blank = (l: string, i: number) => /^[ \t]*$/.test(i === 0 ? l.replace(/^\uFEFF/, "") : l);
        const answered = lines.flatMap((l, i) => (blank(l, i) ? [] : [i + 1]));
        expect(answers.length).toBe(answered.length);
        expect(results.map((r) => r.line)).toEqual(answered);
      }),
      { numRuns: 1_000, seed: 7 },
    );
  });
});
