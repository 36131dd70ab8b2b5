import { describe, expect, it } from "vitest";
import { commandFromLine, readyMessage } from "./answers.js";
import { checkAgainst } from "./jsonl.js";
import { Message } from "./messages.js";
import { PROTOCOL_VERSION } from "./version.js";

describe("commandFromLine", () => {
  it("passes a command through with its line number", () => {
    expect(commandFromLine({ ok: true, line: 3, text: '{"cmd":"exit","id":1,"x":2}' })).toEqual({
      ok: true,
      command: { cmd: "exit", id: 1 },
      ignored: ["x"],
      line: 3,
    });
  });

  it("turns a bad command into an error message with id, code, field and line", () => {
    const a = commandFromLine({ ok: true, line: 5, text: '{"cmd":"parse","id":"q"}' });
    expect(a).toEqual({
      ok: false,
      error: {
        type: "error",
        id: "q",
        message: 'parse: missing required field "file"',
        msg: 'parse: missing required field "file"',
        code: "invalid_field",
        field: "file",
        line: 5,
      },
    });
    if (!a.ok) expect(checkAgainst(Message, a.error)).toBeUndefined();
  });

  it("turns an unreadable line into an error message", () => {
    const a = commandFromLine({
      ok: false,
      line: 2,
      error: { code: "invalid_utf8", message: "line 2 is not valid UTF-8 (first bad byte at offset 0)", bytes: 1 },
    });
    expect(a.ok).toBe(false);
    if (!a.ok) {
      expect(a.error).toMatchObject({ type: "error", code: "invalid_utf8", line: 2 });
      expect(checkAgainst(Message, a.error)).toBeUndefined();
    }
  });
});

describe("readyMessage", () => {
  it("announces the protocol version and the commands", () => {
    const r = readyMessage("koru-ccp 0.1.0");
    expect(r.version).toBe(PROTOCOL_VERSION);
    expect(r.commands).toContain("analyze");
    expect(checkAgainst(Message, r)).toBeUndefined();
    expect(readyMessage()).not.toHaveProperty("compiler");
  });
});
