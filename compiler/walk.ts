// The one walker over the AST: every item, chain, step and continuation of a program or
// module, in source order, with the module it belongs to. It keeps its own stack instead of
// recursing, so a program nested 100,000 levels deep is walked without a stack overflow.
import type { Chain, Continuation, Item, Module, Program, Step } from "./ast.js";

export interface WalkContext {
  readonly module: Module;
  /** The top-level item the node belongs to. */
  readonly item: Item;
  /** Continuations enclosing the node, outermost first (0 for a top-level chain). */
  readonly depth: number;
}

export interface Visitor {
  /** Return false to skip the item's chains. */
  item?(item: Item, module: Module): unknown;
  chain?(chain: Chain, ctx: WalkContext): void;
  step?(step: Step, ctx: WalkContext): void;
  /** Return false to skip the continuation's body. */
  continuation?(cont: Continuation, ctx: WalkContext): unknown;
}

/** The chain an item holds, if any (flows and subflow implementations). */
export function itemChain(item: Item): Chain | undefined {
  return item.kind === "flow" || item.kind === "subflow" ? item.body : undefined;
}

/** Walk one chain and everything nested in it. */
export function walkChain(root: Chain, visitor: Visitor, at: { module: Module; item: Item; depth?: number }): void {
  // Pre-order, in source order: a continuation is visited right before its body.
  const stack: { chain: Chain; depth: number; cont?: Continuation; parent?: WalkContext }[] = [
    { chain: root, depth: at.depth ?? 0 },
  ];
  while (stack.length > 0) {
    const { chain, depth, cont, parent } = stack.pop()!;
    if (cont && parent && visitor.continuation?.(cont, parent) === false) continue;
    const ctx: WalkContext = { module: at.module, item: at.item, depth };
    visitor.chain?.(chain, ctx);
    if (visitor.step) for (const step of chain.steps) visitor.step(step, ctx);
    for (let i = chain.continuations.length - 1; i >= 0; i--) {
      const c = chain.continuations[i];
      stack.push({ chain: c.body, depth: depth + 1, cont: c, parent: ctx });
    }
  }
}

/** Walk every item of a module. */
export function walkModule(module: Module, visitor: Visitor): void {
  for (const item of module.items) {
    if (visitor.item?.(item, module) === false) continue;
    const chain = itemChain(item);
    if (chain) walkChain(chain, visitor, { module, item });
  }
}

/** Walk every module of a program once (the entry first, then imports in load order). */
export function walkProgram(program: Program, visitor: Visitor): void {
  for (const module of new Set([program.entry, ...Object.values(program.modules)])) walkModule(module, visitor);
}
