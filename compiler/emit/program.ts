// Lay out the whole program as one Zig file: one namespace struct per module (the entry
// module is `main_module`), one struct per event, one function per top-level flow.
import type { EventDecl, Field, FlowItem, Module, Payload, ProcDecl, Program } from "../ast.js";
import type { Diagnostic } from "../diagnostics.js";
import { depthDelta } from "../scan.js";
import type { SourceMap } from "../source-map.js";
import type { EventSymbol, Symbols } from "../symbols.js";
import { findVariant } from "../variant-tags.js";
import {
  FlowEmitter,
  type InvocationProbe,
  type Lowering,
  type Lowerings,
  type Scope,
  type SwitchArmsHook,
  type TransitionHooks,
  variantIdent,
} from "./flow.js";
import { ZigWriter, zigIdent } from "./zig-writer.js";

export interface EmitResult {
  zig: string;
  sourceMap: SourceMap;
  diagnostics: Diagnostic[];
}

export interface EmitHooks {
  /** Wraps every event invocation (instrumentation); at most one pass may install one. */
  probe?: InvocationProbe;
  /** Lowerings of `[transform]` events (the standard library registers its own). */
  lowerings?: Lowerings;
  /** Compile-time observers (taps) woven into every transition. */
  transitions?: TransitionHooks;
  /** Extra top-level declarations (runtime imports, site tables). */
  prelude?: (w: ZigWriter) => void;
  /** Statements at the start / end of `main`. */
  mainStart?: (w: ZigWriter) => void;
  mainEnd?: (w: ZigWriter) => void;
  /** Declarations after everything else (tables filled while flows were emitted). */
  epilogue?: (w: ZigWriter) => void;
  /** Top-level flows consumed at compile time (tap declarations): not emitted. */
  omitFlow?: (item: FlowItem, mod: Module) => boolean;
  /** The variant tag a build calls for an event (koru.variants.json), by canonical name. */
  selectedVariant?: (canonical: string) => string | undefined;
  /** Declarations at the end of a module's namespace, where its host names are in scope. */
  moduleEnd?: (fe: FlowEmitter, mod: Module) => void;
  /** Statements at the start of an event's `handler` (the one calls reach), e.g. input capture. */
  handlerStart?: (w: ZigWriter, sym: EventSymbol) => void;
  /** Arm order and `@branchHint`s of each switch on a result (the `pgo` pass); at most one pass. */
  switchArms?: SwitchArmsHook;
}

const ENTRY_NS = "main_module";

/** Observers of several passes, all called at every transition, in pass order. */
function composeTransitions(all: TransitionHooks[]): TransitionHooks | undefined {
  if (all.length <= 1) return all[0];
  return {
    watches: (sym, scope) => all.some((t) => t.watches(sym, scope)),
    emitTransition: (fe, sym, branch, destination, payload, scope, site) => {
      for (const t of all)
        if (t.watches(sym, scope)) t.emitTransition(fe, sym, branch, destination, payload, scope, site);
    },
  };
}

/**
 * Combine the hooks of several passes (taps, instrumentation, ...): writers, observers and
 * lowerings all run, in pass order. Two invocation probes cannot both wrap one call: that is
 * refused loudly instead of one of them being dropped.
 */
