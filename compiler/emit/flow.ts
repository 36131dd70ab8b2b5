// Lowering of flows to Zig: invocations become handler calls, continuations become a
// `switch` on the result, labels become labeled `while` loops.
import type { Arg, Chain, Constructor, Continuation, Invocation, LabelJump, Module, Span, Step } from "../ast.js";
import type { Diagnostic } from "../diagnostics.js";
import { error } from "../diagnostics.js";
import { inputFieldFor } from "../input-fields.js";
import type { Origin } from "../source-map.js";
import type { EventSymbol, Symbols } from "../symbols.js";
import { findVariant } from "../variant-tags.js";
import { toZigValue } from "./values.js";
import { type ZigWriter, zigIdent } from "./zig-writer.js";

export interface LabelInfo {
  name: string;
  zigLabel: string;
  stateVar: string;
  symbol: EventSymbol;
}

/** A `capture` whose `as` body is being emitted: `captured { ... }` assigns its accumulator. */
export interface CaptureInfo {
  accumulator: string;
}

export interface Scope {
  module: Module;
  /** The event a subflow implements: branch constructors return from its handler. */
  implementing?: EventSymbol;
  labels: LabelInfo[];
  captures: CaptureInfo[];
  /** Labels of the current flow function (jumps to other flows' labels are errors). */
}

/** Wraps every event invocation; absent when observability is off (zero cost). */
export interface InvocationProbe {
  /**
   * The expression calling `handler` (a Zig function) with `input`, instrumented.
   * `destinations` maps each branch to the event its continuation invokes next.
   */
  wrap(
    handler: string,
    input: string,
    sym: EventSymbol,
    destinations: Map<string, string | null>,
    chained: string,
  ): string;
}

/**
 * Observers woven into flows at compile time (taps). The emitter calls them at every
 * transition it lowers; absent when the program declares no taps.
 */
export interface TransitionHooks {
  /** Does any observer watch invocations of `sym`? (Decides whether a result is kept.) */
  watches(sym: EventSymbol, scope: Scope): boolean;
  /**
   * Emit observer code for the transition `sym.branch -> destination` before the
   * continuation body runs. `payload` is the Zig expression of the branch payload
   * (undefined for empty payloads or void events).
   */
  emitTransition(
    fe: FlowEmitter,
    sym: EventSymbol,
    branch: string,
    destination: EventSymbol | undefined,
    payload: string | undefined,
    scope: Scope,
    /** The invocation whose result this transition leaves. */
    site?: Invocation,
  ): void;
}

/**
 * How a `[transform]` event becomes Zig: the standard library registers its lowerings
 * (compiler/std/transforms.ts) through the `emit` pass; the emitter knows none by name.
 */
export interface Lowering {
  lower(fe: FlowEmitter, inv: Invocation, conts: readonly Continuation[], scope: Scope): void;
  /** Whether the lowered code always leaves its block (default: never). */
  terminates?(fe: FlowEmitter, inv: Invocation, conts: readonly Continuation[], scope: Scope): boolean;
}

/** Lowerings by the canonical name of the transform event (`std.io:print.ln`). */
export type Lowerings = ReadonlyMap<string, Lowering>;

/** A `@branchHint` the emitter puts first in a switch arm. */
export type ArmHint = "cold" | "likely" | "unlikely";

/** How to lay out the arms of one switch on an event's result (profile-guided passes). */
export interface SwitchPlan {
  /** Branch names, first arm first; branches not named keep declaration order after them. */
  order?: readonly string[];
  /** The hint of a branch's arm; an `else` arm takes the hint every branch it covers shares. */
  hints?: ReadonlyMap<string, ArmHint>;
}

/**
 * Arranges the switch on a result of `sym` at `site`; `destinations` maps each branch to the
 * event its continuation invokes first (null when none), as the recorder names edges.
 */
export type SwitchArmsHook = (
  sym: EventSymbol,
  destinations: ReadonlyMap<string, string | null>,
  site: Invocation | undefined,
) => SwitchPlan | undefined;

export class FlowEmitter {
  /** Lowerings of `[transform]` events, registered by the `emit` pass. */
  lowerings: Lowerings = new Map();
  private counter = 0;
  /** Set by the taps pass when the program declares taps. */
  hooks?: TransitionHooks;
  /** Set by a profile-guided pass: arm order and `@branchHint`s per switch. */
  switchArms?: SwitchArmsHook;
  /**
   * Whether the next invocation directly follows an observed one (nothing but glue code
   * between): a Zig bool expression, consumed by the next `call`. Lets the recorder read
   * the clock once per invocation instead of twice.
   */
  private chainedNext = "false";

