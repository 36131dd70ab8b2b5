// Taps (`~tap(source -> destination)` from `$std/taps`): compile-time observers of
// transitions. Each handler of a tap becomes a function in its module's namespace
// (where the module's host names are in scope); the emitter calls `emitTransition` at
// every transition it lowers and we call the handlers that match there, after the source
// event returned and before its continuation runs. `koru:start` / `koru:end` are observed
// at the start and end of `main`. A program without taps gets `{}`: no code at all.
import type { Chain, Continuation, FlowItem, Invocation, Module, Program } from "../ast.js";
import type { FlowEmitter, Scope, TransitionHooks } from "../emit/flow.js";
import { type EmitHooks, namespaceOf } from "../emit/program.js";
import { type ZigWriter, zigIdent } from "../emit/zig-writer.js";
import type { EventSymbol, Symbols } from "../symbols.js";

/** Canonical name of the `tap` event. */
export const TAP_EVENT = "std.taps:tap";

/** Handler branch names that match every transition and bind its description. */
export type Metatype = "Profile" | "Transition" | "Audit";
const METATYPES: ReadonlySet<string> = new Set<Metatype>(["Profile", "Transition", "Audit"]);

export function isMetatype(branch: string): branch is Metatype {
  return METATYPES.has(branch);
}

/** The meta-events bracketing a program run; both take their only branch, `done`. */
const KORU_START = "koru:start";
const KORU_END = "koru:end";
/** The branch a void event "takes" as far as observers are told. */
const VOID_BRANCH = "done";

/** `*`, `*:*`, `input:*`, `*:compute`, `http.*`, `std.io:print*`, `hello`. */
export interface Pattern {
  text: string;
  /** `*` or `*:*`: every event (such taps do not observe steps inserted by taps). */
  any: boolean;
  /** Module glob before the colon; absent for an unqualified pattern (any module). */
  module?: string;
  path: string;
}

export interface Tap {
  /** Declaration order over the program: entry module first, then imports. */
  index: number;
  module: Module;
  item: FlowItem;
  source: Pattern;
  destination: Pattern;
  /** `~[opaque]tap`: the steps it inserts are observed by no tap. */
  opaque: boolean;
  handlers: Handler[];
}

export interface Handler {
  tap: Tap;
  /** Zig function name inside the tap module's namespace. */
  fn: string;
  /** Branch of the source event; "" for a void chain (`~tap(x) |> ...`), which sees every transition. */
  branch: string;
  metatype?: Metatype;
  /** Binding name, absent for none or `_`. */
  binding?: string;
  when?: string;
  body: Chain;
  /** Where the handler was written, for the source map. */
  at: Continuation | FlowItem;
}

export function parsePattern(text: string): Pattern {
  const t = text.trim() || "*";
  const colon = t.indexOf(":");
  const module = colon >= 0 ? t.slice(0, colon).trim() : undefined;
  const path = colon >= 0 ? t.slice(colon + 1).trim() : t;
  return { text: t, any: t === "*" || t === "*:*", ...(module !== undefined ? { module } : {}), path };
}

/** Glob match of one name: `*`, exact, `*.io`, `file.*`, `print*`. */
function matchSegment(pattern: string, value: string): boolean {
  if (pattern === "*" || pattern === value) return true;
  if (pattern.length > 2 && pattern.startsWith("*.")) return value.endsWith(pattern.slice(1));
  if (pattern.length > 2 && pattern.endsWith(".*")) {
    const prefix = pattern.slice(0, -2);
    return value.startsWith(prefix) && value[prefix.length] === ".";
  }
  if (pattern.length > 1 && pattern.endsWith("*")) return value.startsWith(pattern.slice(0, -1));
  return false;
}

/** Does `pattern` match the event with canonical name `module:path`? */
export function patternMatches(pattern: Pattern, canonical: string): boolean {
  if (pattern.any) return true;
  const colon = canonical.indexOf(":");
  if (pattern.module !== undefined && !matchSegment(pattern.module, canonical.slice(0, colon))) return false;
  return matchSegment(pattern.path, canonical.slice(colon + 1));
}

