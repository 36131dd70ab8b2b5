// `koruc --ccp` with no file: the CCP daemon. JSONL commands on stdin, answers on stdout
// (nothing else ever goes there), logs on stderr. Commands run one at a time in arrival
// order, so a client may send the next command before the last one finished; every
// answer carries its command's `id`. EOF ends the daemon quietly.
import type { Readable, Writable } from "node:stream";
import { commandFromLine, readyMessage } from "./answers.js";
import { readJsonl } from "./jsonl.js";
import { Lifecycle } from "./lifecycle.js";
import { Session } from "./session.js";
import { messageWriter } from "./writers.js";

export async function serve(
  input: Readable,
  output: Writable,
  log: Writable,
  opts: { root?: string; entry?: string; greet?: boolean } = {},
): Promise<number> {
  const writer = messageWriter(output, {
    onInvalid: (problem) => log.write(`ccp: outgoing message does not match the schema: ${problem}\n`),
  });
  const send = (m: Record<string, unknown>) => {
    writer.write(m as never);
  };
  const sendLine = (line: string) => {
    output.write(`${line}\n`);
  };
  const session = new Session(opts.root ?? process.cwd(), send, sendLine, opts.entry);
  // A signal or a client that stops reading cancels the running command and ends the loop.
  const life = new Lifecycle(output).install(() => input.destroy());
  session.signal = life.signal;
  session.flow = life.flow;
  if (opts.greet !== false) send(readyMessage(`koru-ccp ${version()}`) as unknown as Record<string, unknown>);
  try {
    for await (const line of readJsonl(input)) {
      if (life.stopping) break;
      const answer = commandFromLine(line);
      if (!answer.ok) {
        send(answer.error as unknown as Record<string, unknown>);
        continue;
      }
      if (answer.ignored.length > 0) {
        log.write(`ccp: line ${answer.line}: ignored unknown fields ${answer.ignored.join(", ")}\n`);
      }
      await session.handle(answer.command);
      await life.drained();
      if (session.exited || life.stopping) break;
    }
  } catch (e) {
    // The input destroyed under the reader when stopping; anything else is a real failure.
    if (!life.stopping) throw e;
  }
  await life.drained();
  life.finish();
  return 0;
}

export function runDaemon(input: Readable, output: Writable, log: Writable): Promise<number> {
  return serve(input, output, log);
}

function version(): string {
  return "0.1.0";
}
