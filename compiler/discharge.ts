// Phantom obligations and auto-discharge: an AST-to-AST pass between check and emit.
//
// A branch payload typed `*T[state!]` issues an obligation when a continuation binds it;
// passing the binding (or `binding.field`) to an input typed `*T[!state]` discharges it.
// Where a flow path ends with obligations still live (a terminal `_`, the end of a
// continuation body, a branch constructor that does not carry the resource out, a label
// jump), the pass inserts a call of the one event that can discharge the state (or of the
// one marked `~[!]event`, or of the one void event among several), or reports KORU030.
// A discharge event with one branch gets a `| branch _ |>` continuation holding the rest.
//
// Scopes: the `each` body of `~for` (and the `as` body of `~capture`, and a `#label`
// continuation that jumps back to its label) runs repeatedly, so it may neither discharge
// an obligation created outside it (KORU032) nor have one auto-discharged: outer
// obligations are discharged on the path after the loop (`| done`, synthesized if absent).
//
// Flags: `--auto-discharge=disable` turns every live obligation at a path end into an
// error; `--auto-discharge=warn` inserts and reports each insertion as a warning.

import type {
  Arg,
  BranchDecl,
  Chain,
  Constructor,
  Continuation,
  EventDecl,
  Field,
  Invocation,
  Item,
  Module,
  Program,
  Span,
  Step,
} from "./ast.js";
import { type Diagnostic, error } from "./diagnostics.js";
import { inputFieldFor } from "./input-fields.js";
import { isIssue, type Phantom, type PhantomState, parsePhantom, payloadPhantoms } from "./phantom.js";
import { TAP_EVENT } from "./std/taps.js";
import { type EventSymbol, Symbols } from "./symbols.js";

export type DischargeMode = "auto" | "warn" | "disable";

export interface DischargeResult {
  program: Program;
  /** Symbols of `program` (the input's own when nothing changed). */
  symbols: Symbols;
  diagnostics: Diagnostic[];
}

export function dischargeMode(flags: readonly string[]): DischargeMode {
  if (flags.includes("auto-discharge=disable")) return "disable";
  if (flags.includes("auto-discharge=warn")) return "warn";
  return "auto";
}

/** Track obligations over every flow and subflow; insert discharges where paths end. */
export function autoDischarge(program: Program, symbols: Symbols): DischargeResult {
  const d = new Discharger(program, symbols, dischargeMode(program.flags));
  d.validateDeclarations();
  const out = d.diags.length > 0 ? program : d.run();
  if (out === program) return { program, symbols, diagnostics: d.diags };
  return { program: out, symbols: new Symbols(out), diagnostics: d.diags };
}

/** `app.fs:opened!` → `opened!`, for messages. */
function shortState(canonical: string): string {
  return canonical.slice(canonical.lastIndexOf(":") + 1);
}

// ---------------------------------------------------------------------------------------
// Path state

interface Obligation {
  /** The expression naming the resource: `f`, `f.file1`, `_auto_0`. */
  key: string;
  /** The same as the user wrote it (`_` for a discarded payload). */
  shown: string;
  /** Canonical state `module:name`, without markers. */
  state: string;
  /** Zig type of the resource (`*File`): discharge events must take the same type. */
  type: string;
  depth: number;
  order: number;
  /** The event whose branch issued it. */
  issuer: string;
  span: Span;
}

/** The obligations and known states along one flow path; cloned where paths branch. */
class PathState {
  constructor(
    readonly live = new Map<string, Obligation>(),
    readonly disposed = new Set<string>(),
    /** Canonical phantom state of every bound resource (obligations included). */
    readonly states = new Map<string, string>(),
    /** Scope depth: one more inside each repeating scope. */
    public depth = 0,
    /** Obligations created below this depth belong outside the innermost repeating scope. */
    public floor = 0,
  ) {}

  clone(): PathState {
    return new PathState(new Map(this.live), new Set(this.disposed), new Map(this.states), this.depth, this.floor);
  }

