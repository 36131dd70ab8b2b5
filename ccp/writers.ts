// Writers preset with the protocol's schemas.
import type { Writable } from "node:stream";
import { Command, type CommandInput } from "./commands.js";
import { JsonlWriter, type WriterOptions } from "./jsonl.js";
import { Message } from "./messages.js";

type Options = Omit<WriterOptions<unknown>, "schema">;

/** Writes compiler → client messages (daemon, `koruc --ccp`), checked against `Message`. */
export function messageWriter(stream: Writable, options: Options = {}): JsonlWriter<Message> {
  return new JsonlWriter<Message>(stream, { ...options, schema: Message });
}

/** Writes client → compiler commands (MCP server, tests), checked against `Command`. */
export function commandWriter(stream: Writable, options: Options = {}): JsonlWriter<CommandInput> {
  return new JsonlWriter<CommandInput>(stream, { ...options, schema: Command });
}
