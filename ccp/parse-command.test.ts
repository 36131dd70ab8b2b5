import { describe, expect, it } from "vitest";
import { parseCommand, recoverId } from "./parse-command.js";

function error(line: string) {
  const r = parseCommand(line);
  if (r.ok) throw new Error(`expected an error for ${line}`);
  return r.error;
}

describe("parseCommand", () => {
  it("accepts upstream's commands verbatim", () => {
    for (const line of [
      '{"cmd":"parse","file":"src/main.kz"}',
      '{"cmd":"compile","entry":"src/main.kz"}',
      '{"cmd":"ast"}',
      '{"cmd":"ast_json","file":"src/main.kz"}',
      '{"cmd":"set_flag","flag":"emit_ccp","value":true}',
      '{"cmd":"add_pass","pass":"ast_dump","after":"frontend"}',
      '{"cmd":"remove_pass","pass":"ast_dump"}',
      '{"cmd":"exit"}',
    ]) {
      const r = parseCommand(line);
      expect(r.ok, line).toBe(true);
    }
  });

  it("returns the typed command, with defaults", () => {
    const r = parseCommand('{"cmd":"set_flag","id":"a","flag":"profile"}');
    expect(r).toEqual({ ok: true, command: { cmd: "set_flag", id: "a", flag: "profile", value: true }, ignored: [] });
  });

  it("ignores unknown fields but lists them", () => {
    const r = parseCommand('{"cmd":"run","entry":"a.kz","aftr":1,"nested":{"x":1}}');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.command).toEqual({ cmd: "run", entry: "a.kz" });
      expect(r.ignored).toEqual(["aftr", "nested"]);
    }
  });

  it("reports malformed JSON and recovers the id", () => {
    const e = error('{"cmd":"parse","id":42,"file":"a.kz"');
    expect(e.code).toBe("bad_json");
    expect(e.message).toMatch(/^malformed JSON: /);
    expect(e.id).toBe(42);
    expect(error('{"id":"abc", cmd: parse}').id).toBe("abc");
    expect(error("not json at all").id).toBeUndefined();
    expect(error("").code).toBe("bad_json");
  });

  it("does not take an id from a nested object or a string", () => {
    expect(recoverId('{"cmd":"x","args":{"id":5},"id":6,')).toBe(6);
    expect(recoverId('{"cmd":"x","args":{"id":5},')).toBeUndefined();
    expect(recoverId('{"text":"\\"id\\":9", oops')).toBeUndefined();
    expect(recoverId('[{"id":1}')).toBeUndefined();
  });

  it("does not take a number cut off by the end of the line", () => {
    expect(recoverId('{"id":51')).toBeUndefined();
    expect(recoverId('{"id":51,')).toBe(51);
    expect(recoverId('{"id":"partial')).toBeUndefined();
    expect(recoverId('{"id":1e999,')).toBeUndefined();
  });

  it("rejects values that are not objects", () => {
    for (const [line, got] of [
      ["[]", "array"],
      ["null", "null"],
      ["42", "number"],
      ['"parse"', "string"],
    ]) {
      const e = error(line!);
      expect(e.code).toBe("not_object");
      expect(e.message).toContain(got);
    }
  });

  it("reports a missing cmd, and points out a message sent as a command", () => {
    expect(error('{"id":1,"file":"a.kz"}')).toEqual({
      code: "missing_cmd",
      field: "cmd",
      message: 'missing field "cmd"',
      id: 1,
    });
    expect(error('{"type":"ready"}').message).toContain('messages have "type"');
    expect(error('{"cmd":3,"id":"q"}')).toMatchObject({ code: "invalid_field", field: "cmd", id: "q" });
  });

  it("reports an unknown command with a suggestion and the list", () => {
    const e = error('{"cmd":"complie","id":2}');
    expect(e.code).toBe("unknown_command");
    expect(e.message).toContain('"complie"');
    expect(e.message).toContain('did you mean "compile"?');
    expect(e.message).toContain("select_variant");
    expect(e.id).toBe(2);
    expect(error('{"cmd":"zzzzzzzz"}').message).not.toContain("did you mean");
    // Names on Object.prototype are not commands.
    expect(error('{"cmd":"constructor"}').code).toBe("unknown_command");
    expect(error('{"cmd":"__proto__"}').code).toBe("unknown_command");
  });

  it("names a missing field", () => {
    const e = error('{"cmd":"parse","id":"p"}');
    expect(e).toMatchObject({ code: "invalid_field", field: "file", id: "p" });
    expect(e.message).toBe('parse: missing required field "file"');
  });

  it("names a mistyped field, with what was expected and what came", () => {
    expect(error('{"cmd":"parse","file":7}').message).toBe('parse: field "file" must be a string, got number');
    expect(error('{"cmd":"parse","file":null}').message).toBe('parse: field "file" must be a string, got null');
    expect(error('{"cmd":"parse","file":""}').message).toBe('parse: field "file" must not be empty');
    expect(error('{"cmd":"compile","entry":"a","flags":["x",2]}')).toMatchObject({
      field: "flags[1]",
      message: 'compile: field "flags[1]" must be a string, got number',
    });
    expect(error('{"cmd":"compile","entry":"a","optimize":"fast"}').message).toBe(
      'compile: field "optimize" must be one of "Debug", "ReleaseSafe", "ReleaseFast", "ReleaseSmall", got "fast"',
    );
    expect(error('{"cmd":"test_variant","event":"e","tag":"t","cases":1.5}').message).toBe(
      'test_variant: field "cases" must be an integer, got number',
    );
    expect(error('{"cmd":"test_variant","event":"e","tag":"t","cases":0}').message).toBe(
      'test_variant: field "cases" must be > 0, got 0',
    );
    expect(error('{"cmd":"analyze","entry":"a","min_share":2}').message).toBe(
      'analyze: field "min_share" must be <= 1, got 2',
    );
    expect(error('{"cmd":"select_variant","event":"e"}').message).toBe('select_variant: missing required field "tag"');
  });

  it("reports several problems at once", () => {
    const e = error('{"cmd":"add_variant","event":1,"tag":""}');
    expect(e.field).toBe("event");
    expect(e.message).toContain('field "event" must be a string, got number');
    expect(e.message).toContain('field "tag" must not be empty');
    expect(e.message).toContain('missing required field "body"');
  });

  it("checks the id", () => {
    expect(error('{"cmd":"exit","id":{"a":1}}')).toEqual({
      code: "invalid_field",
      field: "id",
      message: 'field "id" must be a string or a number, got object',
    });
    expect(error('{"cmd":"exit","id":null}').field).toBe("id");
    expect(error('{"cmd":"exit","id":1e999}').message).toContain("non-finite");
    const ok = parseCommand('{"cmd":"exit","id":-1.5}');
    expect(ok.ok && ok.command.id).toBe(-1.5);
  });

  it("accepts a null tag to select the baseline", () => {
    const r = parseCommand('{"cmd":"select_variant","event":"input:blur","tag":null}');
    expect(r.ok && r.command).toEqual({ cmd: "select_variant", event: "input:blur", tag: null });
  });
});