  enterRepeating(): PathState {
    const s = this.clone();
    s.depth++;
    s.floor = s.depth;
    return s;
  }

  /** Obligations the current path must discharge when it ends, newest first. */
  due(): Obligation[] {
    return [...this.live.values()].filter((o) => o.depth >= this.floor).sort((a, b) => b.order - a.order);
  }
}

interface Env {
  module: Module;
}

interface Candidate {
  sym: EventSymbol;
  field: Field;
}

interface Discharge {
  ob: Obligation;
  candidate: Candidate;
}

const CONTROL_FOR = "std.control:for";
const CONTROL_IF = "std.control:if";
const CONTROL_CAPTURE = "std.control:capture";
/** Transforms whose branches the pass understands (others are left alone). */
const KNOWN_TRANSFORMS = new Set([CONTROL_FOR, CONTROL_IF, CONTROL_CAPTURE, "std.control:const"]);

class Discharger {
  readonly diags: Diagnostic[] = [];
  private synthetic = 0;
  private order = 0;
  private readonly candidates = new Map<string, Candidate[]>();

  constructor(
    private readonly program: Program,
    private readonly symbols: Symbols,
    private readonly mode: DischargeMode,
  ) {}

  // -- declarations ---------------------------------------------------------------------

  /** Issue markers on inputs, consume markers on outputs, `[!]` on events with branches, unknown modules. */
  validateDeclarations(): void {
    for (const sym of this.symbols.events.values()) {
      const decl = sym.decl;
      if (decl.annotations.includes("!") && decl.branches.length > 0) {
        this.diags.push(
          error(
            "KORU083",
            "[!] annotation requires single-outcome void event (no branches) - events with branches require manual handling",
            decl.span,
            { hint: "remove `[!]`, or make the event void" },
          ),
        );
      }
      for (const f of decl.input) if (f.phantom !== undefined) this.validatePhantom(f.phantom, sym, f.span, true);
      for (const b of decl.branches) {
        for (const { phantom, span } of payloadPhantoms(b)) this.validatePhantom(phantom, sym, span, false);
      }
    }
  }

  private validatePhantom(text: string, sym: EventSymbol, span: Span, input: boolean): void {
    const p = parsePhantom(text);
    if (p.kind !== "states") return;
    for (const s of p.states) {
      if (input && s.issues) {
        this.diags.push(
          error(
            "KORU033",
            `Cannot issue obligation '[${text}]' on input parameter (event: ${sym.canonical}). Use '[!${s.name}]' to consume an existing obligation, or remove the '!' suffix.`,
            span,
          ),
        );
      } else if (!input && s.consumes) {
        this.diags.push(
          error(
            "KORU033",
            `Cannot consume obligation '[${text}]' on output parameter (event: ${sym.canonical}). Use '[${s.name}!]' to issue a new obligation, or remove the '!' prefix.`,
            span,
          ),
        );
      } else if (s.module !== undefined && /^[A-Za-z_][\w.]*$/.test(s.module) && !this.program.modules[s.module]) {
        this.diags.push(
          error(
            "KORU040",
            `Unknown module '${s.module}' in phantom type annotation '${text}' (event: ${sym.canonical}). Module not imported.`,
            span,
          ),
        );
      }
    }
  }

  // -- program --------------------------------------------------------------------------

  run(): Program {
    const replaced = new Map<Module, Module>();
    for (const mod of new Set(Object.values(this.program.modules))) {
      const items = mod.items.map((item) => this.item(item, mod));
      if (items.some((item, i) => item !== mod.items[i])) replaced.set(mod, { ...mod, items });
    }
    if (replaced.size === 0 || this.diags.some((d) => d.level === "error")) return this.program;
    const modules: Record<string, Module> = {};
    for (const [name, mod] of Object.entries(this.program.modules)) modules[name] = replaced.get(mod) ?? mod;
    return { ...this.program, entry: replaced.get(this.program.entry) ?? this.program.entry, modules };
  }

