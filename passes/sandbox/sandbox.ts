// Runs sandboxed passes synchronously from the compiler's thread: QuickJS lives in a worker
// thread, the compiler posts a job and blocks on a shared flag (Atomics.wait) with a hard
// deadline. A pass that outlives the deadline, or breaks the runtime, costs only the worker,
// which is terminated and replaced; the compiler process never crashes and never hangs.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { DEFAULT_LIMITS, type SandboxLimits, type SandboxOutcome } from "./quickjs.js";

/** Time the worker gets beyond the pass's own limit (QuickJS stops loops itself; this is for native code). */
const GRACE_MS = 250;
const STARTUP_MS = 10_000;

interface Live {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

let live: Live | undefined;

/** The compiled worker script (tests run the TypeScript sources; the worker always runs from dist/). */
function workerScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, "worker.js");
  if (existsSync(beside)) return beside;
  return join(here, "..", "..", "dist", "passes", "sandbox", "worker.js");
}

function wait(flag: Int32Array, ms: number): boolean {
  return Atomics.wait(flag, 0, 0, ms) !== "timed-out" || Atomics.load(flag, 0) !== 0;
}

function start(): Live | string {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(workerScript(), { workerData: { port: port2, flag }, transferList: [port2] });
  worker.unref();
  port1.unref();
  if (!wait(flag, STARTUP_MS)) {
    void worker.terminate();
    return "the sandbox did not start in time";
  }
  receiveMessageOnPort(port1);
  return { worker, port: port1, flag };
}

function stop(): void {
  if (!live) return;
  void live.worker.terminate();
  live.port.close();
  live = undefined;
}

/** Start the sandbox's worker now (else the first pass pays for it, about 100 ms). */
export function warmSandbox(): void {
  if (live) return;
  const started = start();
  if (typeof started !== "string") live = started;
}

/** Run the pass module `source` on `input` (program JSON text) under `limits`. Blocks; never throws. */
export function runInSandbox(source: string, input: string, limits: SandboxLimits = DEFAULT_LIMITS): SandboxOutcome {
  const begin = performance.now();
  const took = () => Math.round((performance.now() - begin) * 1000) / 1000;
  if (!live) {
    const started = start();
    if (typeof started === "string") return { ok: false, kind: "threw", reason: started, durationMs: took() };
    live = started;
  }
  const { worker, port, flag } = live;
  Atomics.store(flag, 0, 0);
  worker.postMessage({ source, input, limits });
  if (!wait(flag, limits.timeMs + GRACE_MS)) {
    stop();
    return { ok: false, kind: "timeout", reason: "ran past its time limit and was stopped", durationMs: took() };
  }
  const message = receiveMessageOnPort(port)?.message as SandboxOutcome | undefined;
  if (!message) {
    stop();
    return { ok: false, kind: "threw", reason: "the sandbox stopped without an answer", durationMs: took() };
  }
  // An exhausted limit may leave the runtime's allocator in a poor state: start afresh.
  if (!message.ok && (message.kind === "memory" || message.kind === "timeout")) stop();
  return message;
}

/** Stop the worker (tests, shutdown). */
export function closeSandbox(): void {
  stop();
}
