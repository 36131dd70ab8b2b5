// CCP instrumentation as a pass over emission: every event invocation is wrapped so the
// runtime recorder (zig-runtime/koru_ccp.zig) sees its site, branch and duration. When
// neither --ccp nor --profile is on, none of this runs and the emitted Zig is unchanged.
import type { Program } from "./ast.js";
import type { InvocationProbe } from "./emit/flow.js";
import type { EmitHooks } from "./emit/program.js";
import type { EventSymbol } from "./symbols.js";

export interface InstrumentOptions {
  ccp: boolean;
  profile: boolean;
}

export interface Site {
  source: string;
  branch: string;
  destination: string | null;
}

/** The modules whose import turns observability on, as upstream's `$std/ccp` does. */
export function observabilityFromImports(program: Program): InstrumentOptions {
  return { ccp: program.modules["std.ccp"] !== undefined, profile: program.modules["std.profiler"] !== undefined };
}

export const RUNTIME_FILE = "koru_ccp.zig";

export function instrumentationHooks(opts: InstrumentOptions): { hooks: EmitHooks; runtimeFiles: string[]; sites: Site[] } {
  if (!opts.ccp && !opts.profile) return { hooks: {}, runtimeFiles: [], sites: [] };
  const sites: Site[] = [];
  const probe: InvocationProbe = {
    wrap(handler: string, input: string, sym: EventSymbol, destinations: Map<string, string | null>, chained: string): string {
      const base = sites.length;
      const branches = sym.decl.branches.length === 0 ? [""] : sym.decl.branches.map((b) => b.name);
      for (const branch of branches) sites.push({ source: sym.canonical, branch, destination: destinations.get(branch) ?? null });
      if (chained === "false") return `__koru_ccp.observe(${base}, ${handler}, ${input})`;
      return `__koru_ccp.observeChained(${base}, ${handler}, ${input}, ${chained})`;
    },
  };
  const hooks: EmitHooks = {
    probe,
    prelude: (w) => {
      w.line(`const __koru_ccp = @import("${RUNTIME_FILE}").Recorder(&__koru_sites);`);
      w.line("pub const panic = __koru_ccp.panic;");
    },
    mainStart: (w) => w.line(`__koru_ccp.start(.{ .transitions = ${opts.ccp}, .profile = ${opts.profile} });`),
    mainEnd: (w) => w.line("__koru_ccp.finish();"),
    epilogue: (w) => {
      w.line("");
      w.open("const __koru_sites = [_]@import(\"koru_ccp.zig\").Site{");
      for (const s of sites) {
        w.line(
          `.{ .source = ${JSON.stringify(s.source)}, .branch = ${JSON.stringify(s.branch)}, .destination = ${s.destination === null ? "null" : JSON.stringify(s.destination)} },`,
        );
      }
      w.close("};");
    },
  };
  return { hooks, runtimeFiles: [RUNTIME_FILE], sites };
}