  private item(item: Item, mod: Module): Item {
    if (item.kind !== "flow" && item.kind !== "subflow") return item;
    if (item.kind === "flow" && this.isTap(item.body, mod)) return item;
    const body = this.chain(item.body, new PathState(), { module: mod });
    return body === item.body ? item : { ...item, body };
  }

  /** Tap handlers observe payloads owned by the flows they watch. */
  private isTap(chain: Chain, mod: Module): boolean {
    const head = chain.steps[0];
    return head?.kind === "invoke" && this.resolve(head, mod)?.canonical === TAP_EVENT;
  }

  private resolve(inv: Invocation, mod: Module): EventSymbol | undefined {
    const r = this.symbols.resolve(inv.target, mod);
    return r.ok ? r.symbol : undefined;
  }

  // -- flow paths -----------------------------------------------------------------------

  /** Walk one chain along the path `state` (mutated: the caller clones where paths split). */
  private chain(chain: Chain, state: PathState, env: Env): Chain {
    const { steps } = chain;
    if (steps.length === 0) return this.separatePaths(chain, state, env);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      const last = i === steps.length - 1;
      switch (step.kind) {
        case "invoke": {
          const sym = this.resolve(step, env.module);
          this.passArgs(step, sym, state);
          if (!last) break;
          if (chain.continuations.length === 0) return this.endPath(chain, steps.length, state, env, step.span);
          if (sym && followsBranches(sym)) {
            const continuations = this.continuations(step, sym, chain.continuations, state, env);
            return sameList(continuations, chain.continuations) ? chain : { ...chain, continuations };
          }
          // An unknown event, a void one, or an unfamiliar transform: each continuation is a path.
          return this.separatePaths(chain, state, env);
        }
        case "construct":
          this.escapes(constructorValues(step), state);
          if (last) return this.endPath(chain, i, state, env, step.span);
          break;
        case "jump":
          this.escapes(
            step.args.map((a) => a.value),
            state,
          );
          return this.endPath(chain, i, state, env, step.span);
        case "discard":
          return this.endPath(chain, i, state, env, step.span);
      }
    }
    return chain;
  }

  /** Each continuation of `chain` walked as a path of its own, nothing bound. */
  private separatePaths(chain: Chain, state: PathState, env: Env): Chain {
    const continuations = chain.continuations.map((c) => {
      const body = this.chain(c.body, state.clone(), env);
      return body === c.body ? c : { ...c, body };
    });
    return sameList(continuations, chain.continuations) ? chain : { ...chain, continuations };
  }

  private continuations(
    inv: Invocation,
    sym: EventSymbol,
    conts: readonly Continuation[],
    state: PathState,
    env: Env,
  ): Continuation[] {
    const out = conts.map((c) => this.continuation(sym, c, this.branchState(inv, sym, c, state), env));
    if (conts.some((c) => c.catchAll)) return out;
    // Unhandled optional branches end the path too: give them a body when something is due there.
    const handled = new Set(conts.map((c) => c.branch));
    for (const b of sym.decl.branches) {
      if (handled.has(b.name) || !b.optional) continue;
      const c = synthesized(b, inv.span);
      const branchState = this.branchState(inv, sym, c, state);
      if (branchState.due().length === 0 && !payloadPhantoms(b).some((p) => isIssue(p.phantom))) continue;
      out.push(this.continuation(sym, c, branchState, env));
    }
    return out;
  }

  /** The path state a continuation starts from. */
  private branchState(inv: Invocation, sym: EventSymbol, c: Continuation, state: PathState): PathState {
    const repeating =
      (sym.canonical === CONTROL_FOR && c.branch === "each") ||
      (sym.canonical === CONTROL_CAPTURE && c.branch === "as") ||
      (inv.label !== undefined && jumpsTo(c.body, inv.label));
    return repeating ? state.enterRepeating() : state.clone();
  }

  private continuation(sym: EventSymbol, c: Continuation, state: PathState, env: Env): Continuation {
    const decl = c.catchAll ? undefined : sym.decl.branches.find((b) => b.name === c.branch);
    const binding = decl ? this.bind(c, decl, sym, state) : c.binding;
    const body = this.chain(c.body, state, env);
    return body === c.body && binding === c.binding ? c : { ...c, ...(binding !== undefined ? { binding } : {}), body };
  }

  /** Record the states a continuation binds; a discarded payload carrying an obligation gets a name. */
  private bind(c: Continuation, decl: BranchDecl, sym: EventSymbol, state: PathState): string | undefined {
    const written = c.binding;
    if (written === undefined) return written;
    const phantoms = payloadPhantoms(decl);
    if (phantoms.length === 0) return written;
    const name = written === "_" && phantoms.some((p) => isIssue(p.phantom)) ? `_auto_${this.synthetic++}` : written;
    if (name === "_") return written;
    for (const p of phantoms) {
      const parsed = parsePhantom(p.phantom);
      if (parsed.kind !== "states" || parsed.states.length !== 1) continue;
      const s = parsed.states[0];
      const key = p.field === undefined ? name : `${name}.${p.field}`;
      const canonical = this.canonical(s, sym);
      state.states.set(key, canonical);
      state.disposed.delete(key);
      if (!s.issues) continue;
      state.live.set(key, {
        key,
        shown: p.field === undefined ? written : `${written}.${p.field}`,
        state: canonical,
        type: p.type,
        depth: state.depth,
        order: this.order++,
        issuer: sym.canonical,
        span: c.span,
      });
    }
    return name;
  }

  private canonical(s: PhantomState, owner: EventSymbol): string {
    const mod = s.module === undefined ? owner.module.name : (this.program.modules[s.module]?.name ?? s.module);
    return `${mod}:${s.name}`;
  }

  /** Arguments: explicit discharges, use after discharge, state requirements. */
  private passArgs(inv: Invocation, sym: EventSymbol | undefined, state: PathState): void {
    if (!sym) return;
    inv.args.forEach((arg, i) => {
      const field = inputFieldFor(sym.decl, arg, i);
      if (field?.phantom === undefined) return;
      const value = arg.value.trim();
      const phantom = parsePhantom(field.phantom);
      if (state.disposed.has(value)) {
        this.diags.push(
          error("KORU030", `Use-after-disposal: binding '${value}' was already disposed and cannot be used`, arg.span, {
            hint: `'${value}' was discharged earlier on this path`,
          }),
        );
        return;
      }
      const provided = state.states.get(value);
      if (provided !== undefined) this.checkState(phantom, provided, sym, field, arg);
      const ob = state.live.get(value);
      if (!ob || phantom.kind !== "states" || !phantom.states.some((s) => s.consumes)) return;
      if (ob.depth < state.floor) {
        this.diags.push(
          error(
            "KORU032",
            `Cannot dispose outer-scope resource '${ob.shown}' inside @scope boundary. Handle outside the scope or escape via branch constructor.`,
            arg.span,
            { hint: "this body runs once per iteration; discharge the resource after the loop (`| done |>`)" },
          ),
        );
      }
      state.live.delete(value);
      state.disposed.add(value);
    });
  }

  private checkState(phantom: Phantom, provided: string, sym: EventSymbol, field: Field, arg: Arg): void {
    const name = shortState(provided);
    if (phantom.kind === "variable") {
      if (phantom.allowed && !phantom.allowed.includes(name)) {
        this.diags.push(
          error(
            "KORU030",
            `Phantom state mismatch: state '${provided}' does not satisfy '${field.phantom}' for argument '${field.name}'`,
            arg.span,
          ),
        );
      }
      return;
    }
    const expected = phantom.states.map((s) => this.canonical(s, sym));
    if (expected.includes(provided)) return;
    this.diags.push(
      error(
        "KORU030",
        `Phantom state mismatch: expected '${expected.join("|")}' but got '${provided}' for argument '${field.name}'`,
        arg.span,
      ),
    );
  }

  /** Resources named by a branch constructor or a jump leave this path with it. */
  private escapes(values: string[], state: PathState): void {
    for (const key of [...state.live.keys()]) {
      if (values.some((v) => carries(v.trim(), key))) state.live.delete(key);
    }
  }

  // -- path ends ------------------------------------------------------------------------

  /** Discharge what is due before `chain.steps[at]` (or after the last step). */
  private endPath(chain: Chain, at: number, state: PathState, env: Env, span: Span): Chain {
    const due = state.due();
    if (due.length === 0) return chain;
    if (this.mode === "disable") {
      for (const ob of due) this.diags.push(this.notDischarged(ob, span, env));
      return chain;
    }
    const discharges: Discharge[] = [];
    for (const ob of due) {
      const candidate = this.select(ob, span, env);
      if (!candidate) continue;
      discharges.push({ ob, candidate });
      state.live.delete(ob.key);
      state.disposed.add(ob.key);
      if (this.mode === "warn") {
        this.diags.push({
          code: "AUTO-DISCHARGE",
          level: "warning",
          message: `Inserting '${candidate.sym.canonical}' to dispose '${ob.shown}' (state: ${ob.state}!)`,
          file: span.file,
          line: span.line,
          col: span.col,
        });
      }
    }
    if (discharges.length === 0) return chain;
    return withDischarges(
      chain,
      at,
      discharges.map((d) => this.call(d, env, span)),
      span,
    );
  }

  /** Events taking the obligation's type with a consume marker for its state. */
  private consumers(ob: Obligation, env: Env): Candidate[] {
    const cacheKey = `${env.module.name}\0${ob.state}\0${ob.type}`;
    const hit = this.candidates.get(cacheKey);
    if (hit) return hit;
    const found: Candidate[] = [];
    for (const sym of this.symbols.events.values()) {
      if (sym.module !== env.module && !sym.decl.pub) continue;
      const field = sym.decl.input.find((f) => {
        if (f.phantom === undefined || !sameType(f.type, ob.type)) return false;
        const p = parsePhantom(f.phantom);
        return p.kind === "states" && p.states.some((s) => s.consumes && this.canonical(s, sym) === ob.state);
      });
      if (field) found.push({ sym, field });
    }
    this.candidates.set(cacheKey, found);
    return found;
  }

  /**
   * The event to insert, among the consumers with at most one branch: the one marked `[!]`,
   * else the only one, else the only void one. Reports KORU030 when there is none or the
   * choice is ambiguous (events with several branches are only suggested).
   */
  private select(ob: Obligation, span: Span, env: Env): Candidate | undefined {
    const all = this.consumers(ob, env);
    const single = all.filter((c) => c.sym.decl.branches.length <= 1);
    const marked = single.filter((c) => c.sym.decl.annotations.includes("!"));
    const voids = single.filter((c) => c.sym.decl.branches.length === 0);
    const pick =
      marked.length === 1 ? marked[0] : single.length === 1 ? single[0] : voids.length === 1 ? voids[0] : undefined;
    if (pick) return pick;
    const state = shortState(ob.state);
    const hint = {
      hint: `the obligation comes from '${ob.issuer}' (line ${ob.span.line}); discharge it explicitly before the path ends`,
    };
    if (single.length > 1) {
      this.diags.push(
        error(
          "KORU030",
          `Resource '${ob.shown}' [${state}!] has multiple disposal options: ${names(single)}. Discharge explicitly.`,
          span,
          { hint: "call one of them, or mark the default one `~[!]event`" },
        ),
      );
    } else if (all.length > 0) {
      const list = all.length === 1 ? `Call: ${names(all)}` : `Call one of: ${names(all)}`;
      this.diags.push(error("KORU030", `Resource '${ob.shown}' [${state}!] was not disposed. ${list}`, span, hint));
    } else {
      this.diags.push(
        error(
          "KORU030",
          `Resource '${ob.shown}' [${state}!] was not disposed. No event accepts [!${state}].`,
          span,
          hint,
        ),
      );
    }
    return undefined;
  }

  private notDischarged(ob: Obligation, span: Span, env: Env): Diagnostic {
    const all = this.consumers(ob, env).map((c) => c.sym.canonical);
    const state = shortState(ob.state);
    const tail =
      all.length === 0
        ? `No event accepts [!${state}].`
        : all.length === 1
          ? `Call: ${all[0]}`
          : `Call one of: ${all.join(", ")}`;
    return error("KORU030", `Resource '${ob.shown}' [${state}!] was not discharged. ${tail}`, span, {
      hint: "auto-discharge is disabled (--auto-discharge=disable)",
    });
  }

  /** The inserted invocation, qualified unless the event is local. */
  private call(d: Discharge, env: Env, span: Span): { inv: Invocation; decl: EventDecl } {
    const { sym, field } = d.candidate;
    const target =
      sym.module === env.module
        ? { path: sym.decl.path, span }
        : { module: sym.module.name, path: sym.decl.path, span };
    return {
      inv: { kind: "invoke", target, args: [{ name: field.name, value: d.ob.key, span }], span },
      decl: sym.decl,
    };
  }
}

