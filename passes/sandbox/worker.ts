// The sandbox's worker thread: runs passes in QuickJS one at a time and answers on the port it
// was given, then wakes the waiting compiler thread through the shared flag. A pass that breaks
// the WebAssembly runtime takes down only this thread; the compiler replaces it.
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { loadQuickJS, runWith, type SandboxLimits } from "./quickjs.js";

interface Job {
  source: string;
  input: string;
  limits: SandboxLimits;
}

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
const module = await loadQuickJS();

function answer(message: unknown): void {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

parentPort!.on("message", (job: Job) => {
  try {
    answer(runWith(module, job.source, job.input, job.limits));
  } catch (e) {
    answer({ ok: false, kind: "threw", reason: `failed in the sandbox: ${String(e)}`, durationMs: 0 });
  }
});
answer({ ready: true });