/** Source and destination pattern texts of a `tap(...)` invocation. */
export function tapPatterns(inv: Invocation): { source: Pattern; destination: Pattern } {
  const named = (n: string) => inv.args.find((a) => a.name === n)?.value;
  const source = named("source");
  if (source !== undefined)
    return { source: parsePattern(source), destination: parsePattern(named("destination") ?? "*") };
  // `~tap(koru:start -> *)` reads as a named argument `koru: start -> *`.
  const arg = inv.args[0];
  const text =
    arg === undefined ? "*" : arg.name !== undefined && arg.name !== "expr" ? `${arg.name}:${arg.value}` : arg.value;
  const arrow = text.indexOf("->");
  return arrow < 0
    ? { source: parsePattern(text), destination: parsePattern("*") }
    : { source: parsePattern(text.slice(0, arrow)), destination: parsePattern(text.slice(arrow + 2)) };
}

/** The `tap(...)` head of a top-level flow, if the flow is a tap declaration. */
export function tapInvocation(item: FlowItem, mod: Module, symbols: Symbols): Invocation | undefined {
  const head = item.body.steps[0];
  if (head?.kind !== "invoke") return undefined;
  const r = symbols.resolve(head.target, mod);
  return r.ok && r.symbol.canonical === TAP_EVENT ? head : undefined;
}

/** The one event a tap's source pattern names, when it names one (no glob), for checks. */
export function tapSourceEvent(inv: Invocation, symbols: Symbols, from: Module): EventSymbol | undefined {
  const { source } = tapPatterns(inv);
  if (source.text.includes("*")) return undefined;
  const found = [...symbols.events.values()].filter((s) => patternMatches(source, s.canonical));
  return found.find((s) => s.module === from) ?? (found.length === 1 ? found[0] : undefined);
}

/** Every tap of the program in the order they are applied: entry module first. */
export function collectTaps(program: Program, symbols: Symbols): Tap[] {
  const taps: Tap[] = [];
  let fnCounter = 0;
  for (const mod of new Set([program.entry, ...Object.values(program.modules)])) {
    for (const item of mod.items) {
      if (item.kind !== "flow") continue;
      const inv = tapInvocation(item, mod, symbols);
      if (!inv) continue;
      const { source, destination } = tapPatterns(inv);
      const tap: Tap = {
        index: taps.length,
        module: mod,
        item,
        source,
        destination,
        opaque: item.annotations.includes("opaque"),
        handlers: [],
      };
      const fn = () => `__koru_tap_${fnCounter++}`;
      const rest = item.body.steps.slice(1);
      if (rest.length > 0) {
        // `~tap(koru:start -> *) |> std.io:println(text: "START")`
        const body = { ...item.body, steps: rest };
        tap.handlers.push({ tap, fn: fn(), branch: "", body: observerChain(body), at: item });
      } else {
        for (const c of item.body.continuations) {
          const binding = c.binding !== undefined && c.binding !== "_" ? c.binding : undefined;
          tap.handlers.push({
            tap,
            fn: fn(),
            branch: c.branch,
            ...(isMetatype(c.branch) ? { metatype: c.branch } : {}),
            ...(binding !== undefined ? { binding } : {}),
            ...(c.when !== undefined ? { when: c.when } : {}),
            body: observerChain(c.body),
            at: c,
          });
        }
      }
      taps.push(tap);
    }
  }
  return taps;
}

/**
 * A handler's steps as they run: a trailing branch constructor or `_` marks where the
 * observed flow resumes (`| result r |> log() |> result { result: r }`), so it is dropped.
 */
function observerChain(chain: Chain): Chain {
  let steps = chain.steps;
  if (chain.continuations.length === 0) {
    while (
      steps.length > 0 &&
      (steps[steps.length - 1].kind === "construct" || steps[steps.length - 1].kind === "discard")
    ) {
      steps = steps.slice(0, -1);
    }
  }
  return { ...chain, steps, continuations: chain.continuations.map((c) => ({ ...c, body: observerChain(c.body) })) };
}

function isOpaque(sym: EventSymbol): boolean {
  return sym.decl.annotations.includes("opaque");
}

