// Runs an agent-written pass in QuickJS compiled to WebAssembly: a fresh runtime per run with
// a time limit (interrupt handler), a memory limit and a stack limit; no file system, network
// or process (QuickJS has none unless a host adds them, and we add none), no clock (Date is
// fixed at the epoch) and no randomness (Math.random is a fixed-seed generator). The program
// goes in as JSON text and comes out as JSON text, or as the verdict that it is unchanged;
// nothing else crosses the boundary.
import {
  getQuickJS,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSWASMModule,
  shouldInterruptAfterDeadline,
} from "quickjs-emscripten";
import * as api from "../api.js";
import type { PassRejection } from "../diagnostics.js";
import { readBinaryObject } from "./binary-object.js";

export interface SandboxLimits {
  /** Wall time for loading the module and running the pass. */
  timeMs: number;
  memoryBytes: number;
  stackBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { timeMs: 2_000, memoryBytes: 128 * 1024 * 1024, stackBytes: 1024 * 1024 };

export type SandboxOutcome =
  /**
   * The pass's result, in QuickJS's binary object format (`binary`, read by binary-object.ts) or,
   * for what that reader cannot take, as JSON text; neither when it is the program it was given.
   */
  | { ok: true; binary?: Uint8Array; json?: string; durationMs: number }
  | { ok: false; kind: PassRejection; reason: string; durationMs: number };

// The helper API (passes/api.ts) rebuilt from its functions' text: it imports nothing, and each
// export is a function declaration, so the module inside QuickJS is the same code.
const API_SOURCE = Object.values(api)
  .filter((f) => typeof f === "function")
  .map((f) => `export ${f.toString()}`)
  .join("\n");

// Runs before the pass module: takes the clock and randomness away, fixed for every run.
const PRELUDE = `
const RealDate = Date;
class FixedDate extends RealDate {
  constructor(...args) { super(...(args.length ? args : [0])); }
  static now() { return 0; }
}
globalThis.Date = FixedDate;
let seed = 0x2545f491;
Math.random = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 4294967296; };
`;

// The host calls these three in turn: the input is parsed, the pass runs, and its result is
// turned into JSON text only when it is not the program it was given (see `runWith`).
const MAIN = `
import pass from "koru:pass";
import * as api from "koru:api";
globalThis.__koruParse = (text) => JSON.parse(text);
globalThis.__koruRun = (program) => {
  if (typeof pass !== "function") throw new TypeError("the pass module's default export is not a function");
  const out = pass(program, api);
  if (out && typeof out.then === "function") throw new TypeError("the pass returned a promise; passes are synchronous");
  return out;
};
globalThis.__koruStringify = (out) => {
  const json = JSON.stringify(out);
  if (json === undefined) throw new TypeError("the pass returned undefined");
  return json;
};
`;

let quickjs: Promise<QuickJSWASMModule> | undefined;

/** Load the WebAssembly module once per process (about 30 ms). */
export function loadQuickJS(): Promise<QuickJSWASMModule> {
  quickjs ??= getQuickJS();
  return quickjs;
}

/** Run the pass module `source` on `input` (program JSON text) under `limits`. Never throws. */
export async function runSandboxed(
  source: string,
  input: string,
  limits: SandboxLimits = DEFAULT_LIMITS,
): Promise<SandboxOutcome> {
  const module = await loadQuickJS();
  return runWith(module, source, input, limits);
}

export function runWith(
  module: QuickJSWASMModule,
  source: string,
  input: string,
  limits: SandboxLimits,
): SandboxOutcome {
  const start = performance.now();
  const took = () => Math.round((performance.now() - start) * 1000) / 1000;
  const runtime = module.newRuntime();
  runtime.setMemoryLimit(limits.memoryBytes);
  runtime.setMaxStackSize(limits.stackBytes);
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + limits.timeMs));
  runtime.setModuleLoader((name) => {
    if (name === "koru:pass") return source;
    if (name === "koru:api") return API_SOURCE;
    return { error: new Error(`cannot import '${name}': a pass may import only "koru:api"`) };
  });
  const context = runtime.newContext();
  try {
    const prelude = context.evalCode(PRELUDE, "prelude.js", { type: "global" });
    if (prelude.error) {
      const why = context.dump(prelude.error);
      prelude.error.dispose();
      return { ok: false, kind: "threw", reason: `sandbox setup failed: ${describe(why)}`, durationMs: took() };
    }
    prelude.value.dispose();
    const loaded = context.evalCode(MAIN, "main.js", { type: "module" });
    if (loaded.error) {
      const why = context.dump(loaded.error);
      loaded.error.dispose();
      return { ok: false, ...classify(why, "failed to load"), durationMs: took() };
    }
    loaded.value.dispose();
    runtime.executePendingJobs();
    const call = (name: string, arg: QuickJSHandle): QuickJSHandle | { why: unknown } => {
      const fn = context.getProp(context.global, name);
      const result = context.callFunction(fn, context.undefined, arg);
      fn.dispose();
      if (!result.error) return result.value;
      const why = context.dump(result.error);
      result.error.dispose();
      return { why };
    };
    const text = context.newString(input);
    const program = call("__koruParse", text);
    text.dispose();
    if ("why" in program) return { ok: false, ...classify(program.why, "threw"), durationMs: took() };
    // The program's bytes in QuickJS's binary object format, taken before the pass can touch it.
    // Writing them is some ten times faster than JSON.stringify, and a result written to the same
    // bytes is the same program: it needs no JSON text, no reading back and no re-check.
    const before = binary(context, program);
    const out = call("__koruRun", program);
    try {
      if ("why" in out) return { ok: false, ...classify(out.why, "threw"), durationMs: took() };
      const after = binary(context, out);
      if (before !== undefined && after !== undefined && Buffer.compare(before, after) === 0)
        return { ok: true, durationMs: took() };
      if (after !== undefined && readable(after)) return { ok: true, binary: after, durationMs: took() };
      const json = call("__koruStringify", out);
      if ("why" in json) return { ok: false, ...classify(json.why, "threw"), durationMs: took() };
      const result = context.getString(json);
      json.dispose();
      return { ok: true, json: result, durationMs: took() };
    } finally {
      program.dispose();
      if (!("why" in out) && out.alive) out.dispose();
    }
  } catch (e) {
    // A failure of the sandbox itself (e.g. memory exhausted while copying handles out).
    return { ok: false, ...classify({ message: String(e) }, "failed in the sandbox"), durationMs: took() };
  } finally {
    try {
      context.dispose();
      runtime.dispose();
    } catch {
      // A runtime left inconsistent by an exhausted limit: start from a fresh module next time.
      quickjs = undefined;
    }
  }
}

