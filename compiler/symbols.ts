// The symbol table: every event of every module, its implementation and variants,
// and how a reference written in one module resolves.
import type { EventDecl, EventRef, Module, ProcDecl, Program, SubflowImpl } from "./ast.js";

export interface EventSymbol {
  decl: EventDecl;
  module: Module;
  /** Canonical name, `module:event.path` (`input:greet`, `std.io:print.ln`). */
  canonical: string;
  proc?: ProcDecl;
  subflow?: SubflowImpl;
  /** Alternative implementations by variant tag. */
  variants: Map<string, ProcDecl>;
}

export type Resolution =
  | { ok: true; symbol: EventSymbol }
  | { ok: false; reason: "unknown" | "private"; canonical: string };

export class Symbols {
  /** By canonical name. */
  readonly events = new Map<string, EventSymbol>();

  constructor(readonly program: Program) {
    for (const mod of new Set(Object.values(program.modules))) {
      for (const item of mod.items) {
        if (item.kind !== "event") continue;
        const canonical = `${mod.name}:${item.path.join(".")}`;
        if (!this.events.has(canonical))
          this.events.set(canonical, { decl: item, module: mod, canonical, variants: new Map() });
      }
    }
    for (const mod of new Set(Object.values(program.modules))) {
      for (const item of mod.items) {
        if (item.kind !== "proc" && item.kind !== "subflow") continue;
        const sym = this.lookup(item.target, mod);
        if (!sym) continue;
        if (item.kind === "subflow") sym.subflow ??= item;
        else if (item.variant && item.variant !== "zig") sym.variants.set(item.variant, item);
        else sym.proc ??= item;
      }
    }
  }

  /** Plain lookup ignoring visibility (implementations may target any module's event). */
  lookup(ref: EventRef, from: Module): EventSymbol | undefined {
    const r = this.resolve(ref, from);
    if (r.ok) return r.symbol;
    return r.reason === "private" ? this.events.get(r.canonical) : undefined;
  }

  private readonly cache = new WeakMap<EventRef, { from: Module; result: Resolution }>();

  resolve(ref: EventRef, from: Module): Resolution {
    const hit = this.cache.get(ref);
    if (hit?.from === from) return hit.result;
    const result = this.resolveUncached(ref, from);
    this.cache.set(ref, { from, result });
    return result;
  }

  private resolveUncached(ref: EventRef, from: Module): Resolution {
    const path = ref.path.join(".");
    if (ref.module !== undefined) {
      // Module names may alias one module (a circular import of the entry file).
      const canonical = `${this.program.modules[ref.module]?.name ?? ref.module}:${path}`;
      const sym = this.events.get(canonical);
      if (!sym) return { ok: false, reason: "unknown", canonical };
      if (sym.module !== from && !sym.decl.pub) return { ok: false, reason: "private", canonical };
      return { ok: true, symbol: sym };
    }
    const local = this.events.get(`${from.name}:${path}`);
    if (local) return { ok: true, symbol: local };
    // Unqualified calls reach `[keyword]` events of other modules.
    for (const sym of this.events.values()) {
      if (sym.decl.path.join(".") === path && sym.decl.pub && sym.decl.annotations.includes("keyword")) {
        return { ok: true, symbol: sym };
      }
    }
    return { ok: false, reason: "unknown", canonical: `${from.name}:${path}` };
  }
}

export function isTransform(sym: EventSymbol): boolean {
  return sym.decl.annotations.includes("transform");
}
