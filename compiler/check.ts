// Semantic checks over flows and implementations: names resolve, branches are known and
// handled, payloads are bound, bindings are used, labels exist. Every error is reported.
import type { Arg, Chain, Continuation, Invocation, Module, Program, Span, Step } from "./ast.js";
import { checkVariants } from "./check-variants.js";
import { type Diagnostic, error } from "./diagnostics.js";
import { mentionsIdent } from "./scan.js";
import { isMetatype, TAP_EVENT, tapSourceEvent } from "./std/taps.js";
import type { EventSymbol, Symbols } from "./symbols.js";
import { findVariant } from "./variant-tags.js";

const FRONT_END_CODES = new Set(["KORU050", "KORU100", "KORU044"]);

interface Ctx {
  module: Module;
  implementing?: EventSymbol;
  labels: { name: string; symbol: EventSymbol }[];
  inCapture: boolean;
  /**
   * In a tap handler: a trailing branch constructor marks where the observed flow resumes. Set
   * for the handler's chains; `step` sees it only for the constructors that end a chain.
   */
  inTap?: boolean;
}

export function check(program: Program, symbols: Symbols): Diagnostic[] {
  const c = new Checker(symbols);
  for (const mod of new Set(Object.values(program.modules))) c.checkModule(mod);
  // Upstream's front end (flow checker, visibility) stops before its shape checks run.
  const frontEnd = c.diags.filter((d) => FRONT_END_CODES.has(d.code));
  return frontEnd.length > 0 ? frontEnd : [...c.diags, ...checkVariants(program, symbols)];
}

class Checker {
  readonly diags: Diagnostic[] = [];
  constructor(private readonly symbols: Symbols) {}

  checkModule(mod: Module): void {
    for (const item of mod.items) {
      if (item.kind === "flow") this.chain(item.body, { module: mod, labels: [], inCapture: false });
      if (item.kind === "proc" && item.variant !== undefined && item.variant !== "zig") continue; // check-variants.ts
      if (item.kind === "proc" || item.kind === "subflow") {
        const sym = this.symbols.lookup(item.target, mod);
        if (!sym) {
          const name = [item.target.module, item.target.path.join(".")].filter(Boolean).join(":");
          this.diags.push(
            error(
              "KORU040",
              `${item.kind === "proc" ? "proc" : "implementation"} for unknown event '${name}'`,
              item.span,
            ),
          );
          continue;
        }
        if (item.kind === "subflow")
          this.chain(item.body, { module: mod, implementing: sym, labels: [], inCapture: false });
      }
    }
  }

  private chain(chain: Chain, ctx: Ctx): void {
    let labels = ctx.labels;
    // In a tap handler, constructors (and `_`) ending a chain without continuations mark where
    // the observed flow resumes; the emitter drops them (taps.ts observerChain).
    let resumesFrom = chain.steps.length;
    if (chain.continuations.length === 0) {
      while (resumesFrom > 0 && ["construct", "discard"].includes(chain.steps[resumesFrom - 1]!.kind)) resumesFrom--;
    }
    chain.steps.forEach((step, i) => {
      const last = i === chain.steps.length - 1;
      const conts = last ? chain.continuations : [];
      const sym = this.step(step, { ...ctx, labels, inTap: ctx.inTap === true && i >= resumesFrom }, conts);
      // A label loops over its invocation's continuations: only a chain's last step has them.
      if (step.kind === "invoke" && step.label && sym && last) labels = [...labels, { name: step.label, symbol: sym }];
      if (last && step.kind === "invoke") this.continuations(step, sym, conts, { ...ctx, labels }, chain.span);
    });
    if (chain.steps.length === 0 && chain.continuations.length > 0) {
      for (const c of chain.continuations) this.chain(c.body, ctx);
    }
  }