/** `value` in QuickJS's binary object format (a copy), or undefined when it cannot be written. */
function binary(context: QuickJSContext, value: QuickJSHandle): Buffer | undefined {
  let encoded: QuickJSHandle | undefined;
  try {
    encoded = context.encodeBinaryJSON(value);
    const bytes = context.getArrayBuffer(encoded);
    try {
      return Buffer.from(bytes.value);
    } finally {
      bytes.dispose();
    }
  } catch {
    return undefined;
  } finally {
    encoded?.dispose();
  }
}

/** The bytes hold only what JSON can (checked here, so the compiler's thread can read them). */
function readable(bytes: Uint8Array): boolean {
  try {
    readBinaryObject(bytes, false);
    return true;
  } catch {
    return false;
  }
}

function classify(error: unknown, verb: string): { kind: PassRejection; reason: string } {
  const text = describe(error);
  if (/interrupted/i.test(text)) return { kind: "timeout", reason: "ran past its time limit and was stopped" };
  if (/out of memory|string too long|invalid array buffer length/i.test(text))
    return { kind: "memory", reason: "ran out of its memory limit" };
  if (/stack overflow/i.test(text)) return { kind: "memory", reason: "exceeded its stack limit (deep recursion)" };
  if (/circular|cyclic/i.test(text)) return { kind: "invalid", reason: "returned a cyclic object" };
  return { kind: "threw", reason: `${verb}: ${text}` };
}

function describe(error: unknown): string {
  if (error && typeof error === "object") {
    const e = error as { name?: unknown; message?: unknown };
    if (typeof e.message === "string") return typeof e.name === "string" ? `${e.name}: ${e.message}` : e.message;
  }
  return String(error);
}