class TapWeaver implements TransitionHooks {
  /** The tap whose handler is being emitted: steps it inserts are seen only by later taps. */
  private inside: Tap | undefined;
  private readonly bySource = new Map<string, Tap[]>();
  private readonly items: Set<FlowItem>;
  /** Heads of top-level flows: with a `* -> dest` tap, a flow starting at `dest` is observed. */
  private readonly heads = new Set<Invocation>();
  /** Names the `Transition` enums need. */
  private readonly events = new Set<string>([KORU_START, KORU_END]);
  private readonly branches = new Set<string>([VOID_BRANCH]);

  constructor(
    private readonly program: Program,
    readonly taps: Tap[],
  ) {
    this.items = new Set(taps.map((t) => t.item));
    for (const mod of new Set(Object.values(program.modules))) {
      for (const item of mod.items) {
        const head = item.kind === "flow" && !this.items.has(item) ? item.body.steps[0] : undefined;
        if (head?.kind === "invoke") this.heads.add(head);
      }
    }
  }

  hooks(): EmitHooks {
    return {
      transitions: this,
      omitFlow: (item) => this.items.has(item),
      moduleEnd: (fe, mod) => this.emitHandlers(fe, mod),
      mainStart: (w) => this.emitMeta(w, KORU_START),
      mainEnd: (w) => this.emitMeta(w, KORU_END),
      epilogue: (w) => this.emitNamespace(w),
    };
  }

  watches(sym: EventSymbol, scope: Scope): boolean {
    return this.observable(sym, scope) && this.sourceTaps(sym.canonical).some((t) => this.allowed(t));
  }

  emitTransition(
    fe: FlowEmitter,
    sym: EventSymbol,
    branch: string,
    destination: EventSymbol | undefined,
    payload: string | undefined,
    scope: Scope,
    site?: Invocation,
  ): void {
    if (!this.observable(sym, scope) || (destination && isOpaque(destination))) return;
    const head = site !== undefined && this.heads.has(site);
    for (const h of this.matching(sym.canonical, branch, destination?.canonical, head)) {
      fe.w.line(this.call(h, sym.canonical, branch, destination?.canonical, payload));
    }
  }

  /** Transitions of tap declarations, `[opaque]` events and std flows are never observed. */
  private observable(sym: EventSymbol, scope: Scope): boolean {
    return sym.canonical !== TAP_EVENT && !isOpaque(sym) && !scope.module.name.startsWith("std.");
  }

  private allowed(tap: Tap): boolean {
    const inside = this.inside;
    return inside === undefined || (!inside.opaque && !tap.source.any && tap.index > inside.index);
  }

  private sourceTaps(canonical: string): Tap[] {
    let list = this.bySource.get(canonical);
    if (!list) {
      list = this.taps.filter((t) => patternMatches(t.source, canonical));
      this.bySource.set(canonical, list);
    }
    return list;
  }

  /** Handlers observing `source.branch -> destination`, in firing order (last declared first). */
  private matching(source: string, branch: string, destination: string | undefined, head: boolean): Handler[] {
    const out: Handler[] = [];
    for (const tap of this.sourceTaps(source)) {
      if (!this.allowed(tap)) continue;
      const dest = tap.destination.any || (destination !== undefined && patternMatches(tap.destination, destination));
      // `~tap(* -> target)` also sees a flow that starts at `target` (upstream behaviour).
      const startsThere = head && tap.source.any && patternMatches(tap.destination, source);
      if (!dest && !startsThere) continue;
      for (const h of tap.handlers) {
        if (h.metatype || h.branch === "" || (branch !== "" && h.branch === branch)) out.push(h);
      }
    }
    return out.reverse();
  }

  private call(
    h: Handler,
    source: string,
    branch: string,
    destination: string | undefined,
    payload: string | undefined,
  ): string {
    const fn = `${namespaceOf(this.program, h.tap.module)}.${h.fn}`;
    if (h.binding === undefined) return `${fn}();`;
    if (!h.metatype) return `${fn}(${payload ?? ".{}"});`;
    return `${fn}(${this.describe(h.metatype, source, branch || VOID_BRANCH, destination)});`;
  }

