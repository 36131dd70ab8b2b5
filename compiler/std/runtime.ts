// `$std/runtime` at compile time: read every `std.runtime:register(scope: "...") { ... }`
// block, check it (unknown event, duplicate name, bad cost, inputs a flow cannot give),
// and emit one scope table per block, whose entries are comptime-generated shims
// (`__koru_rt.entry(<event struct>, name, event, cost, obligations)`).
import type { EventDecl, FlowItem, Invocation, Module, Payload, Program, Span } from "../ast.js";
import { type Diagnostic, error } from "../diagnostics.js";
import type { EmitHooks } from "../emit/program.js";
import { namespaceOf } from "../emit/program.js";
import { parseRef } from "../parse-flow.js";
import type { EventSymbol, Symbols } from "../symbols.js";
import { RT } from "./fmt.js";

export const REGISTER_EVENT = "std.runtime:register";

/** Zig files (under zig-runtime/) a program using the runtime, fmt or orisha is built with. */
export const RUNTIME_FILES = [
  "runtime/koru_runtime.zig",
  "runtime/value.zig",
  "runtime/flow_parser.zig",
  "runtime/shim.zig",
  "runtime/interp.zig",
  "runtime/arena.zig",
  "runtime/http.zig",
];

const RUNTIME_MODULES = ["std.runtime", "std.fmt", "orisha"];

export interface ScopeEntry {
  /** The name flows call (an alias replaces the event's own name). */
  name: string;
  symbol: EventSymbol;
  cost: number;
  span: Span;
}

export interface RegisteredScope {
  name: string;
  module: Module;
  entries: ScopeEntry[];
  span: Span;
}

/** What an agent needs to write flows against a scope. */
export interface ScopeVocabulary {
  scope: string;
  events: {
    name: string;
    event: string;
    cost: number;
    inputs: { name: string; type: string; optional: boolean }[];
    branches: { name: string; payload: string }[];
    doc?: string;
  }[];
}

const NAME = String.raw`[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*`;
const EVENT = `${NAME}(?::${NAME})?`;
const LINE = new RegExp(String.raw`^(${EVENT})\s*(?:->\s*(${EVENT}))?\s*(?:\(([^)]*)\))?$`);
const SCALAR = /^\??(?:[iu](?:8|16|32|64|128|size)|f(?:16|32|64|128)|bool|\[\]const u8)$/;

export function isRegister(item: FlowItem, symbols: Symbols, mod: Module): Invocation | undefined {
  const first = item.body.steps[0];
  if (first?.kind !== "invoke") return undefined;
  const r = symbols.resolve(first.target, mod);
  return r.ok && r.symbol.canonical === REGISTER_EVENT ? first : undefined;
}