  private step(step: Step, ctx: Ctx, conts: readonly Continuation[]): EventSymbol | undefined {
    switch (step.kind) {
      case "discard":
        return undefined;
      case "jump":
        if (!ctx.labels.some((l) => l.name === step.label)) {
          this.diags.push(error("KORU041", `unknown label '@${step.label}'`, at(step.span)));
        }
        return undefined;
      case "construct": {
        if ((step.branch === "captured" && ctx.inCapture) || ctx.inTap) return undefined;
        const target = ctx.implementing;
        if (!target) {
          this.diags.push(
            error(
              "KORU021",
              `branch constructor '${step.branch}' is only valid inside an event implementation`,
              at(step.span),
              {
                hint: "to call an event with no arguments write `name()`",
              },
            ),
          );
        } else if (!target.decl.branches.some((b) => b.name === step.branch)) {
          this.diags.push(
            error(
              "KORU021",
              `event '${target.canonical}' has no branch '${step.branch}' (available: ${available(target)})`,
              at(step.span),
            ),
          );
        }
        return undefined;
      }
      case "invoke": {
        const r = this.symbols.resolve(step.target, ctx.module);
        if (r.ok) {
          if (
            step.variant &&
            step.variant !== "zig" &&
            step.variant !== "baseline" &&
            !findVariant(r.symbol.variants, step.variant).ok
          ) {
            this.diags.push(
              error("KORU047", `event '${r.symbol.canonical}' has no variant '${step.variant}'`, at(step.span)),
            );
          }
          return r.symbol;
        }
        if (r.reason === "private") {
          this.diags.push(
            error(
              "KORU044",
              `cannot access private event '${r.canonical}' from module '${ctx.module.name}'`,
              at(step.span),
              {
                hint: "mark the event as public with ~pub event",
              },
            ),
          );
        } else {
          const written = [step.target.module, step.target.path.join(".")].filter(Boolean).join(":");
          this.diags.push(error("KORU040", `unknown event '${written}'`, at(step.span)));
        }
        for (const c of conts) this.chain(c.body, ctx);
        return undefined;
      }
    }
  }

  /** Upstream skips the unused-binding check when the body starts with a transform. */
  private startsWithTransform(chain: Chain, ctx: Ctx): boolean {
    const first = chain.steps[0];
    if (first?.kind !== "invoke") return false;
    const r = this.symbols.resolve(first.target, ctx.module);
    return r.ok && r.symbol.decl.annotations.includes("transform");
  }

  private continuations(
    inv: Invocation,
    sym: EventSymbol | undefined,
    conts: readonly Continuation[],
    ctx: Ctx,
    flowSpan: Span,
  ): void {
    if (!sym) return;
    if (sym.canonical === TAP_EVENT) return this.tapHandlers(inv, conts, ctx);
    const transform = sym.decl.annotations.includes("transform");
    const branches = sym.decl.branches;
    const seenPlain = new Set<string>();
    const byBranch = new Map<string, Continuation[]>();
    for (const c of conts) {
      if (c.catchAll) continue;
      // Route patterns (`| [GET /] |>`) of a transform such as orisha:router are checked by its lowering.
      if (transform && c.branch.startsWith("[")) continue;
      const decl = branches.find((b) => b.name === c.branch);
      if (!decl) {
        this.diags.push(
          error(
            "KORU021",
            `event '${sym.canonical}' has no branch '${c.branch}' (available: ${available(sym)})`,
            at(c.span),
          ),
        );
        continue;
      }
      if (decl.payload.kind !== "none" && c.binding === undefined && !transform && !inv.label) {
        this.diags.push(
          error("KORU030", `branch '${c.branch}' has payload but no binding`, at(c.span), {
            hint: `bind the payload (\`| ${c.branch} x |>\`) or discard it (\`| ${c.branch} _ |>\`)`,
          }),
        );
      }
      if (c.when === undefined) {
        if (seenPlain.has(c.branch)) {
          this.diags.push(
            error("SHAPE002", `branch '${c.branch}' is handled twice at the same level`, at(c.span), {
              hint: "check the indentation: a deeper continuation belongs to the step above it",
            }),
          );
        }
        seenPlain.add(c.branch);
      }
      byBranch.set(c.branch, [...(byBranch.get(c.branch) ?? []), c]);
    }
    for (const [branch, group] of byBranch) {
      if (group.some((c) => c.when !== undefined) && !group.some((c) => c.when === undefined)) {
        this.diags.push(
          error(
            "KORU050",
            `branch '${branch}' has multiple when-clauses but no else case - add one continuation without 'when'`,
            at(flowSpan),
          ),
        );
      }
    }
    if (!transform) {
      const missing = branches.filter((b) => !b.optional && !byBranch.has(b.name));
      if (conts.length === 0 && missing.length > 0 && !inv.label) {
        this.diags.push(
          error("KORU022", `event '${sym.canonical}' invoked but its branches are not handled`, at(inv.span), {
            hint: `handle ${missing.map((b) => `'| ${b.name}'`).join(", ")}`,
          }),
        );
      } else {
        for (const b of missing) {
          this.diags.push(
            error("KORU022", `branch '${b.name}' must be handled but no continuation found`, at(inv.span)),
          );
        }
      }
    }
    const inner: Ctx = { ...ctx, inCapture: ctx.inCapture || sym.canonical === "std.control:capture" };
    for (const c of conts) {
      const bodyCtx = sym.canonical === "std.control:capture" && c.branch !== "as" ? ctx : inner;
      this.chain(c.body, bodyCtx);
      this.bindingUsed(c, ctx);
    }
  }