  /** A `taps.Profile` / `taps.Transition` / `taps.Audit` value describing one transition. */
  private describe(metatype: Metatype, source: string, branch: string, destination: string | undefined): string {
    if (metatype === "Transition") {
      this.events.add(source);
      if (destination !== undefined) this.events.add(destination);
      this.branches.add(branch);
      const dest = destination === undefined ? "null" : `.${zigIdent(destination)}`;
      return `taps.Transition{ .source = .${zigIdent(source)}, .destination = ${dest}, .branch = .${zigIdent(branch)} }`;
    }
    const dest = destination === undefined ? "null" : JSON.stringify(destination);
    const fields = `.source = ${JSON.stringify(source)}, .destination = ${dest}, .branch = ${JSON.stringify(branch)}, .timestamp_ns = __koru_std.time.nanoTimestamp()`;
    return metatype === "Audit" ? `taps.Audit{ ${fields}, .payload = null }` : `taps.Profile{ ${fields} }`;
  }

  /** `koru:start` / `koru:end`: their one transition (`done`, terminal) at the start / end of main. */
  private emitMeta(w: ZigWriter, event: string): void {
    for (const h of this.matching(event, VOID_BRANCH, undefined, false))
      w.line(this.call(h, event, VOID_BRANCH, undefined, undefined));
  }

  /** One `pub fn` per handler of the module's taps; steps inside are seen by later taps only. */
  private emitHandlers(fe: FlowEmitter, mod: Module): void {
    for (const tap of this.taps) {
      if (tap.module !== mod) continue;
      for (const h of tap.handlers) {
        const origin = fe.origin(h.at.span);
        const name = h.binding !== undefined ? zigIdent(h.binding) : undefined;
        const param =
          name === undefined ? "" : h.metatype ? `${name}: taps.${h.metatype}` : "__koru_tap_payload: anytype";
        fe.w.line(`// >>> TAP ${tap.source.text} -> ${tap.destination.text}  | ${h.branch || "|>"}`);
        fe.w.open(`pub fn ${h.fn}(${param}) void {`, origin);
        if (name !== undefined && !h.metatype) fe.w.line(`const ${name} = __koru_tap_payload;`, origin);
        if (name !== undefined) fe.w.line(`_ = &${name};`);
        if (h.when !== undefined) fe.w.line(`if (!(${h.when})) return;`, origin);
        const outer = this.inside;
        this.inside = tap;
        fe.emitChain(h.body, { module: mod, labels: [], captures: [] });
        this.inside = outer;
        fe.w.close();
      }
    }
  }

  /** The `taps` namespace: metatype structs and the enums `Transition` values use. */
  private emitNamespace(w: ZigWriter): void {
    w.line("");
    w.open("pub const taps = struct {");
    w.line(`pub const EventEnum = enum(u32) { ${[...this.events].map((e) => `${zigIdent(e)},`).join(" ")} };`);
    w.line(`pub const BranchEnum = enum(u32) { ${[...this.branches].map((b) => `${zigIdent(b)},`).join(" ")} };`);
    w.line("pub fn eventToString(e: EventEnum) []const u8 { return @tagName(e); }");
    w.line("pub fn branchToString(b: BranchEnum) []const u8 { return @tagName(b); }");
    w.line("pub const Transition = struct { source: EventEnum, destination: ?EventEnum, branch: BranchEnum };");
    w.line(
      "pub const Profile = struct { source: []const u8, destination: ?[]const u8, branch: []const u8, timestamp_ns: i128 };",
    );
    w.line(
      "pub const Audit = struct { source: []const u8, destination: ?[]const u8, branch: []const u8, timestamp_ns: i128, payload: ?[]const u8 = null };",
    );
    w.close("};");
  }
}

/** Emit hooks weaving the program's taps into its flows; empty when it has none. */
export function tapHooks(program: Program, symbols: Symbols): EmitHooks {
  const taps = collectTaps(program, symbols);
  return taps.length === 0 ? {} : new TapWeaver(program, taps).hooks();
}
