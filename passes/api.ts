// The helper API for pass authors: walk and map items, find invocations of an event, replace
// a flow or a continuation, rename an event, inline a subflow. Every function is pure: it
// returns a new program and never changes the one it was given.
//
// This file imports nothing but types and every function in it is a plain exported function
// declaration: the pass sandbox rebuilds the module inside QuickJS from the functions' own
// text (the `api` argument of agent-written passes), so the same code runs in both places.
import type { Chain, Continuation, EventRef, FlowItem, Invocation, Item, Module, Step } from "../compiler/ast.js";

/**
 * A program as passes see it: `entry` plus the modules by name. `modules` may or may not
 * list the entry too (the compiler's `Program` does, the JSON handed to sandboxed passes does
 * not); every function here keeps whichever form it was given.
 */
export interface PassProgram {
  entry: Module;
  modules: Record<string, Module>;
  flags: string[];
}

/** Every module once, the entry first. */
export function modulesOf(program: PassProgram): Module[] {
  const rest = Object.values(program.modules).filter((m) => m !== program.entry && m.name !== program.entry.name);
  return [program.entry, ...rest];
}

/** A new program with `fn` applied to every module (the entry included). */
export function mapModules<P extends PassProgram>(program: P, fn: (module: Module) => Module): P {
  const entry = fn(program.entry);
  const modules: Record<string, Module> = {};
  for (const [name, m] of Object.entries(program.modules)) {
    modules[name] = m === program.entry || name === program.entry.name ? entry : fn(m);
  }
  return { ...program, entry, modules };
}

/** Replace each item by what `fn` returns: the same item, a new one, several, or none (`[]`). */
export function mapItems<P extends PassProgram>(program: P, fn: (item: Item, module: Module) => Item | Item[]): P {
  return mapModules(program, (module) => {
    let changed = false;
    const items: Item[] = [];
    for (const item of module.items) {
      const out = fn(item, module);
      if (out !== item) changed = true;
      if (Array.isArray(out)) items.push(...out);
      else items.push(out);
    }
    return changed ? { ...module, items } : module;
  });
}

export interface Visitor {
  item?(item: Item, module: Module): void;
  chain?(chain: Chain, module: Module): void;
  step?(step: Step, module: Module): void;
  continuation?(continuation: Continuation, module: Module): void;
}

/** Visit every item, chain, step and continuation in source order (read-only). */
export function walk(program: PassProgram, visitor: Visitor): void {
  for (const module of modulesOf(program)) {
    const visitChain = (chain: Chain): void => {
      visitor.chain?.(chain, module);
      for (const s of chain.steps) visitor.step?.(s, module);
      for (const c of chain.continuations) {
        visitor.continuation?.(c, module);
        visitChain(c.body);
      }
    };
    for (const item of module.items) {
      visitor.item?.(item, module);
      if (item.kind === "flow" || item.kind === "subflow") visitChain(item.body);
    }
  }
}

/** Rebuild every chain bottom-up (continuation bodies before the chain holding them). */
export function mapChains<P extends PassProgram>(program: P, fn: (chain: Chain, module: Module) => Chain): P {
  return mapItems(program, (item, module) => {
    if (item.kind !== "flow" && item.kind !== "subflow") return item;
    const body = mapChain(item.body, (c) => fn(c, module));
    return body === item.body ? item : { ...item, body };
  });
}

export function mapChain(chain: Chain, fn: (chain: Chain) => Chain): Chain {
  let changed = false;
  const continuations = chain.continuations.map((c) => {
    const body = mapChain(c.body, fn);
    if (body === c.body) return c;
    changed = true;
    return { ...c, body };
  });
  return fn(changed ? { ...chain, continuations } : chain);
}

/** Replace each step by what `fn` returns (one step or several). */
export function mapSteps<P extends PassProgram>(program: P, fn: (step: Step, module: Module) => Step | Step[]): P {
  return mapChains(program, (chain, module) => {
    let changed = false;
    const steps: Step[] = [];
    for (const s of chain.steps) {
      const out = fn(s, module);
      if (out !== s) changed = true;
      if (Array.isArray(out)) steps.push(...out);
      else steps.push(out);
    }
    return changed ? { ...chain, steps } : chain;
  });
}

/** `print.ln`, or `std.io:print.ln` with its module. */
export function refName(ref: EventRef): string {
  return ref.module !== undefined ? `${ref.module}:${ref.path.join(".")}` : ref.path.join(".");
}

/**
 * Whether `ref`, written in `module`, names `event`: a qualified name (`std.io:print.ln`)
 * must match module and path; an unqualified one (`print.ln`) matches the path alone.
 */
export function refersTo(ref: EventRef, event: string, module?: Module): boolean {
  const colon = event.indexOf(":");
  if (colon < 0) return ref.path.join(".") === event;
  const home = ref.module ?? module?.name;
  return home === event.slice(0, colon) && ref.path.join(".") === event.slice(colon + 1);
}

export interface FoundInvocation {
  module: string;
  invocation: Invocation;
}