// ---------------------------------------------------------------------------------------
// Tree helpers

/**
 * `chain` with `calls` inserted before `chain.steps[at]` (the terminal, if any). A called
 * event with a branch continues in a `| branch _ |>` continuation; a trailing `_` after
 * void calls is dropped (the calls end the path, as if written by hand).
 */
function withDischarges(chain: Chain, at: number, calls: { inv: Invocation; decl: EventDecl }[], span: Span): Chain {
  const build = (prefix: Step[], rest: typeof calls, terminal: Step[]): Chain => {
    const steps = [...prefix];
    for (let i = 0; i < rest.length; i++) {
      const { inv, decl } = rest[i];
      steps.push(inv);
      const branch = decl.branches[0];
      if (branch) {
        const body = build([], rest.slice(i + 1), terminal.length > 0 ? terminal : [{ kind: "discard", span }]);
        const cont: Continuation = {
          branch: branch.name,
          catchAll: false,
          ...(branch.payload.kind === "none" ? {} : { binding: "_" }),
          bindingAnnotations: [],
          body,
          span,
        };
        return { steps, continuations: [cont], span: chain.span };
      }
    }
    const kept = terminal.filter((s) => s.kind !== "discard");
    steps.push(...(kept.length > 0 || steps.length > 0 ? kept : terminal));
    return { steps, continuations: [], span: chain.span };
  };
  return build(chain.steps.slice(0, at), calls, chain.steps.slice(at));
}