  constructor(
    readonly w: ZigWriter,
    readonly symbols: Symbols,
    readonly refOf: (sym: EventSymbol) => string,
    readonly diags: Diagnostic[],
    readonly probe?: InvocationProbe,
  ) {}

  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  origin(span: Span): Origin {
    return { file: span.file, line: span.line, colDelta: 0 };
  }

  emitChain(chain: Chain, scope: Scope): void {
    chain.steps.forEach((step, i) => {
      const last = i === chain.steps.length - 1;
      const next = chain.steps[i + 1];
      this.emitStep(step, last ? chain.continuations : [], scope, next);
      this.chainedNext = "false";
      let transition = false;
      if (!last && step.kind === "invoke" && this.hooks) {
        // `~a() |> b()`: the void transition a -> b.
        const sym = this.resolve(step, scope);
        if (sym && sym.decl.branches.length === 0 && this.hooks.watches(sym, scope)) {
          const dest = next?.kind === "invoke" ? this.resolve(next, scope) : undefined;
          this.hooks.emitTransition(this, sym, "", dest, undefined, scope, step);
          transition = true;
        }
      }
      // `a() |> b()` or `a() |> @l(...)` after an observed void invocation: nothing but glue runs
      // in between, so the next observed step starts where `a` ended (one clock read, no gap).
      if (this.probe && !transition && next && step.kind === "invoke" && this.chainsInto(step, next, scope))
        this.chainedNext = "true";
    });
  }

  /** `step` is an observed void invocation and `next` starts right after it, its arguments plain values. */
  private chainsInto(step: Invocation, next: Step, scope: Scope): boolean {
    if (step.label || (next.kind !== "invoke" && next.kind !== "jump")) return false;
    if (next.kind === "invoke" && next.label) return false;
    const sym = this.resolve(step, scope);
    if (!sym || sym.decl.branches.length > 0 || sym.decl.annotations.includes("transform")) return false;
    if (next.kind === "invoke" && this.resolve(next, scope)?.decl.annotations.includes("transform")) return false;
    return next.args.every((a) => !a.value.includes("("));
  }

  /** True when every path through `chain` ends in a return, jump or break (Zig `noreturn`). */
  terminates(chain: Chain, scope: Scope): boolean {
    const last = chain.steps[chain.steps.length - 1];
    if (!last) return false;
    if (last.kind === "jump") return true;
    if (last.kind === "construct") return scope.implementing !== undefined && !this.isCaptureAssign(last, scope);
    if (last.kind !== "invoke" || last.label) return false;
    const sym = this.resolve(last, scope);
    if (!sym) return false;
    if (sym.decl.annotations.includes("transform")) {
      return this.lowerings.get(sym.canonical)?.terminates?.(this, last, chain.continuations, scope) ?? false;
    }
    if (sym.decl.branches.length === 0 || chain.continuations.length === 0) return false;
    const handled = new Set(chain.continuations.filter((c) => !c.catchAll).map((c) => c.branch));
    const catchAll = chain.continuations.some((c) => c.catchAll);
    if (sym.decl.branches.some((b) => !handled.has(b.name)) && !catchAll) return false;
    return chain.continuations.every((c) => this.terminates(c.body, scope));
  }

  isCaptureAssign(step: Constructor, scope: Scope): boolean {
    return step.branch === "captured" && scope.captures.length > 0;
  }

  resolve(inv: Invocation, scope: Scope): EventSymbol | undefined {
    const r = this.symbols.resolve(inv.target, scope.module);
    return r.ok ? r.symbol : undefined;
  }

  private emitStep(step: Step, conts: readonly Continuation[], scope: Scope, next: Step | undefined): void {
    switch (step.kind) {
      case "discard":
        return;
      case "jump":
        return this.emitJump(step, scope);
      case "construct":
        return this.emitConstructor(step, scope);
      case "invoke":
        return this.emitInvocation(step, conts, scope, next);
    }
  }

