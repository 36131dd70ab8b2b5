// `--capture <event>`: record a bounded sample of one event's real inputs while the program
// runs, in the variant harness's case encoding, so `koruc variants test` replays them and
// `koruc variants bench` measures on them. A pass inserted before `emit` only when asked
// for: without it nothing here runs and the generated Zig is unchanged.
import type { Module } from "./ast.js";
import { error } from "./diagnostics.js";
import { namespaceOf } from "./emit/program.js";
import { caseState } from "./module-state.js";
import type { Pass, PassInsertion } from "./pipeline.js";
import { symbolsOf } from "./pipeline.js";
import type { EventSymbol, Symbols } from "./symbols.js";
import { koruDir } from "./workspace.js";

export const CAPTURE_RUNTIME_FILES = ["koru_capture.zig", "variant_harness.zig"];
/** The variable naming the file the sample is written to at exit (unset: nothing is written). */
export const CAPTURE_FILE_ENV = "KORU_CAPTURE_FILE";
export const CAPTURE_DEFAULT_MAX = 1000;
export const CAPTURE_DEFAULT_MAX_BYTES = 4 << 20;

export interface CaptureOptions {
  /** The event, as in the source (`blur`) or canonically (`blur:blur`). */
  event: string;
  /** Records kept (reservoir size); default 1,000. */
  max?: number;
  /** Bytes kept; default 4 MiB. */
  maxBytes?: number;
  /** Told the event's canonical name once the pass has found it (to name the capture file). */
  onEvent?: (canonical: string) => void;
}

/** Where a run's sample of an event's inputs goes, and where the variant harness reads it. */
export function capturePath(workspace: string, canonical: string): string {
  return koruDir(workspace, "captures", `${canonical.replace(/[^A-Za-z0-9_.-]+/g, "_")}.bin`);
}

/** The module variables recorded with each input: the harness's case state (module-state.ts). */
export function captureState(sym: EventSymbol): string[] {
  return caseState(
    sym.module,
    [sym.proc, ...sym.variants.values()].filter((p) => p !== undefined),
  );
}

export function captureEvent(symbols: Symbols, entry: Module, event: string): EventSymbol | undefined {
  const direct = symbols.events.get(event);
  if (direct) return direct;
  const [mod, path] = event.includes(":") ? event.split(":", 2) : [entry.name, event];
  return symbols.events.get(`${mod === "input" || mod === "" ? entry.name : mod}:${path}`);
}

export function capturePass(opts: CaptureOptions): Pass {
  const max = Math.max(1, Math.floor(opts.max ?? CAPTURE_DEFAULT_MAX));
  const maxBytes = Math.max(1, Math.floor(opts.maxBytes ?? CAPTURE_DEFAULT_MAX_BYTES));
  return {
    name: "capture",
    run(ctx) {
      const program = ctx.program!;
      const sym = captureEvent(symbolsOf(ctx), program.entry, opts.event);
      if (!sym?.proc || sym.subflow) {
        const what = sym
          ? `event '${sym.canonical}' has no proc whose inputs can be captured`
          : `no event '${opts.event}'`;
        ctx.diagnostics.push(error("KORU040", `--capture: ${what}`, { file: ctx.file, line: 1, col: 1 }));
        return;
      }
      opts.onEvent?.(sym.canonical);
      const state = captureState(sym);
      ctx.runtimeFiles.push(...CAPTURE_RUNTIME_FILES.filter((f) => !ctx.runtimeFiles.includes(f)));
      ctx.hooks.push({
        prelude: (w) => w.line(`const __koru_capture = @import("koru_capture.zig").Capture(${max}, ${maxBytes});`),
        // `defer`: the sample is written however `main` returns (a user `main` included).
        mainStart: (w) => w.line("defer __koru_capture.flush();"),
        handlerStart: (w, s) => {
          if (s !== sym) return;
          // The input and the module state, in the harness's order: gen(Input) then gen(State).
          const ns = namespaceOf(program, sym.module);
          const values = ["__koru_event_input", ...state.map((v) => `${ns}.${v}`)];
          w.line(`if (__koru_capture.want()) __koru_capture.record(.{ ${values.join(", ")} });`);
        },
      });
    },
  };
}

export function captureInsertion(opts: CaptureOptions): PassInsertion {
  return { pass: capturePass(opts), before: "emit" };
}