/** Whether the pass follows `sym`'s branches: plain events with branches and the control transforms. */
function followsBranches(sym: EventSymbol): boolean {
  if (sym.decl.branches.length === 0) return false;
  return !sym.decl.annotations.includes("transform") || KNOWN_TRANSFORMS.has(sym.canonical);
}

/** A continuation for an unhandled optional branch: `| b _ |> _`. */
function synthesized(b: BranchDecl, span: Span): Continuation {
  return {
    branch: b.name,
    catchAll: false,
    ...(b.payload.kind === "none" ? {} : { binding: "_" }),
    bindingAnnotations: [],
    body: { steps: [{ kind: "discard", span }], continuations: [], span },
    span,
  };
}

function constructorValues(step: Constructor): string[] {
  if (step.value.kind === "expr") return [step.value.expr];
  if (step.value.kind === "fields") return step.value.fields.map((f) => f.value);
  return [];
}

/** Does the expression `value` hand over the resource `key` (`f`, `f.file`, or all of `f`)? */
function carries(value: string, key: string): boolean {
  return value === key || value.startsWith(`${key}.`) || key.startsWith(`${value}.`);
}

function jumpsTo(chain: Chain, label: string): boolean {
  return (
    chain.steps.some((s) => s.kind === "jump" && s.label === label) ||
    chain.continuations.some((c) => jumpsTo(c.body, label))
  );
}

function sameType(a: string, b: string): boolean {
  const norm = (t: string) => t.replace(/\s+/g, "").replace(/^([*?]*(?:const)?)[\w.]+:/, "$1");
  return norm(a) === norm(b);
}

function names(cands: Candidate[]): string {
  return cands.map((c) => c.sym.decl.path.join(".")).join(", ");
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