  private emitInvocation(inv: Invocation, conts: readonly Continuation[], scope: Scope, next: Step | undefined): void {
    const sym = this.resolve(inv, scope);
    if (!sym) {
      this.w.line("unreachable; // unresolved event", this.origin(inv.span));
      return;
    }
    if (sym.decl.annotations.includes("transform")) {
      this.chainedNext = "false";
      this.lowerTransform(inv, sym, conts, scope);
      // A branchless transform (`print.ln`) at the end of a flow is a terminal void transition.
      if (
        next === undefined &&
        conts.length === 0 &&
        sym.decl.branches.length === 0 &&
        this.hooks?.watches(sym, scope)
      ) {
        this.hooks.emitTransition(this, sym, "", undefined, undefined, scope, inv);
      }
      return;
    }
    if (inv.label) return this.emitLabelLoop(inv, sym, conts, scope);
    const nextSym = next?.kind === "invoke" ? this.resolve(next, scope) : undefined;
    const call = this.call(sym, inv, this.inputLiteral(sym, inv.args), conts, scope, nextSym?.canonical);
    const origin = this.origin(inv.span);
    const watched = this.hooks?.watches(sym, scope) ?? false;
    if (conts.length === 0 && !(watched && sym.decl.branches.length > 0)) {
      this.w.line(sym.decl.branches.length === 0 ? `${call};` : `_ = ${call};`, origin);
      if (watched && next === undefined) this.hooks!.emitTransition(this, sym, "", undefined, undefined, scope, inv);
      return;
    }
    const result = this.fresh("result");
    this.w.line(`const ${result} = ${call};`, origin);
    this.emitSwitch(result, sym, conts, scope, undefined, inv);
  }

  private lowerTransform(inv: Invocation, sym: EventSymbol, conts: readonly Continuation[], scope: Scope): void {
    const lowering = this.lowerings.get(sym.canonical);
    if (!lowering) {
      this.diags.push(
        error(
          "KORU048",
          `transform event '${sym.canonical}' is not supported by this compiler`,
          { ...inv.span, col: 0 },
          {
            hint: "user-written [transform] procs run Zig at compile time, which koruc does not do",
          },
        ),
      );
      return;
    }
    lowering.lower(this, inv, conts, scope);
  }

  /** The handler call expression, wrapped by the probe when observability is on. */
  call(
    sym: EventSymbol,
    inv: Invocation,
    input: string,
    conts: readonly Continuation[],
    scope?: Scope,
    nextDestination?: string,
  ): string {
    // Inside an override, calling the event itself delegates to its default proc.
    const delegate = scope?.implementing === sym && sym.proc !== undefined && sym.subflow !== undefined;
    const fn = delegate ? "_default_handler" : variantHandlerName(sym, inv.variant);
    const handler = `${this.refOf(sym)}.${fn}`;
    const chained = this.chainedNext;
    this.chainedNext = "false";
    if (!this.probe) return `${handler}(${input})`;
    const destinations = new Map<string, string | null>();
    for (const b of sym.decl.branches) {
      const c = conts.find((k) => k.branch === b.name) ?? conts.find((k) => k.catchAll);
      destinations.set(b.name, c ? this.destinationOf(c.body, scope) : null);
    }
    if (sym.decl.branches.length === 0) destinations.set("", nextDestination ?? null);
    return this.probe.wrap(handler, input, sym, destinations, chained);
  }

  private destinationOf(chain: Chain, scope: Scope | undefined): string | null {
    const first = chain.steps[0];
    if (first?.kind === "jump") {
      // A jump continues into the event anchored at its label.
      const label = scope && [...scope.labels].reverse().find((l) => l.name === first.label);
      return label?.symbol.canonical ?? null;
    }
    if (first?.kind !== "invoke") return null;
    const r = this.symbols.resolve(first.target, scope?.module ?? this.symbols.program.entry);
    return r.ok ? r.symbol.canonical : null;
  }

  /** `.{ .a = 1, .b = x }` for the event's Input, each argument in the field it fills. */
  inputLiteral(sym: EventSymbol, args: readonly Arg[]): string {
    const parts: string[] = [];
    args.forEach((arg, i) => {
      const field = inputFieldFor(sym.decl, arg, i);
      if (!field) {
        parts.push(`.${zigIdent(arg.name ?? `arg${i}`)} = ${toZigValue(arg.value)}`);
        return;
      }
      const value =
        field.type === "Source" || field.type === "Expression" || field.type === "?Expression"
          ? zigString(arg.value)
          : toZigValue(arg.value, field.type);
      parts.push(`.${zigIdent(field.name)} = ${value}`);
    });
    return parts.length ? `.{ ${parts.join(", ")} }` : ".{}";
  }

