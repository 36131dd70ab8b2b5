// The harness program of one event: the whole program emitted without its flows, plus a
// `main` that hands the baseline and every variant of the event to zig-runtime's harness.
// One build per event serves every variant (chosen by argument).
import { readFileSync } from "node:fs";
import type { Pass, ProcDecl, ZigWriter } from "../../compiler/index.js";
import {
  type CompileResult,
  caseState,
  compileSource,
  eventStructName,
  namespaceOf,
  variantIdent,
} from "../../compiler/index.js";
import type { Target } from "../target.js";
import { type FloatPolicy, policyZig } from "./float-policy.js";

export const HARNESS_RUNTIME = "variant_harness.zig";

export interface HarnessSource {
  compiled: CompileResult;
  /** Variant tags in the order the harness numbers them (`--variant i`). */
  tags: string[];
  /** Module variables the procs read or write: part of every case. */
  state: string[];
}

// The rule for which module variables a case holds lives in compiler/module-state.ts.
export { moduleVars } from "../../compiler/index.js";

export function generateHarness(target: Target, policy: FloatPolicy): HarnessSource {
  const { sym, program } = target;
  const tags = [...sym.variants.keys()];
  const procs: ProcDecl[] = [target.baseline, ...tags.map((t) => sym.variants.get(t)!)];
  const state = caseState(sym.module, procs);
  const ns = namespaceOf(program, sym.module);
  const ev = `${ns}.${eventStructName(sym.decl.path)}`;
  const epilogue = (w: ZigWriter) => {
    w.line("");
    w.line("// >>> variant harness");
    w.line(`const __koru_vh = @import("${HARNESS_RUNTIME}");`);
    w.line("pub const panic = __koru_std.debug.FullPanic(__koru_vh.panicHandler);");
    w.open("const __koru_state = struct {");
    w.line(`pub const State = struct { ${state.map((v) => `${v}: @TypeOf(${ns}.${v}),`).join(" ")} };`);
    const unused = state.length ? "" : "_ = s; ";
    w.line(`fn load(s: *const State) void { ${unused}${state.map((v) => `${ns}.${v} = s.${v};`).join(" ")} }`);
    w.line(`fn save(s: *State) void { ${unused}${state.map((v) => `s.${v} = ${ns}.${v};`).join(" ")} }`);
    w.close("};");
    w.open("fn __koru_harness_main() void {");
    w.line(`const E = ${ev};`);
    const variants = tags.map((t) => `.{ .tag = "${t.replace(/["\\]/g, "")}", .proc = E.handler__${variantIdent(t)} }`);
    w.line(
      `__koru_vh.Harness(E.Input, E.Output, __koru_state.State).main(E.handler, &.{ ${variants.join(", ")} }, .{ .load_state = __koru_state.load, .save_state = __koru_state.save }, ${policyZig(policy)});`,
    );
    w.close();
  };
  // The harness pass replaces the program's flows and `main` with the harness's own.
  const harnessPass: Pass = {
    name: "variant_harness",
    run(ctx) {
      ctx.hooks.push({ omitFlow: () => true, mainStart: (w) => w.line("__koru_harness_main();"), epilogue });
    },
  };
  const compiled = compileSource(readFileSync(target.file, "utf8"), target.file, {
    ignoreVariantSelection: true,
    insert: [{ pass: harnessPass, before: "emit" }],
  });
  // Zig's segfault handler prints stack traces, which pulls DWARF parsing into the build: it
  // made a ReleaseSafe harness take ~15 s to compile instead of ~1 s. A crash is reported by
  // the harness's supervisor (the signal, the side and the case) without it.
  if (compiled.zig && !/\bstd_options\b/.test(compiled.zig))
    compiled.zig += "\npub const std_options: __koru_std.Options = .{ .enable_segfault_handler = false };\n";
  return { compiled, tags, state };
}
