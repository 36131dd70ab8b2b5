// `koruc --ccp` with no file: the CCP daemon. JSONL commands on stdin, answers on stdout
// (nothing else ever goes there), logs on stderr. Commands run one at a time in arrival
// order, so a client may send the next command before the last one finished; every answer
// carries its command's `id`. Input keeps being read while a command runs, so `cancel` can
// stop it (or drop a queued one). EOF ends the daemon once the queued commands are done.
import type { Readable, Writable } from "node:stream";
import { COMPILER_ID } from "../compiler/index.js";
import { commandFromLine, readyMessage } from "./answers.js";
import type { Command } from "./commands.js";
import { readJsonl } from "./jsonl.js";
import { Lifecycle } from "./lifecycle.js";
import { errorMessage } from "./messages.js";
import { RawIds } from "./raw-ids.js";
import { Session } from "./session.js";
import { messageWriter } from "./writers.js";

interface Job {
  command: Command;
  controller: AbortController;
}

export async function serve(
  input: Readable,
  output: Writable,
  log: Writable,
  opts: { root?: string; entry?: string; greet?: boolean } = {},
): Promise<number> {
  const ids = new RawIds();
  // The writer sees a stream whose lines get exact ids back just before they go out.
  const out = {
    write: (line: string) => output.write(ids.restore(line)),
    get writableNeedDrain() {
      return output.writableNeedDrain;
    },
    once: (event: string, fn: () => void) => output.once(event, fn),
  } as unknown as Writable;
  const writer = messageWriter(out, {
    onInvalid: (problem) => log.write(`ccp: outgoing message does not match the schema: ${problem}\n`),
  });
  const send = (m: Record<string, unknown>) => {
    writer.write(m as never);
  };
  const sendLine = (line: string) => {
    out.write(`${line}\n`);
  };
  const session = new Session(opts.root ?? process.cwd(), send, sendLine, opts.entry);
  // A signal or a client that stops reading cancels the running command and ends the loop.
  const life = new Lifecycle(output).install(() => input.destroy());
  session.signal = life.signal;
  session.flow = life.flow;
  if (opts.greet !== false) send(readyMessage(COMPILER_ID) as unknown as Record<string, unknown>);

  const queue: Job[] = [];
  let running: Job | undefined;
  let worker: Promise<void> | undefined;
  // One worker at a time; it clears itself in the same step that finds the queue empty, so a
  // command queued right after is never left waiting for the next line.
  const startWorker = () => {
    if (worker || queue.length === 0 || session.exited || life.stopping) return;
    worker = (async () => {
      try {
        while (queue.length > 0 && !session.exited && !life.stopping) {
          running = queue.shift()!;
          await session.handle(running.command, running.controller.signal);
          ids.release(running.command.id);
          running = undefined;
          await life.drained();
        }
      } finally {
        worker = undefined;
      }
    })();
  };
  const cancel = (command: Extract<Command, { cmd: "cancel" }>) => {
    const matches = (job: Job) => job.command.id !== undefined && ids.same(job.command.id, command.target);
    let state: "running" | "queued" | "unknown" = "unknown";
    if (running && matches(running)) {
      state = "running";
      running.controller.abort(new Error(`cancelled by command ${String(command.id ?? "")}`));
    } else {
      const at = queue.findIndex(matches);
      if (at >= 0) {
        state = "queued";
        const [job] = queue.splice(at, 1);
        send(errorMessage("cancelled before it started", { id: job.command.id, code: "cancelled" }));
        ids.release(job.command.id);
      }
    }
    send({ type: "cancelled", ...(command.id !== undefined ? { id: command.id } : {}), target: command.target, state });
    ids.release(command.id);
    ids.release(command.target);
  };

  try {
    for await (const line of readJsonl(input)) {
      if (life.stopping) break;
      const answer = commandFromLine(line);
      const text = line.ok ? line.text : "";
      if (!answer.ok) {
        const id = ids.idFor(answer.error.id, text);
        send({ ...answer.error, ...(id !== undefined ? { id } : {}) } as unknown as Record<string, unknown>);
        ids.release(id);
        continue;
      }
      if (answer.ignored.length > 0)
        log.write(`ccp: line ${answer.line}: ignored unknown fields ${answer.ignored.join(", ")}\n`);
      const id = ids.idFor(answer.command.id, text);
      const command = { ...answer.command, ...(id !== undefined ? { id } : {}) } as Command;
      if (command.cmd === "cancel") {
        // A target above 2^53 is matched (and echoed) by its exact text, as ids are.
        cancel({ ...command, target: ids.idFor(command.target, text, "target") ?? command.target });
        continue;
      }
      queue.push({ command, controller: new AbortController() });
      startWorker();
      // Nothing after `exit` is read: the daemon answers it and ends.
      if (command.cmd === "exit") break;
      if (session.exited) break;
    }
  } catch (e) {
    // The input destroyed under the reader when stopping; anything else is a real failure.
    if (!life.stopping) throw e;
  }
  // Input ended (or `exit` was read): finish what is queued. A worker may have just ended
  // while new jobs were queued, so loop until the queue is empty.
  startWorker();
  while (worker) await worker;
  await life.drained();
  life.finish();
  return 0;
}

export function runDaemon(input: Readable, output: Writable, log: Writable): Promise<number> {
  return serve(input, output, log);
}