  emitSwitch(
    result: string,
    sym: EventSymbol,
    conts: readonly Continuation[],
    scope: Scope,
    loop: LabelInfo | undefined,
    site?: Invocation,
  ): void {
    if (sym.decl.branches.length === 0) {
      // A void event has nothing to switch on; its continuations run in sequence.
      for (const c of conts) this.emitBody(c, scope, loop);
      return;
    }
    this.w.open(`switch (${result}) {`);
    const handled = new Set<string>();
    const watched = this.hooks?.watches(sym, scope) ?? false;
    const catchAllConts = conts.filter((c) => c.catchAll);
    const plan = this.switchArms ? this.switchArms(sym, this.destinationsOf(sym, conts, scope), site) : undefined;
    const hint = (names: readonly string[]) => sharedHint(plan, names);
    for (const branch of orderedBranches(sym, plan)) {
      let group = conts.filter((c) => !c.catchAll && c.branch === branch.name);
      if (group.length === 0 && watched) group = catchAllConts.length > 0 ? catchAllConts : [];
      if (group.length === 0 && !watched) continue;
      handled.add(branch.name);
      this.emitArm(
        `.${zigIdent(branch.name)}`,
        branch.payload.kind !== "none",
        group,
        scope,
        loop,
        { sym, branch: branch.name, site },
        hint([branch.name]),
      );
    }
    if (handled.size < sym.decl.branches.length) {
      const catchAll = conts.filter((c) => c.catchAll);
      const meta = catchAll.find((c) => METATYPES.has(c.branch) && c.binding && c.binding !== "_");
      const rest = orderedBranches(sym, plan).filter((x) => !handled.has(x.name));
      if (meta) {
        // `|? Audit a |>`: one arm per unhandled branch, each binding its own metatype value.
        for (const b of rest) {
          this.w.open(`.${zigIdent(b.name)} => {`, this.origin(meta.span));
          this.emitHint(hint([b.name]));
          this.w.line(`const ${zigIdent(meta.binding!)} = ${metatypeValue(sym.canonical, b.name)};`);
          this.w.line(`_ = &${zigIdent(meta.binding!)};`);
          this.emitBody(meta, scope, loop);
          this.w.close("},");
        }
      } else if (catchAll.length > 0) {
        this.emitArm("else", false, catchAll, scope, loop, undefined, hint(rest.map((b) => b.name)));
      } else {
        this.w.open("else => {");
        this.emitHint(hint(rest.map((b) => b.name)));
        if (loop) this.w.line(`break :${loop.zigLabel};`);
        this.w.close("},");
      }
    }
    this.w.close();
  }

  private emitArm(
    tag: string,
    hasPayload: boolean,
    group: Continuation[],
    scope: Scope,
    loop: LabelInfo | undefined,
    transition?: { sym: EventSymbol; branch: string; site?: Invocation | undefined },
    hint?: ArmHint,
  ): void {
    const watched = transition !== undefined && (this.hooks?.watches(transition.sym, scope) ?? false);
    const binds = hasPayload && (watched || group.some((c) => c.binding !== undefined && c.binding !== "_"));
    const payload = binds ? this.fresh("payload") : undefined;
    this.w.open(`${tag} => ${payload ? `|${payload}| ` : ""}{`, group[0] ? this.origin(group[0].span) : undefined);
    this.emitHint(hint);
    if (watched) {
      if (payload) this.w.line(`_ = &${payload};`);
      const first = group[0]?.body.steps[0];
      const dest = first?.kind === "invoke" ? this.resolve(first, scope) : undefined;
      this.hooks!.emitTransition(this, transition!.sym, transition!.branch, dest, payload, scope, transition!.site);
    }
    if (group.length === 0) {
      if (loop) this.w.line(`break :${loop.zigLabel};`);
      this.w.close("},");
      return;
    }
    const guarded = group.filter((c) => c.when !== undefined);
    const plain = group.filter((c) => c.when === undefined);
    if (guarded.length === 0) {
      this.emitContinuation(plain[0], payload, scope, loop, !watched);
    } else {
      guarded.forEach((c, i) => {
        const head = `if (${this.guardCondition(c, payload)}) {`;
        if (i === 0) this.w.open(head, this.origin(c.span));
        else this.w.reopen(`} else ${head}`, this.origin(c.span));
        this.emitContinuation(c, payload, scope, loop, !watched);
      });
      this.w.reopen("} else {");
      if (plain[0]) this.emitContinuation(plain[0], payload, scope, loop, !watched);
      else if (loop) this.w.line(`break :${loop.zigLabel};`);
      this.w.close();
    }
    this.w.close("},");
  }

