// What hotspot analysis needs to know about a program's events, read off its AST.
import type { Chain, Program } from "../compiler/ast.js";
import { Symbols } from "../compiler/symbols.js";
import { walkChain, walkProgram } from "../compiler/walk.js";
import type { ProgramInfo } from "./hotspots.js";

export function programInfo(program: Program): ProgramInfo {
  const symbols = new Symbols(program);
  const anchors = new Set<string>();
  walkProgram(program, {
    step(step, ctx) {
      if (step.kind !== "invoke" || !step.label) return;
      const r = symbols.resolve(step.target, ctx.module);
      if (r.ok) anchors.add(r.symbol.canonical);
    },
  });
  return {
    events: [...symbols.events.values()].map((sym) => ({
      name: sym.canonical,
      kind: sym.proc ? "proc" : sym.subflow ? "subflow" : "none",
      bodyLines: sym.proc
        ? sym.proc.body.split("\n").filter((l) => l.trim() !== "").length
        : sym.subflow
          ? 1 + countConts(sym.subflow.body)
          : 0,
      labelLoop: anchors.has(sym.canonical),
    })),
  };
}

function countConts(chain: Chain): number {
  let n = 0;
  walkChain(
    chain,
    { continuation: () => void n++ },
    { module: { name: "", file: "", items: [] }, item: { kind: "host", text: "", span: chain.span } },
  );
  return n;
}