export function mergeHooks(...all: EmitHooks[]): EmitHooks {
  const writers = (key: "prelude" | "mainStart" | "mainEnd" | "epilogue") => {
    const fns = all.map((h) => h[key]).filter((f): f is (w: ZigWriter) => void => f !== undefined);
    const run = (w: ZigWriter) => {
      for (const f of fns) f(w);
    };
    return fns.length ? { [key]: run } : {};
  };
  const probes = all.map((h) => h.probe).filter((p) => p !== undefined);
  if (probes.length > 1) throw new Error("two passes install an invocation probe; only one can wrap each call");
  const probe = probes[0];
  const transitions = composeTransitions(all.map((h) => h.transitions).filter((t) => t !== undefined));
  const lowerings = new Map<string, Lowering>();
  for (const h of all) for (const [name, lowering] of h.lowerings ?? []) lowerings.set(name, lowering);
  const omits = all.map((h) => h.omitFlow).filter((f) => f !== undefined);
  const ends = all.map((h) => h.moduleEnd).filter((f) => f !== undefined);
  const selectedVariant = all.find((h) => h.selectedVariant)?.selectedVariant;
  const starts = all.map((h) => h.handlerStart).filter((f) => f !== undefined);
  const arms = all.map((h) => h.switchArms).filter((a) => a !== undefined);
  if (arms.length > 1) throw new Error("two passes arrange switch arms; only one can order each switch");
  return {
    ...(selectedVariant ? { selectedVariant } : {}),
    ...(arms[0] ? { switchArms: arms[0] } : {}),
    ...(probe ? { probe } : {}),
    ...(transitions ? { transitions } : {}),
    ...(lowerings.size ? { lowerings } : {}),
    ...(omits.length ? { omitFlow: (item: FlowItem, mod: Module) => omits.some((f) => f(item, mod)) } : {}),
    ...(ends.length
      ? {
          moduleEnd: (fe: FlowEmitter, mod: Module) => {
            for (const f of ends) f(fe, mod);
          },
        }
      : {}),
    ...(starts.length
      ? {
          handlerStart: (w: ZigWriter, sym: EventSymbol) => {
            for (const f of starts) f(w, sym);
          },
        }
      : {}),
    ...writers("prelude"),
    ...writers("mainStart"),
    ...writers("mainEnd"),
    ...writers("epilogue"),
  };
}

/** Zig path of a module's namespace: `main_module`, `koru_std.io`. */
export function namespaceOf(program: Program, mod: Module): string {
  if (mod === program.entry) return ENTRY_NS;
  const [first, ...rest] = mod.name.split(".");
  return [`koru_${first}`, ...rest.map(zigIdent)].join(".");
}

export function eventStructName(path: readonly string[]): string {
  return `${path.join("_")}_event`;
}

