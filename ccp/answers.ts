// The daemon's per-line step and its greeting, shared by `koruc --ccp` and
// `--accept-commands`: each input line becomes exactly one command or one `error` message.
import { COMMAND_NAMES, type Command } from "./commands.js";
import type { JsonlLine } from "./jsonl.js";
import { errorMessage, type MessageOf } from "./messages.js";
import { parseCommand } from "./parse-command.js";
import { PROTOCOL_VERSION } from "./version.js";

export type LineAnswer =
  | { ok: true; command: Command; ignored: string[]; line: number }
  | { ok: false; error: MessageOf<"error"> };

/** Turn one line read from the command stream into a command, or the `error` to send. */
export function commandFromLine(line: JsonlLine): LineAnswer {
  if (!line.ok)
    return { ok: false, error: errorMessage(line.error.message, { code: line.error.code, line: line.line }) };
  const r = parseCommand(line.text);
  if (r.ok) return { ok: true, command: r.command, ignored: r.ignored, line: line.line };
  const { message, ...rest } = r.error;
  return { ok: false, error: errorMessage(message, { ...rest, line: line.line }) };
}

/** The first line the daemon writes. */
export function readyMessage(compiler?: string): MessageOf<"ready"> {
  return {
    type: "ready",
    version: PROTOCOL_VERSION,
    ...(compiler !== undefined ? { compiler } : {}),
    commands: [...COMMAND_NAMES],
  };
}