  private bindingUsed(c: Continuation, ctx: Ctx): void {
    if (
      c.binding &&
      c.binding !== "_" &&
      !c.binding.startsWith("_") &&
      !this.startsWithTransform(c.body, ctx) &&
      !usesBinding(c, c.binding)
    ) {
      this.diags.push(
        error("KORU100", `unused binding '${c.binding}'`, at(c.span), {
          hint: "discard the binding using `_` if not needed",
        }),
      );
    }
  }

  /** A tap's handlers name branches of its source event (or a metatype), not branches of `tap`. */
  private tapHandlers(inv: Invocation, conts: readonly Continuation[], ctx: Ctx): void {
    const source = tapSourceEvent(inv, this.symbols, ctx.module);
    for (const c of conts) {
      if (source && !c.catchAll && !isMetatype(c.branch) && !source.decl.branches.some((b) => b.name === c.branch)) {
        this.diags.push(
          error(
            "KORU021",
            `event '${source.canonical}' has no branch '${c.branch}' (available: ${available(source)})`,
            at(c.span),
          ),
        );
      }
      this.chain(c.body, { ...ctx, inTap: true });
      this.bindingUsed(c, ctx);
    }
  }
}

function at(span: Span): Span {
  return { ...span, col: 0 };
}

function available(sym: EventSymbol): string {
  return sym.decl.branches.map((b) => b.name).join(", ") || "none: it is a void event";
}

/** A binding is used when its name appears in an expression anywhere below its continuation. */
function usesBinding(c: Continuation, name: string): boolean {
  if (c.when && mentionsIdent(c.when, name)) return true;
  return chainUses(c.body, name);
}

function chainUses(chain: Chain, name: string): boolean {
  for (const step of chain.steps) if (stepUses(step, name)) return true;
  return chain.continuations.some((c) => (c.when && mentionsIdent(c.when, name)) || chainUses(c.body, name));
}

function stepUses(step: Step, name: string): boolean {
  const args = (list: readonly Arg[]) =>
    list.some((a) => mentionsIdent(a.value, name) || templateMentions(a.value, name));
  switch (step.kind) {
    case "invoke":
      return args(step.args) || (step.source !== undefined && templateMentions(step.source, name));
    case "jump":
      return args(step.args);
    case "construct":
      if (step.value.kind === "expr") return mentionsIdent(step.value.expr, name);
      if (step.value.kind === "fields") return step.value.fields.some((f) => mentionsIdent(f.value, name));
      return false;
    case "discard":
      return false;
  }
}

/** Names inside `{{ ... }}` and `{% if ... %}` of print templates count as uses. */
function templateMentions(text: string, name: string): boolean {
  for (const m of text.matchAll(/\{\{([^}]*)\}\}|\{%([^%]*)%\}/g)) {
    if (mentionsIdent(m[1] ?? m[2] ?? "", name)) return true;
  }
  return false;
}