export function emitProgram(program: Program, symbols: Symbols, hooks: EmitHooks = {}): EmitResult {
  const w = new ZigWriter();
  const diagnostics: Diagnostic[] = [];
  const refOf = (sym: EventSymbol) => `${namespaceOf(program, sym.module)}.${eventStructName(sym.decl.path)}`;
  const fe = new FlowEmitter(w, symbols, refOf, diagnostics, hooks.probe);
  if (hooks.transitions) fe.hooks = hooks.transitions;
  if (hooks.lowerings) fe.lowerings = hooks.lowerings;
  if (hooks.switchArms) fe.switchArms = hooks.switchArms;
  entryModuleName = program.entry.name;

  w.line(`// Generated by koruc from ${program.entry.file}. Do not edit: change the .kz file.`);
  w.line('const __koru_std = @import("std");');
  hooks.prelude?.(w);
  w.line("");

  const flowCalls: string[] = [];
  const emitModuleBody = (mod: Module) => {
    const ns = namespaceOf(program, mod);
    let flowIndex = 0;
    for (const item of mod.items) {
      switch (item.kind) {
        case "host":
          w.raw(item.text, { file: mod.file, line: item.span.line, colDelta: 0 });
          break;
        case "event": {
          const sym = symbols.events.get(`${mod.name}:${item.path.join(".")}`);
          if (
            sym &&
            sym.decl === item &&
            !item.annotations.includes("transform") &&
            !item.annotations.includes("norun")
          ) {
            emitEvent(w, fe, sym, mod, hooks.selectedVariant?.(sym.canonical), hooks.handlerStart);
          }
          break;
        }
        case "flow": {
          if (hooks.omitFlow?.(item, mod)) break;
          const name = `flow${flowIndex++}`;
          w.line(`// >>> FLOW ${name}`);
          w.open(`pub fn ${name}() void {`, fe.origin(item.span));
          fe.emitChain(item.body, { module: mod, labels: [], captures: [] });
          w.close();
          flowCalls.push(`${ns}.${name}();`);
          break;
        }
        default:
          break;
      }
    }
    hooks.moduleEnd?.(fe, mod);
  };

  w.open(`pub const ${ENTRY_NS} = struct {`);
  emitModuleBody(program.entry);
  w.close("};");
  // Imported modules nest by their dotted names: koru_std.io, koru_app.helper.
  const tree = buildTree([...new Set(Object.values(program.modules))].filter((m) => m !== program.entry));
  for (const [root, node] of tree.children) {
    w.line("");
    emitTreeNode(w, `koru_${root}`, node, emitModuleBody, true);
  }

  const userMain = program.entry.items.some((i) => i.kind === "host" && /^\s*pub\s+fn\s+main\s*\(/.test(i.text));
  w.line("");
  w.open(`pub fn main() ${userMain ? "!void" : "void"} {`);
  hooks.mainStart?.(w);
  for (const call of flowCalls) w.line(call);
  hooks.mainEnd?.(w);
  if (userMain) w.line(`return ${ENTRY_NS}.main();`);
  w.close();
  hooks.epilogue?.(w);
  return { zig: w.text(), sourceMap: w.sourceMap(), diagnostics };
}

interface TreeNode {
  module?: Module;
  children: Map<string, TreeNode>;
}

function buildTree(modules: Module[]): TreeNode {
  const root: TreeNode = { children: new Map() };
  for (const mod of modules) {
    let node = root;
    for (const seg of mod.name.split(".")) {
      if (!node.children.has(seg)) node.children.set(seg, { children: new Map() });
      node = node.children.get(seg)!;
    }
    node.module = mod;
  }
  return root;
}

function emitTreeNode(w: ZigWriter, name: string, node: TreeNode, body: (m: Module) => void, top: boolean): void {
  w.open(`pub const ${top ? name : zigIdent(name)} = struct {`);
  if (node.module) body(node.module);
  for (const [seg, child] of node.children) emitTreeNode(w, seg, child, body, false);
  w.close("};");
}

function emitEvent(
  w: ZigWriter,
  fe: FlowEmitter,
  sym: EventSymbol,
  mod: Module,
  selected?: string,
  start?: EmitHooks["handlerStart"],
): void {
  const decl = sym.decl;
  const origin = fe.origin(decl.span);
  w.open(`pub const ${eventStructName(decl.path)} = struct {`, origin);
  w.line(`pub const Input = struct { ${decl.input.map(fieldDecl).join(" ")} };`, origin);
  if (decl.branches.length === 0) w.line("pub const Output = void;", origin);
  else {
    const members = decl.branches.map((b) => `${zigIdent(b.name)}: ${payloadType(b.payload)},`);
    w.line(`pub const Output = union(enum) { ${members.join(" ")} };`, origin);
  }
  const chosen = selected !== undefined && sym.proc && !sym.subflow ? findVariant(sym.variants, selected) : undefined;
  if (chosen?.ok) {
    // A selected variant answers calls; the baseline stays compiled and callable beside it.
    emitHandler(w, fe, sym, mod, "handler", chosen.proc, start);
    emitHandler(w, fe, sym, mod, "handler__baseline", sym.proc);
  } else if (sym.subflow && sym.proc) {
    // An override (`~mod:ev = ...`) of an [abstract] event: the proc stays as the default.
    emitHandler(w, fe, sym, mod, "handler", undefined, start);
    emitHandler(w, fe, sym, mod, "_default_handler", sym.proc);
  } else emitHandler(w, fe, sym, mod, "handler", sym.proc, start);
  for (const [tag, proc] of sym.variants) emitHandler(w, fe, sym, mod, `handler__${variantIdent(tag)}`, proc);
  w.close("};");
}

function emitHandler(
  w: ZigWriter,
  fe: FlowEmitter,
  sym: EventSymbol,
  mod: Module,
  name: string,
  proc: ProcDecl | undefined,
  start?: EmitHooks["handlerStart"],
): void {
  const decl = sym.decl;
  // Immediate implementations (`~greet = greeting "Hi " ++ name`) are inline so that
  // comptime-known arguments stay comptime-known, as upstream's call-site inlining does.
  const inline = !proc && sym.subflow && isImmediate(sym.subflow.body) ? "inline " : "";
  w.open(`pub ${inline}fn ${name}(__koru_event_input: Input) Output {`, fe.origin(proc?.span ?? decl.span));
  w.line("_ = &__koru_event_input;");
  start?.(w, sym);
  const shadows = moduleDecls(mod);
  for (const f of decl.input) {
    // An input named like a module-level declaration is read through the input struct.
    if (shadows.has(f.name)) continue;
    w.line(`const ${zigIdent(f.name)} = __koru_event_input.${zigIdent(f.name)};`);
    w.line(`_ = &${zigIdent(f.name)};`);
  }
  if (proc) {
    const inputs = new Set(decl.input.map((f) => f.name));
    const shadowed = moduleDecls(mod);
    proc.body.split("\n").forEach((line, i) => {
      // `_ = field;` would be a pointless discard after our own `_ = &field;`.
      let fixed = line.replace(/^(\s*)_\s*=\s*([A-Za-z_][A-Za-z0-9_]*)\s*;/, (m, ws: string, id: string) =>
        inputs.has(id) ? `${ws}_ = &${id};` : m,
      );
      for (const name of inputs) {
        if (shadowed.has(name))
          fixed = fixed.replace(
            new RegExp(`(?<![A-Za-z0-9_.@"])${name}(?![A-Za-z0-9_])`, "g"),
            `__koru_event_input.${name}`,
          );
      }
      w.raw(fixed, { file: proc.span.file, line: proc.bodyLine + i, colDelta: 0 });
    });
  } else if (sym.subflow) {
    const scope: Scope = { module: mod, implementing: sym, labels: [], captures: [] };
    fe.emitChain(sym.subflow.body, scope);
  } else if (decl.branches.length > 0) {
    // An event with no implementation answers its first branch (upstream's auto-proc).
    w.line(`return .{ .${zigIdent(decl.branches[0].name)} = undefined };`);
  }
  w.close();
}

const declCache = new WeakMap<Module, Set<string>>();

/** Names declared at the top level of a module's host code. */
function moduleDecls(mod: Module): Set<string> {
  const cached = declCache.get(mod);
  if (cached) return cached;
  const names = new Set<string>();
  let depth = 0;
  for (const item of mod.items) {
    if (item.kind !== "host") continue;
    const m = depth === 0 ? /^\s*(?:pub\s+)?(?:const|var|fn)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(item.text) : null;
    if (m) names.add(m[1]);
    depth += depthDelta(item.text);
  }
  declCache.set(mod, names);
  return names;
}

function isImmediate(body: import("../ast.js").Chain): boolean {
  return body.steps.length === 1 && body.steps[0].kind === "construct" && body.continuations.length === 0;
}

function fieldDecl(f: Field): string {
  const type = zigType(f.type);
  const def = f.defaultValue !== undefined ? ` = ${f.defaultValue}` : type.startsWith("?") ? " = null" : "";
  return `${zigIdent(f.name)}: ${type}${def},`;
}

function payloadType(p: Payload): string {
  switch (p.kind) {
    case "none":
      return "struct {}";
    case "identity":
      return zigType(p.type);
    case "struct":
      return `struct { ${p.fields.map(fieldDecl).join(" ")} }`;
    case "wildcard":
      return "struct {}";
  }
}

/** Name of the entry module while a program is emitted (its types live in `main_module`). */
let entryModuleName = "";

/**
 * Koru's special field types are plain strings at run time; cross-module types
 * `app.lib:User` name the module's namespace (`koru_app.lib.User`).
 */
function zigType(type: string): string {
  if (type === "Source" || type.startsWith("Source[") || type === "Expression") return "[]const u8";
  if (type === "?Expression") return "?[]const u8";
  return type.replace(
    /(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*):([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, mod: string, name: string) => (mod === entryModuleName ? `${ENTRY_NS}.${name}` : `koru_${mod}.${name}`),
  );
}

export type { EventDecl };
