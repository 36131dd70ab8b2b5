// What hotspot analysis needs to know about a program's events, read off its AST.
import type { Chain, Program } from "../compiler/ast.js";
import { Symbols } from "../compiler/symbols.js";
import type { ProgramInfo } from "./hotspots.js";

export function programInfo(program: Program): ProgramInfo {
  const symbols = new Symbols(program);
  const anchors = new Set<string>();
  const visit = (chain: Chain, mod: Program["entry"]) => {
    for (const step of chain.steps) {
      if (step.kind === "invoke" && step.label) {
        const r = symbols.resolve(step.target, mod);
        if (r.ok) anchors.add(r.symbol.canonical);
      }
    }
    for (const c of chain.continuations) visit(c.body, mod);
  };
  for (const mod of new Set(Object.values(program.modules))) {
    for (const item of mod.items) if (item.kind === "flow" || item.kind === "subflow") visit(item.body, mod);
  }
  return {
    events: [...symbols.events.values()].map((sym) => ({
      name: sym.canonical,
      kind: sym.proc ? "proc" : sym.subflow ? "subflow" : "none",
      bodyLines: sym.proc ? sym.proc.body.split("\n").filter((l) => l.trim() !== "").length : sym.subflow ? 1 + countConts(sym.subflow.body) : 0,
      labelLoop: anchors.has(sym.canonical),
    })),
  };
}

function countConts(chain: Chain): number {
  return chain.continuations.reduce((n, c) => n + 1 + countConts(c.body), 0);
}