/** Every register block of the program, checked. */
export function readScopes(
  program: Program,
  symbols: Symbols,
): { scopes: RegisteredScope[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const blocks: { inv: Invocation; mod: Module; name: string }[] = [];
  for (const mod of new Set(Object.values(program.modules))) {
    for (const item of mod.items) {
      if (item.kind !== "flow") continue;
      const inv = isRegister(item, symbols, mod);
      if (!inv) continue;
      const arg = inv.args.find((a) => a.name === "scope") ?? inv.args.find((a) => a.name === undefined);
      const m = arg ? /^"([A-Za-z0-9_.-]+)"$/.exec(arg.value.trim()) : null;
      if (!m) {
        diagnostics.push(
          error("KORU110", 'std.runtime:register needs a scope name: register(scope: "api") { ... }', at(inv.span)),
        );
        continue;
      }
      if (blocks.some((b) => b.name === m[1])) {
        diagnostics.push(error("KORU111", `scope '${m[1]}' is registered twice`, at(inv.span)));
        continue;
      }
      blocks.push({ inv, mod, name: m[1] });
    }
  }
  const scopes: RegisteredScope[] = [];
  const lines = new Map<string, { text: string; span: Span }[]>();
  for (const b of blocks) {
    // The block's lines start on the line after the `{`.
    const list = (b.inv.source ?? "")
      .split("\n")
      .map((text, i) => ({ text, span: { ...b.inv.span, line: b.inv.span.line + 1 + i, col: 1 } }));
    lines.set(b.name, list);
    scopes.push({ name: b.name, module: b.mod, entries: [], span: b.inv.span });
  }
  const filling = new Set<string>();
  const fill = (scope: RegisteredScope): void => {
    if (filling.has(scope.name)) return;
    filling.add(scope.name);
    for (const { text: raw, span } of lines.get(scope.name) ?? []) {
      const text = raw.replace(/\/\/.*$/, "").trim();
      if (text === "") continue;
      const include = /^scope\(\s*"?([A-Za-z0-9_.-]+)"?\s*\)$/.exec(text);
      if (include) {
        const other = scopes.find((s) => s.name === include[1]);
        if (!other) {
          diagnostics.push(error("KORU112", `unknown scope '${include[1]}' included in scope '${scope.name}'`, span));
          continue;
        }
        fill(other);
        for (const e of other.entries) add(scope, { ...e, span });
        continue;
      }
      const m = LINE.exec(text);
      if (!m) {
        diagnostics.push(
          error(
            "KORU113",
            `invalid register line '${text}': expected 'event', 'event(cost)' or 'event -> alias(cost)'`,
            span,
          ),
        );
        continue;
      }
      const [, ref, alias, costText] = m;
      const cost = costText === undefined ? 1 : /^\s*\d+\s*$/.test(costText) ? Number(costText) : Number.NaN;
      if (!Number.isSafeInteger(cost)) {
        diagnostics.push(error("KORU114", `bad cost '${costText}' for '${ref}': a cost is a whole number >= 0`, span));
        continue;
      }
      const r = symbols.resolve(parseRef(ref, span), scope.module);
      if (!r.ok) {
        diagnostics.push(
          error("KORU115", `unknown event '${ref}' in scope '${scope.name}'`, span, {
            hint: "register events the program declares or imports",
          }),
        );
        continue;
      }
      const problem = unsupportedInput(r.symbol.decl);
      if (problem) {
        diagnostics.push(error("KORU116", `event '${ref}' cannot be called from a flow: ${problem}`, span));
        continue;
      }
      add(scope, { name: alias ?? ref, symbol: r.symbol, cost, span });
    }
  };
  const add = (scope: RegisteredScope, e: ScopeEntry): void => {
    if (scope.entries.some((x) => x.name === e.name)) {
      diagnostics.push(error("KORU117", `duplicate name '${e.name}' in scope '${scope.name}'`, e.span));
      return;
    }
    scope.entries.push(e);
  };
  for (const s of scopes) fill(s);
  return { scopes, diagnostics };
}

function unsupportedInput(decl: EventDecl): string | undefined {
  for (const f of decl.input) {
    if (!SCALAR.test(f.type.replace(/\s+/g, " ").replace("[] const", "[]const"))) {
      return `input '${f.name}' has type '${f.type}' (flows pass integers, floats, bools and strings)`;
    }
  }
  return undefined;
}

/** Does the program use the Zig runtime (interpreter, fmt, orisha)? */
export function usesRuntime(program: Program): boolean {
  return RUNTIME_MODULES.some((m) => program.modules[m] !== undefined);
}

export function runtimeHooks(
  program: Program,
  symbols: Symbols,
): { hooks: EmitHooks; diagnostics: Diagnostic[]; runtimeFiles: string[] } {
  if (!usesRuntime(program)) return { hooks: {}, diagnostics: [], runtimeFiles: [] };
  const { scopes, diagnostics } = readScopes(program, symbols);
  const tableName = (i: number) => `__koru_scope_${i}`;
  const hooks: EmitHooks = {
    prelude: (w) => w.line(`const ${RT} = @import("runtime/koru_runtime.zig");`),
    omitFlow: (item, mod) => isRegister(item, symbols, mod) !== undefined,
    moduleEnd: (fe, mod) => {
      scopes.forEach((s, i) => {
        if (s.module !== mod) return;
        fe.w.open(
          `pub const ${tableName(i)}: ${RT}.Scope = .{ .name = ${JSON.stringify(s.name)}, .entries = &.{`,
          fe.origin(s.span),
        );
        for (const e of s.entries) {
          const args = [
            fe.refOf(e.symbol),
            JSON.stringify(e.name),
            JSON.stringify(e.symbol.canonical),
            String(e.cost),
            obligations(e.symbol),
          ];
          fe.w.line(`${RT}.entry(${args.join(", ")}),`, fe.origin(e.span));
        }
        fe.w.close("} };");
      });
    },
    epilogue: (w) => {
      const refs = scopes.map((s, i) => `&${namespaceOf(program, s.module)}.${tableName(i)}`);
      w.line(`pub const __koru_scopes = [_]*const ${RT}.Scope{ ${refs.join(", ")} };`);
    },
  };
  return { hooks, diagnostics, runtimeFiles: RUNTIME_FILES };
}

/** Phantom obligations of an event: `[state!]` on a branch payload creates, `[!state]` on an input discharges. */
function obligations(sym: EventSymbol): string {
  const key = (phantom: string) => {
    const state = phantom.replace(/!/g, "").trim();
    return state.includes(":") ? state : `${sym.module.name}:${state}`;
  };
  const parts: string[] = [];
  for (const b of sym.decl.branches) {
    const p = b.payload;
    if (p.kind === "identity" && p.phantom?.endsWith("!")) {
      parts.push(
        `.creates = .{ .branch = ${JSON.stringify(b.name)}, .field = ${RT}.value.identity_field, .obligation = ${JSON.stringify(key(p.phantom))} }`,
      );
      break;
    }
    const f = p.kind === "struct" ? p.fields.find((x) => x.phantom?.endsWith("!")) : undefined;
    if (f?.phantom) {
      parts.push(
        `.creates = .{ .branch = ${JSON.stringify(b.name)}, .field = ${JSON.stringify(f.name)}, .obligation = ${JSON.stringify(key(f.phantom))} }`,
      );
      break;
    }
  }
  const d = sym.decl.input.find((f) => f.phantom?.startsWith("!"));
  if (d?.phantom)
    parts.push(`.discharges = .{ .obligation = ${JSON.stringify(key(d.phantom))}, .arg = ${JSON.stringify(d.name)} }`);
  return parts.length ? `.{ ${parts.join(", ")} }` : ".{}";
}

/** The vocabulary of every registered scope (for agents: the MCP `eval_flow` tool and resource). */
export function scopeVocabulary(program: Program, symbols: Symbols): ScopeVocabulary[] {
  return readScopes(program, symbols).scopes.map((s) => ({
    scope: s.name,
    events: s.entries.map((e) => ({
      name: e.name,
      event: e.symbol.canonical,
      cost: e.cost,
      inputs: e.symbol.decl.input.map((f) => ({
        name: f.name,
        type: f.type,
        optional: f.type.startsWith("?") || f.defaultValue !== undefined,
      })),
      branches: e.symbol.decl.branches.map((b) => ({ name: b.name, payload: payloadText(b.payload) })),
      ...(e.symbol.decl.doc ? { doc: e.symbol.decl.doc } : {}),
    })),
  }));
}

function payloadText(p: Payload): string {
  switch (p.kind) {
    case "none":
      return "";
    case "identity":
      return p.type;
    case "struct":
      return `{ ${p.fields.map((f) => `${f.name}: ${f.type}`).join(", ")} }`;
    case "wildcard":
      return "*";
  }
}

function at(span: Span): Span {
  return { ...span, col: 1 };
}
