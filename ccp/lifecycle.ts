// How a CCP mode (the daemon, `koruc run --ccp`, `koruc --ccp app.kz`) ends when the world
// ends it: a signal (SIGTERM, SIGINT, SIGHUP) or a client that stops reading stdout. The
// running command is cancelled (its program and zig build-exe killed with their process
// groups), it completes its run folder, and then the process ends: by the same signal, or
// quietly when the client went away. Also the output's flow control: while the client does
// not read, the program's pipes are not read either, so memory stays flat.
import type { Writable } from "node:stream";

const SIGNALS: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];

/** Lets a producer wait for a slow consumer: `blocked()` while the consumer's buffer is full. */
export interface FlowGate {
  blocked(): boolean;
  /** Call `resume` once the consumer has caught up (at once if it already has). */
  whenDrained(resume: () => void): void;
}

export class Lifecycle {
  private readonly controller = new AbortController();
  /** Aborted when the mode must stop: pass it to every operation. */
  readonly signal = this.controller.signal;
  /** The signal that stopped us, if any (re-raised by `finish`). */
  stoppedBy: NodeJS.Signals | undefined;
  /** The client closed its end of our output (EPIPE): nothing more can be said. */
  outputClosed = false;
  private readonly stopped: Promise<void>;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();
  private onStop: (() => void) | undefined;

  constructor(private readonly output: Writable) {
    let resolveStopped!: () => void;
    this.stopped = new Promise((r) => {
      resolveStopped = r;
    });
    this.signal.addEventListener("abort", () => resolveStopped(), { once: true });
  }

  /** Listen for signals and output errors; `onStop` runs once when stopping starts. */
  install(onStop?: () => void): this {
    this.onStop = onStop;
    for (const sig of SIGNALS) {
      const handler = () => this.stop(sig);
      this.handlers.set(sig, handler);
      process.on(sig, handler);
    }
    this.output.on("error", this.onOutputError);
    return this;
  }

  uninstall(): void {
    for (const [sig, handler] of this.handlers) process.off(sig, handler);
    this.handlers.clear();
    // Keep swallowing late EPIPEs: an unhandled stream error would crash the process.
  }

  /** Resolves when stopping starts. */
  whenStopped(): Promise<void> {
    return this.stopped;
  }

  get stopping(): boolean {
    return this.signal.aborted;
  }

  stop(sig?: NodeJS.Signals): void {
    if (this.signal.aborted) return;
    this.stoppedBy = sig;
    this.controller.abort(new Error(sig ? `stopped by ${sig}` : "the client closed its output"));
    this.onStop?.();
  }

  /** Wait until the output has flushed, but never past stopping (a closed pipe never drains). */
  async drained(): Promise<void> {
    if (this.outputClosed || !this.output.writableNeedDrain) return;
    await Promise.race([new Promise<void>((r) => this.output.once("drain", () => r())), this.stopped]);
  }

  /** Flow control over the output for a program's pipes. */
  readonly flow: FlowGate = {
    blocked: () => !this.outputClosed && !this.signal.aborted && this.output.writableNeedDrain,
    whenDrained: (resume) => {
      if (!this.flow.blocked()) return resume();
      let done = false;
      const once = () => {
        if (done) return;
        done = true;
        this.output.off("drain", once);
        resume();
      };
      this.output.once("drain", once);
      void this.stopped.then(once);
    },
  };

  /** After the mode's work has settled: end by the signal that stopped us, if one did. */
  finish(): void {
    this.uninstall();
    const sig = this.stoppedBy;
    if (sig && process.listenerCount(sig) === 0) process.kill(process.pid, sig);
  }

  private readonly onOutputError = (e: NodeJS.ErrnoException) => {
    // EPIPE (the client closed its end) or any other failure to write: the client is gone.
    this.outputClosed = true;
    if (e.code !== "EPIPE") process.stderr.write(`ccp: cannot write to the client: ${e.message}\n`);
    this.stop();
  };
}