  /** Zig requires `@branchHint` to be the first statement of the arm's block. */
  private emitHint(hint: ArmHint | undefined): void {
    if (hint) this.w.line(`@branchHint(.${hint});`);
  }

  /** Each branch's first destination event, as the recorder names the edge. */
  private destinationsOf(sym: EventSymbol, conts: readonly Continuation[], scope: Scope): Map<string, string | null> {
    const destinations = new Map<string, string | null>();
    for (const b of sym.decl.branches) {
      const c = conts.find((k) => k.branch === b.name) ?? conts.find((k) => k.catchAll);
      destinations.set(b.name, c ? this.destinationOf(c.body, scope) : null);
    }
    return destinations;
  }

  private guardCondition(c: Continuation, payload: string | undefined): string {
    if (!c.binding || c.binding === "_" || !payload) return c.when!;
    const blk = this.fresh("guard");
    return `${blk}: { const ${zigIdent(c.binding)} = ${payload}; _ = &${zigIdent(c.binding)}; break :${blk} (${c.when}); }`;
  }

  private emitContinuation(
    c: Continuation,
    payload: string | undefined,
    scope: Scope,
    loop: LabelInfo | undefined,
    followsExit: boolean,
  ): void {
    if (c.binding && c.binding !== "_" && payload) {
      const kind = c.bindingAnnotations.includes("mutable") ? "var" : "const";
      this.w.line(`${kind} ${zigIdent(c.binding)} = ${payload};`, this.origin(c.span));
      this.w.line(`_ = &${zigIdent(c.binding)};`);
    }
    // Only glue code separates the first step from the observed invocation that just ended.
    if (this.probe && followsExit) this.chainedNext = "true";
    this.emitBody(c, scope, loop);
  }

  private emitBody(c: Continuation, scope: Scope, loop: LabelInfo | undefined): void {
    this.emitChain(c.body, scope);
    if (loop && !this.terminates(c.body, scope)) this.w.line(`break :${loop.zigLabel};`);
  }

  private emitLabelLoop(inv: Invocation, sym: EventSymbol, conts: readonly Continuation[], scope: Scope): void {
    const zigLabel = this.fresh(`label_${inv.label}`);
    const label: LabelInfo = { name: inv.label!, zigLabel, stateVar: `${zigLabel}_input`, symbol: sym };
    const origin = this.origin(inv.span);
    this.w.line(`var ${label.stateVar}: ${this.refOf(sym)}.Input = ${this.inputLiteral(sym, inv.args)};`, origin);
    this.w.line(`_ = &${label.stateVar};`);
    if (this.probe) this.w.line(`var ${zigLabel}_chained = false;`);
    this.w.open(`${zigLabel}: while (true) {`, origin);
    const inner: Scope = { ...scope, labels: [...scope.labels, label] };
    if (this.probe) this.chainedNext = `${zigLabel}_chained`;
    const call = this.call(sym, inv, label.stateVar, conts, inner);
    if (sym.decl.branches.length === 0 || conts.length === 0) {
      this.w.line(sym.decl.branches.length === 0 ? `${call};` : `_ = ${call};`, origin);
      for (const c of conts) this.emitChain(c.body, inner);
      if (!conts.some((c) => this.terminates(c.body, inner))) this.w.line(`break :${zigLabel};`);
    } else {
      const result = this.fresh("result");
      this.w.line(`const ${result} = ${call};`, origin);
      this.emitSwitch(result, sym, conts, inner, label, inv);
    }
    this.w.close();
  }

  private emitJump(jump: LabelJump, scope: Scope): void {
    const label = [...scope.labels].reverse().find((l) => l.name === jump.label);
    // The checker owns KORU041: the emitter only ever sees checked programs.
    if (!label) throw new Error(`unchecked program: unknown label '@${jump.label}' at line ${jump.span.line}`);
    const origin = this.origin(jump.span);
    const temps: [string, string][] = [];
    jump.args.forEach((arg, i) => {
      const input = inputFieldFor(label.symbol.decl, arg, i);
      const tmp = this.fresh("next");
      this.w.line(`const ${tmp} = ${toZigValue(arg.value, input?.type)};`, origin);
      temps.push([input?.name ?? arg.name ?? `arg${i}`, tmp]);
    });
    for (const [field, tmp] of temps) this.w.line(`${label.stateVar}.${zigIdent(field)} = ${tmp};`, origin);
    // The next iteration starts where the last observed invocation ended only if nothing ran since.
    if (this.probe)
      this.w.line(
        `${label.zigLabel}_chained = ${this.chainedNext === "true" && jump.args.every((a) => !a.value.includes("("))};`,
      );
    this.w.line(`continue :${label.zigLabel};`, origin);
  }

