// Every example line in docs/ccp.md is a valid command or message, round-trips through its
// schema unchanged, and every command and message type has at least one example.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMMAND_NAMES, Command } from "./commands.js";
import { MESSAGE_TYPES, Message } from "./messages.js";
import { parseCommand } from "./parse-command.js";
import { unknownFields } from "./unknown-fields.js";

const doc = readFileSync(new URL("../docs/ccp.md", import.meta.url), "utf8");

function exampleLines(markdown: string): string[] {
  const lines: string[] = [];
  for (const block of markdown.matchAll(/```json\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split("\n")) if (line.trim() !== "") lines.push(line);
  }
  return lines;
}

const all = exampleLines(doc).map((line) => ({ line, value: JSON.parse(line) as Record<string, unknown> }));

/** A command immediately answered by an `error` with its id: an example of a bad command. */
function isBadCommand(i: number): boolean {
  const cmd = all[i]!.value;
  const next = all[i + 1]?.value;
  return "cmd" in cmd && next?.["type"] === "error" && next["id"] === cmd["id"];
}

const badCommands = all.flatMap((e, i) => (isBadCommand(i) ? [{ ...e, answer: all[i + 1]!.value }] : []));
const examples = all.filter((_, i) => !isBadCommand(i));

describe("docs/ccp.md examples", () => {
  it("has examples", () => {
    expect(examples.length).toBeGreaterThan(50);
  });

  it.each(examples.map((e) => [e.line.slice(0, 80), e] as const))("%s", (_name, { value }) => {
    const isCommand = "cmd" in value;
    const schema = isCommand ? Command : Message;
    const parsed = schema.safeParse(value);
    expect(parsed.success, parsed.error?.message).toBe(true);
    expect(unknownFields(value, parsed.data)).toEqual([]);
    if (isCommand) {
      // Defaults may add fields; the parsed command parses to itself.
      expect(Command.parse(parsed.data)).toEqual(parsed.data);
    } else {
      expect(parsed.data).toEqual(value);
    }
    // Through JSON and back.
    expect(schema.parse(JSON.parse(JSON.stringify(parsed.data)))).toEqual(parsed.data);
  });

  it("shows every command and every message", () => {
    const cmds = new Set(examples.map((e) => e.value["cmd"]).filter(Boolean));
    const types = new Set(examples.map((e) => e.value["type"]).filter(Boolean));
    expect(COMMAND_NAMES.filter((c) => !cmds.has(c))).toEqual([]);
    expect(MESSAGE_TYPES.filter((t) => !types.has(t))).toEqual([]);
  });

  it("documents the errors parseCommand actually gives", () => {
    // A command line followed by an `error` with the same id: parseCommand must say exactly that.
    let checked = 0;
    for (const { line, answer } of badCommands) {
      const r = parseCommand(line);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.message).toBe(answer["message"]);
      expect(r.error.code).toBe(answer["code"]);
      expect(r.error.id).toBe(answer["id"]);
      if (answer["field"] !== undefined) expect(r.error.field).toBe(answer["field"]);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  it("announces the current protocol version", async () => {
    const { PROTOCOL_VERSION } = await import("./version.js");
    expect(doc).toContain(`Protocol version: **${PROTOCOL_VERSION}**`);
    const ready = examples.find((e) => e.value["type"] === "ready");
    expect(ready?.value["version"]).toBe(PROTOCOL_VERSION);
  });
});
