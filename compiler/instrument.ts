// CCP instrumentation as a pass over emission: every event invocation is wrapped so the
// runtime recorder (zig-runtime/koru_ccp.zig) sees its site, branch and duration. When
// neither --ccp nor --profile is on, none of this runs and the emitted Zig is unchanged.
import type { Program } from "./ast.js";
import type { InvocationProbe } from "./emit/flow.js";
import type { EmitHooks } from "./emit/program.js";

/** What the recorder measures (docs/run-records.md): counts + sampled time, every call timed, or raw lines. */
export type CcpMode = "counts" | "timing" | "transitions";
export const CCP_MODES: readonly CcpMode[] = ["counts", "timing", "transitions"];

export interface InstrumentOptions {
  ccp: boolean;
  profile: boolean;
  /** Default "counts". */
  mode?: CcpMode;
}

export interface Site {
  source: string;
  branch: string;
  destination: string | null;
  /** Index of the first site of the same invocation. */
  invocation: number;
}

/** The modules whose import turns observability on, as upstream's `$std/ccp` does. */
export function observabilityFromImports(program: Program): InstrumentOptions {
  return { ccp: program.modules["std.ccp"] !== undefined, profile: program.modules["std.profiler"] !== undefined };
}

export const RUNTIME_FILE = "koru_ccp.zig";
/** Every Zig file the recorder needs beside the generated program. */
export const RUNTIME_FILES = [RUNTIME_FILE, "ccp_text.zig", "ccp_clock.zig"];

export function instrumentationHooks(opts: InstrumentOptions): {
  hooks: EmitHooks;
  runtimeFiles: string[];
  sites: Site[];
} {
  if (!opts.ccp && !opts.profile) return { hooks: {}, runtimeFiles: [], sites: [] };
  const sites: Site[] = [];
  const probe: InvocationProbe = {
    wrap(handler, input, sym, destinations, chained) {
      const base = sites.length;
      const branches = sym.decl.branches.length === 0 ? [""] : sym.decl.branches.map((b) => b.name);
      for (const branch of branches) {
        sites.push({ source: sym.canonical, branch, destination: destinations.get(branch) ?? null, invocation: base });
      }
      if (chained === "false") return `__koru_ccp.observe(${base}, ${handler}, ${input})`;
      return `__koru_ccp.observeChained(${base}, ${handler}, ${input}, ${chained})`;
    },
  };
  const hooks: EmitHooks = {
    probe,
    prelude: (w) => {
      const mode = opts.ccp ? (opts.mode ?? "counts") : "counts";
      w.line(
        `const __koru_ccp = @import("${RUNTIME_FILE}").Recorder(&__koru_sites, .{ .mode = .${mode}, .profile = ${opts.profile} });`,
      );
      w.line("pub const panic = __koru_ccp.panic;");
    },
    mainStart: (w) => w.line("__koru_ccp.start(.{});"),
    // A thread reaches the program's flows through subflow handlers (top-level flows run on
    // the main thread, which \`start\` enrolls): each enrolls its thread with the recorder
    // once, so the per-invocation path has no check (zig-runtime/koru_ccp.zig, \`enter\`).
    handlerStart: (w, sym) => {
      if (sym.subflow) w.line("__koru_ccp.enter();");
    },
    mainEnd: (w) => w.line("__koru_ccp.finish();"),
    epilogue: (w) => {
      w.line("");
      w.open('const __koru_sites = [_]@import("koru_ccp.zig").Site{');
      for (const s of sites) {
        w.line(
          `.{ .source = ${JSON.stringify(s.source)}, .branch = ${JSON.stringify(s.branch)}, .destination = ${s.destination === null ? "null" : JSON.stringify(s.destination)}, ` +
            `.invocation = ${s.invocation} },`,
        );
      }
      w.close("};");
    },
  };
  return { hooks, runtimeFiles: [...RUNTIME_FILES], sites };
}

/** `--ccp=<mode>` as the CLI and CCP commands take it: `counts`, `timing`, `transitions[:N[:uniform]]`. */
export interface CcpSpec {
  mode: CcpMode;
  /** Raw transition lines to keep (transitions mode). */
  maxTransitions?: number;
  /** The first N transitions (default) or a uniform sample of N over the run. */
  sample?: "first" | "uniform";
}

/** Parse a `--ccp=` value; a string describing the problem when it is not one. */
export function parseCcpSpec(value: string): CcpSpec | string {
  const [mode, n, sample, ...rest] = value.split(":");
  if (!CCP_MODES.includes(mode as CcpMode))
    return `--ccp= takes counts, timing or transitions[:N[:uniform]], got '${value}'`;
  if (mode !== "transitions" && n !== undefined) return `only --ccp=transitions takes a count, got '${value}'`;
  const spec: CcpSpec = { mode: mode as CcpMode };
  if (n !== undefined) {
    if (!/^\d+$/.test(n) || !Number.isSafeInteger(Number(n)))
      return `--ccp=transitions:N needs a whole number, got '${n}'`;
    spec.maxTransitions = Number(n);
  }
  if (sample !== undefined) {
    if ((sample !== "uniform" && sample !== "first") || rest.length > 0) {
      return `--ccp=transitions:N: takes 'first' or 'uniform', got '${value}'`;
    }
    spec.sample = sample;
  }
  return spec;
}