/** Every invocation of `event` (see `refersTo`) in the program, in source order. */
export function findInvocations(program: PassProgram, event: string): FoundInvocation[] {
  const found: FoundInvocation[] = [];
  walk(program, {
    step(step, module) {
      if (step.kind === "invoke" && refersTo(step.target, event, module))
        found.push({ module: module.name, invocation: step });
    },
  });
  return found;
}

/** Replace every top-level flow for which `match` holds by `replace(flow)`. */
export function replaceFlow<P extends PassProgram>(
  program: P,
  match: (flow: FlowItem, module: Module) => boolean,
  replace: (flow: FlowItem) => FlowItem | Item[],
): P {
  return mapItems(program, (item, module) => (item.kind === "flow" && match(item, module) ? replace(item) : item));
}

/** Replace every continuation (at any depth) for which `match` holds by `replace(continuation)`. */
export function replaceContinuation<P extends PassProgram>(
  program: P,
  match: (continuation: Continuation, module: Module) => boolean,
  replace: (continuation: Continuation) => Continuation,
): P {
  return mapChains(program, (chain, module) => {
    let changed = false;
    const continuations = chain.continuations.map((c) => {
      if (!match(c, module)) return c;
      changed = true;
      return replace(c);
    });
    return changed ? { ...chain, continuations } : chain;
  });
}

/**
 * Rename the event `from` (`path` in the entry module, or `module:path`) to the path `to`
 * (`new.name`): its declaration, its procs and subflow, and every invocation of it.
 */
export function renameEvent<P extends PassProgram>(program: P, from: string, to: string): P {
  const colon = from.indexOf(":");
  const home = colon < 0 ? program.entry.name : from.slice(0, colon);
  const path = colon < 0 ? from : from.slice(colon + 1);
  const qualified = `${home}:${path}`;
  const newPath = to.split(".");
  const renameRef = (ref: EventRef, module: Module): EventRef =>
    (ref.module ?? module.name) === home && refersTo(ref, qualified, module) ? { ...ref, path: newPath } : ref;
  const renamed = mapItems(program, (item, module) => {
    if (item.kind === "event" && module.name === home && item.path.join(".") === path)
      return { ...item, path: newPath };
    if (item.kind === "proc" || item.kind === "subflow") {
      const target = renameRef(item.target, module);
      return target === item.target ? item : { ...item, target };
    }
    return item;
  });
  return mapSteps(renamed, (step, module) => {
    if (step.kind !== "invoke") return step;
    const target = renameRef(step.target, module);
    return target === step.target ? step : { ...step, target };
  });
}

/**
 * Inline the subflow implementing `event` where its body is a plain chain of invocations
 * without continuations (`~greet_all = greet(name: a) |> greet(name: b)`): each invocation of
 * `event` without continuations of its own is replaced by that chain, with the event's input
 * names in argument values replaced by the call's arguments. Other call sites are left alone.
 */
export function inlineSubflow<P extends PassProgram>(program: P, event: string): P {
  let body: Chain | undefined;
  let inputs: string[] = [];
  for (const module of modulesOf(program)) {
    for (const item of module.items) {
      if (item.kind === "subflow" && refersTo(item.target, event, module)) body = item.body;
      if (item.kind === "event" && refersTo({ path: item.path, span: item.span }, event))
        inputs = item.input.map((f) => f.name);
    }
  }
  if (!body || body.continuations.length > 0 || !body.steps.every((s) => s.kind === "invoke")) return program;
  const steps = body.steps as Invocation[];
  return mapChains(program, (chain, module) => {
    if (chain.continuations.length > 0 && chain.steps.length > 0) {
      // The last step's branches are handled here: it must stay a call of the event itself.
      const last = chain.steps[chain.steps.length - 1];
      if (last.kind === "invoke" && refersTo(last.target, event, module))
        return inlineInto(chain, steps, inputs, event, module, 1);
    }
    return inlineInto(chain, steps, inputs, event, module, 0);
  });
}

export function inlineInto(
  chain: Chain,
  body: Invocation[],
  inputs: string[],
  event: string,
  module: Module,
  keepLast: number,
): Chain {
  let changed = false;
  const steps: Step[] = [];
  chain.steps.forEach((s, i) => {
    const isLast = i >= chain.steps.length - keepLast;
    if (
      isLast ||
      s.kind !== "invoke" ||
      !refersTo(s.target, event, module) ||
      s.source !== undefined ||
      s.label !== undefined
    ) {
      steps.push(s);
      return;
    }
    const values = new Map<string, string>();
    s.args.forEach((a, k) => {
      values.set(a.name ?? inputs[k] ?? "", a.value);
    });
    for (const inner of body) {
      const args = inner.args.map((a) => ({ ...a, value: substitute(a.value, values), span: s.span }));
      steps.push({ ...inner, args, span: s.span, target: { ...inner.target, span: s.span } });
    }
    changed = true;
  });
  return changed ? { ...chain, steps } : chain;
}

/** Replace whole identifiers (outside string literals) by their values, parenthesized. */
export function substitute(text: string, values: Map<string, string>): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*/g, (word, at: number) => {
    if (word.startsWith('"') || !values.has(word) || text[at - 1] === ".") return word;
    const value = values.get(word)!;
    return /^[A-Za-z0-9_."]+$/.test(value) ? value : `(${value})`;
  });
}