  private emitConstructor(step: Constructor, scope: Scope): void {
    const origin = this.origin(step.span);
    if (this.isCaptureAssign(step, scope)) {
      const acc = scope.captures[scope.captures.length - 1].accumulator;
      const fields = step.value.kind === "fields" ? step.value.fields : [];
      const temps = fields.map((f) => {
        const tmp = this.fresh("captured");
        this.w.line(`const ${tmp} = ${toZigValue(f.value)};`, origin);
        // `outer.count` names a field of an enclosing capture; a bare key is the innermost's.
        const root = f.name.split(/[.[]/)[0];
        const target =
          f.name.includes(".") && scope.captures.some((c) => c.accumulator === root) ? f.name : `${acc}.${f.name}`;
        return [target, tmp] as const;
      });
      for (const [target, tmp] of temps) this.w.line(`${target} = ${tmp};`, origin);
      return;
    }
    const target = scope.implementing;
    // The checker owns KORU021: the emitter only ever sees checked programs.
    if (!target) {
      throw new Error(`unchecked program: branch constructor '${step.branch}' at line ${step.span.line}`);
    }
    const branch = target.decl.branches.find((b) => b.name === step.branch);
    this.w.line(`return ${constructorValue(step, branch?.payload)};`, origin);
  }
}

const METATYPES = new Set(["Profile", "Transition", "Audit"]);

/** The event's branches in the plan's order (named first, the rest in declaration order). */
function orderedBranches(sym: EventSymbol, plan: SwitchPlan | undefined) {
  const branches = sym.decl.branches;
  if (!plan?.order?.length) return branches;
  const rank = new Map(plan.order.map((name, i) => [name, i]));
  const at = (name: string) => rank.get(name) ?? plan.order!.length;
  return branches
    .map((b, i) => ({ b, i }))
    .sort((x, y) => at(x.b.name) - at(y.b.name) || x.i - y.i)
    .map((x) => x.b);
}

/** The hint all of `names` share, if any (an arm covering several branches needs agreement). */
function sharedHint(plan: SwitchPlan | undefined, names: readonly string[]): ArmHint | undefined {
  if (!plan?.hints || names.length === 0) return undefined;
  const first = plan.hints.get(names[0]);
  return names.every((n) => plan.hints!.get(n) === first) ? first : undefined;
}

/** The value a metatype binding (`|? Profile p`) sees for one branch of `source`. */
function metatypeValue(source: string, branch: string): string {
  return `.{ .source = ${zigString(source)}, .destination = @as(?[]const u8, null), .branch = ${zigString(branch)}, .timestamp_ns = __koru_std.time.nanoTimestamp(), .payload = @as(?[]const u8, null) }`;
}

/** `.{ .branch = value }` for a branch constructor. */
export function constructorValue(step: Constructor, payload: import("../ast.js").Payload | undefined): string {
  const tag = `.${zigIdent(step.branch)}`;
  const v = step.value;
  if (v.kind === "none") return `.{ ${tag} = .{} }`;
  if (v.kind === "expr")
    return `.{ ${tag} = ${toZigValue(v.expr, payload?.kind === "identity" ? payload.type : undefined)} }`;
  if (payload?.kind === "identity" && v.fields.length === 1) return `.{ ${tag} = ${toZigValue(v.fields[0].value)} }`;
  const fields = v.fields.map((f) => `.${zigIdent(f.name)} = ${toZigValue(f.value)}`);
  return `.{ ${tag} = .{ ${fields.join(", ")} } }`;
}

/** `handler__<tag>` of an explicitly called variant (`blur|fast(...)`, bare names too), else `handler`. */
function variantHandlerName(sym: EventSymbol, written: string | undefined): string {
  if (!written || written === "zig") return "handler";
  const found = findVariant(sym.variants, written);
  return found.ok ? `handler__${variantIdent(found.tag)}` : "handler";
}

export function variantIdent(variant: string): string {
  return variant.replace(/[^A-Za-z0-9_]/g, "_");
}

/** A Zig string literal holding `text`. */
export function zigString(text: string): string {
  return JSON.stringify(text);
}
