// Checks on variant procs (`~proc blur|zig(ai_opt_1)`): the event exists, has a baseline proc
// (not a subflow), and no two variants share a tag (`zig(x)` and bare `x` are the same tag).
import type { Module, ProcDecl, Program } from "./ast.js";
import { type Diagnostic, error } from "./diagnostics.js";
import type { Symbols } from "./symbols.js";
import { canonicalTag } from "./variant-tags.js";

export function checkVariants(program: Program, symbols: Symbols): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const seen = new Map<string, ProcDecl>();
  for (const mod of new Set<Module>(Object.values(program.modules))) {
    for (const item of mod.items) {
      if (item.kind !== "proc" || item.variant === undefined || item.variant === "zig") continue;
      const name = [item.target.module, item.target.path.join(".")].filter(Boolean).join(":");
      const sym = symbols.lookup(item.target, mod);
      if (!sym) {
        diags.push(
          error("KORU120", `variant '${item.variant}' of unknown event '${name}'`, item.span, {
            hint: "declare the event with ~event first",
          }),
        );
        continue;
      }
      const key = `${sym.canonical}|${canonicalTag(item.variant)}`;
      const first = seen.get(key);
      if (first) {
        diags.push(
          error("KORU071", `duplicate variant tag '${item.variant}' for event '${sym.canonical}'`, item.span, {
            hint: `the first is at ${first.span.file}:${first.span.line}; give this one another tag`,
          }),
        );
        continue;
      }
      seen.set(key, item);
      if (sym.subflow && !sym.proc) {
        diags.push(
          error(
            "KORU073",
            `variant '${item.variant}' of event '${sym.canonical}', which is implemented by a subflow`,
            item.span,
            {
              hint: "variants replace a Zig proc; write the baseline as ~proc first",
            },
          ),
        );
      } else if (!sym.proc) {
        diags.push(
          error("KORU072", `variant '${item.variant}' of event '${sym.canonical}' has no baseline proc`, item.span, {
            hint: `write the baseline first: ~proc ${name} { ... }`,
          }),
        );
      }
    }
  }
  return diags;
}
