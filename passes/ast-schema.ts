// The AST schema: what a pass must hand back. A pass's result is checked against it before the
// compiler looks at it, so a pass that returns garbage (missing fields, wrong kinds, unknown
// keys, cycles) is rejected with a located reason instead of crashing a later stage.
//
// The schema is written as a reader, not as a zod schema: it runs on every sandboxed pass's
// output (a 2,000-line program is some 30,000 nodes), and checking and rebuilding the tree in
// one walk is several times faster than a deep zod parse followed by a rebuild. It reads the
// compact AST JSON of compiler/ast-json.ts (spans as tuples, the file once per module) and, for
// in-process passes, the in-memory shape (spans as objects with their file).
import type {
  Arg,
  BranchDecl,
  Chain,
  ConstructorValue,
  Continuation,
  EventRef,
  Field,
  Item,
  Module,
  Mutable,
  Payload,
  Program,
  Span,
  Step,
} from "../compiler/ast.js";
import { spanFromJson } from "../compiler/ast-json.js";

export type ValidProgram = { ok: true; program: Program } | { ok: false; reason: string };

/** How spans are written: compact tuples (`programJson`) or in-memory objects (`Program`). */
export type SpanForm = "json" | "memory";

/**
 * Check `value`, a program in the JSON shape (`programJson`: the entry once, the modules it
 * imports by name), and rebuild the in-memory `Program` from it.
 */
export function validateProgramJson(value: unknown, spans: SpanForm = "json"): ValidProgram {
  const r = new Reader(spans);
  try {
    const top = r.object(value);
    r.known(top, ["entry", "modules", "flags"], 3);
    r.path.push("entry");
    const entry = r.module(top.entry);
    r.path.pop();
    r.path.push("modules");
    const listed = r.object(top.modules);
    const modules: Record<string, Module> = {};
    for (const name of Object.keys(listed)) {
      r.path.push(name);
      if (name === "__proto__") r.fail("not a module name");
      modules[name] = r.module(listed[name]);
      r.path.pop();
    }
    r.path.pop();
    r.path.push("flags");
    const flags = r.strings(top.flags);
    r.path.pop();
    if (Object.hasOwn(modules, entry.name))
      return { ok: false, reason: `not a valid program: module '${entry.name}' is listed twice (entry and modules)` };
    modules[entry.name] = entry;
    return { ok: true, program: { entry, modules, flags } };
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    const where = r.path.length ? r.path.join(".") : "(root)";
    return { ok: false, reason: `not a valid program: at ${where}: ${e.message}` };
  }
}

/** Check one module in the JSON shape and rebuild it (tests, tools). */
export function validateModuleJson(value: unknown): { ok: true; module: Module } | { ok: false; reason: string } {
  const r = new Reader("json");
  try {
    return { ok: true, module: r.module(value) };
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    return { ok: false, reason: `not a valid module: at ${r.path.join(".") || "(root)"}: ${e.message}` };
  }
}

class Invalid extends Error {}

type Obj = Record<string, unknown>;

const ITEM_KINDS = ["host", "event", "proc", "subflow", "flow", "import", "module_annotation"];
const STEP_KINDS = ["invoke", "construct", "jump", "discard"];
const PAYLOAD_KINDS = ["none", "identity", "struct", "wildcard"];
const VALUE_KINDS = ["none", "expr", "fields"];

// The keys each node may have (a node with any other key is rejected).
const K = {
  module: ["name", "file", "items"],
  host: ["kind", "text", "span"],
  event: ["kind", "path", "pub", "annotations", "input", "branches", "doc", "span"],
  proc: ["kind", "target", "variant", "annotations", "body", "bodyLine", "span"],
  subflow: ["kind", "target", "annotations", "body", "span"],
  flow: ["kind", "annotations", "body", "span"],
  import: ["kind", "path", "annotations", "span"],
  module_annotation: ["kind", "annotations", "span"],
  ref: ["module", "path", "span"],
  field: ["name", "type", "phantom", "defaultValue", "span"],
  branch: ["name", "optional", "payload", "span"],
  chain: ["steps", "continuations", "span"],
  continuation: ["branch", "catchAll", "binding", "bindingAnnotations", "when", "body", "span"],
  invoke: ["kind", "target", "variant", "args", "label", "source", "span"],
  construct: ["kind", "branch", "value", "span"],
  jump: ["kind", "label", "args", "span"],
  discard: ["kind", "span"],
  arg: ["name", "value", "span"],
  valueField: ["name", "value", "span"],
} as const;

class Reader {
  /** Where the walk is, for the message of a rejection. */
  readonly path: (string | number)[] = [];
  private file = "";

  constructor(private readonly spans: SpanForm) {}

  fail(message: string): never {
    throw new Invalid(message);
  }

  /** `v` as an object (not an array, not null). */
  object(v: unknown): Obj {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(`expected an object, got ${kindOf(v)}`);
    return v as Obj;
  }

  /**
   * Fail on a key of `o` not in `keys`. `counted` is how many keys of `keys` were read as set:
   * when `o` has as many, it has no other (the fast path, with no allocation).
   */
  known(o: Obj, keys: readonly string[], counted: number): void {
    let own = 0;
    for (const _ in o) own++;
    if (own === counted) return;
    for (const k of Object.keys(o)) {
      if (!keys.includes(k)) {
        this.path.push(k);
        this.fail("unknown key");
      }
    }
    // Otherwise a known optional key is set to undefined (not JSON; an in-process pass may do it).
  }

  string(o: Obj, key: string): string {
    const v = o[key];
    if (typeof v !== "string") this.at(key, `expected a string, got ${kindOf(v)}`);
    return v as string;
  }

  /** An optional string field. */
  optString(o: Obj, key: string): string | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string") this.at(key, `expected a string, got ${kindOf(v)}`);
    return v as string;
  }

  boolean(o: Obj, key: string): boolean {
    const v = o[key];
    if (typeof v !== "boolean") this.at(key, `expected a boolean, got ${kindOf(v)}`);
    return v as boolean;
  }

  int(o: Obj, key: string): number {
    const v = o[key];
    if (!Number.isInteger(v)) this.at(key, `expected an integer, got ${kindOf(v)}`);
    return v as number;
  }

  private at(key: string | number, message: string): never {
    this.path.push(key);
    return this.fail(message);
  }

  array(v: unknown): unknown[] {
    if (!Array.isArray(v)) this.fail(`expected an array, got ${kindOf(v)}`);
    return v as unknown[];
  }

  strings(v: unknown, min = 0): string[] {
    const a = this.array(v);
    if (a.length < min) this.fail(`expected at least ${min} element${min === 1 ? "" : "s"}`);
    for (let i = 0; i < a.length; i++)
      if (typeof a[i] !== "string") this.at(i, `expected a string, got ${kindOf(a[i])}`);
    return a.slice() as string[];
  }

  private stringsAt(o: Obj, key: string, min = 0): string[] {
    this.path.push(key);
    const s = this.strings(o[key], min);
    this.path.pop();
    return s;
  }

  private list<T>(o: Obj, key: string, read: (v: unknown) => T): T[] {
    this.path.push(key);
    const a = this.array(o[key]);
    const out = new Array<T>(a.length);
    for (let i = 0; i < a.length; i++) {
      this.path.push(i);
      out[i] = read(a[i]);
      this.path.pop();
    }
    this.path.pop();
    return out;
  }

  private child<T>(o: Obj, key: string, read: (v: unknown) => T): T {
    this.path.push(key);
    const out = read(o[key]);
    this.path.pop();
    return out;
  }

  span(o: Obj): Span {
    const v = o.span;
    if (this.spans === "json") {
      const s = spanFromJson(v, this.file);
      if (!s) this.at("span", `expected [line, col] or [line, col, endLine, endCol], got ${kindOf(v)}`);
      return s as Span;
    }
    this.path.push("span");
    const s = this.object(v);
    const file = this.string(s, "file");
    const line = this.int(s, "line");
    const col = this.int(s, "col");
    this.path.pop();
    // Spans may carry end positions; only what every consumer reads is required.
    return s.endLine === undefined && s.endCol === undefined
      ? { file, line, col }
      : ({ ...s, file, line, col } as Span);
  }

  module(v: unknown): Module {
    const o = this.object(v);
    this.known(o, K.module, 3);
    const name = this.string(o, "name");
    if (name === "__proto__") this.at("name", "not a module name");
    const file = this.string(o, "file");
    this.file = file;
    const items = this.list(o, "items", (i) => this.item(i));
    return { name, file, items };
  }

  private kind(o: Obj, kinds: readonly string[]): string {
    const k = o.kind;
    if (typeof k !== "string" || !kinds.includes(k))
      this.at(
        "kind",
        `expected one of ${kinds.join(", ")}, got ${typeof k === "string" ? JSON.stringify(k) : kindOf(k)}`,
      );
    return k as string;
  }

  item(v: unknown): Item {
    const o = this.object(v);
    const kind = this.kind(o, ITEM_KINDS);
    switch (kind) {
      case "host": {
        this.known(o, K.host, 3);
        return { kind, text: this.string(o, "text"), span: this.span(o) };
      }
      case "event": {
        const path = this.stringsAt(o, "path", 1);
        const pub = this.boolean(o, "pub");
        const annotations = this.stringsAt(o, "annotations");
        const input = this.list(o, "input", (f) => this.field(f));
        const branches = this.list(o, "branches", (b) => this.branch(b));
        const doc = this.optString(o, "doc");
        const span = this.span(o);
        this.known(o, K.event, 7 + (doc === undefined ? 0 : 1));
        return doc === undefined
          ? { kind, path, pub, annotations, input, branches, span }
          : { kind, path, pub, annotations, input, branches, doc, span };
      }
      case "proc": {
        const target = this.child(o, "target", (t) => this.ref(t));
        const variant = this.optString(o, "variant");
        const annotations = this.stringsAt(o, "annotations");
        const body = this.string(o, "body");
        const bodyLine = this.int(o, "bodyLine");
        const span = this.span(o);
        this.known(o, K.proc, 6 + (variant === undefined ? 0 : 1));
        return variant === undefined
          ? { kind, target, annotations, body, bodyLine, span }
          : { kind, target, variant, annotations, body, bodyLine, span };
      }
      case "subflow": {
        const target = this.child(o, "target", (t) => this.ref(t));
        const annotations = this.stringsAt(o, "annotations");
        const body = this.child(o, "body", (c) => this.chain(c));
        const span = this.span(o);
        this.known(o, K.subflow, 5);
        return { kind, target, annotations, body, span };
      }
      case "flow": {
        const annotations = this.stringsAt(o, "annotations");
        const body = this.child(o, "body", (c) => this.chain(c));
        const span = this.span(o);
        this.known(o, K.flow, 4);
        return { kind, annotations, body, span };
      }
      case "import": {
        const path = this.string(o, "path");
        const annotations = this.stringsAt(o, "annotations");
        const span = this.span(o);
        this.known(o, K.import, 4);
        return { kind, path, annotations, span };
      }
      default: {
        const annotations = this.stringsAt(o, "annotations");
        const span = this.span(o);
        this.known(o, K.module_annotation, 3);
        return { kind: "module_annotation", annotations, span };
      }
    }
  }

  private ref(v: unknown): EventRef {
    const o = this.object(v);
    const module = this.optString(o, "module");
    const path = this.stringsAt(o, "path", 1);
    const span = this.span(o);
    this.known(o, K.ref, 2 + (module === undefined ? 0 : 1));
    return module === undefined ? { path, span } : { module, path, span };
  }

  private field(v: unknown): Field {
    const o = this.object(v);
    const name = this.string(o, "name");
    const type = this.string(o, "type");
    const phantom = this.optString(o, "phantom");
    const defaultValue = this.optString(o, "defaultValue");
    const span = this.span(o);
    this.known(o, K.field, 3 + (phantom === undefined ? 0 : 1) + (defaultValue === undefined ? 0 : 1));
    const f: Mutable<Field> = { name, type } as Mutable<Field>;
    if (phantom !== undefined) f.phantom = phantom;
    if (defaultValue !== undefined) f.defaultValue = defaultValue;
    f.span = span;
    return f;
  }

  private branch(v: unknown): BranchDecl {
    const o = this.object(v);
    const name = this.string(o, "name");
    const optional = this.boolean(o, "optional");
    const payload = this.child(o, "payload", (p) => this.payload(p));
    const span = this.span(o);
    this.known(o, K.branch, 4);
    return { name, optional, payload, span };
  }

  private payload(v: unknown): Payload {
    const o = this.object(v);
    const kind = this.kind(o, PAYLOAD_KINDS);
    if (kind === "identity") {
      const type = this.string(o, "type");
      const phantom = this.optString(o, "phantom");
      this.known(o, ["kind", "type", "phantom"], 2 + (phantom === undefined ? 0 : 1));
      return phantom === undefined ? { kind, type } : { kind, type, phantom };
    }
    if (kind === "struct") {
      const fields = this.list(o, "fields", (f) => this.field(f));
      this.known(o, ["kind", "fields"], 2);
      return { kind, fields };
    }
    this.known(o, ["kind"], 1);
    return kind === "none" ? { kind } : { kind: "wildcard" };
  }

  private chain(v: unknown): Chain {
    const o = this.object(v);
    const steps = this.list(o, "steps", (s) => this.step(s));
    const continuations = this.list(o, "continuations", (c) => this.continuation(c));
    const span = this.span(o);
    this.known(o, K.chain, 3);
    return { steps, continuations, span };
  }

  private continuation(v: unknown): Continuation {
    const o = this.object(v);
    const branch = this.string(o, "branch");
    const catchAll = this.boolean(o, "catchAll");
    const binding = this.optString(o, "binding");
    const bindingAnnotations = this.stringsAt(o, "bindingAnnotations");
    const when = this.optString(o, "when");
    const body = this.child(o, "body", (c) => this.chain(c));
    const span = this.span(o);
    this.known(o, K.continuation, 5 + (binding === undefined ? 0 : 1) + (when === undefined ? 0 : 1));
    const c: Mutable<Continuation> = { branch, catchAll } as Mutable<Continuation>;
    if (binding !== undefined) c.binding = binding;
    c.bindingAnnotations = bindingAnnotations;
    if (when !== undefined) c.when = when;
    c.body = body;
    c.span = span;
    return c;
  }

  private step(v: unknown): Step {
    const o = this.object(v);
    const kind = this.kind(o, STEP_KINDS);
    switch (kind) {
      case "invoke": {
        const target = this.child(o, "target", (t) => this.ref(t));
        const variant = this.optString(o, "variant");
        const args = this.list(o, "args", (a) => this.arg(a));
        const label = this.optString(o, "label");
        const source = this.optString(o, "source");
        const span = this.span(o);
        const optional =
          (variant === undefined ? 0 : 1) + (label === undefined ? 0 : 1) + (source === undefined ? 0 : 1);
        this.known(o, K.invoke, 4 + optional);
        const s: Mutable<Extract<Step, { kind: "invoke" }>> = { kind, target } as Mutable<
          Extract<Step, { kind: "invoke" }>
        >;
        if (variant !== undefined) s.variant = variant;
        s.args = args;
        if (label !== undefined) s.label = label;
        if (source !== undefined) s.source = source;
        s.span = span;
        return s;
      }
      case "construct": {
        const branch = this.string(o, "branch");
        const value = this.child(o, "value", (x) => this.value(x));
        const span = this.span(o);
        this.known(o, K.construct, 4);
        return { kind, branch, value, span };
      }
      case "jump": {
        const label = this.string(o, "label");
        const args = this.list(o, "args", (a) => this.arg(a));
        const span = this.span(o);
        this.known(o, K.jump, 4);
        return { kind, label, args, span };
      }
      default: {
        const span = this.span(o);
        this.known(o, K.discard, 2);
        return { kind: "discard", span };
      }
    }
  }

  private arg(v: unknown): Arg {
    const o = this.object(v);
    const name = this.optString(o, "name");
    const value = this.string(o, "value");
    const span = this.span(o);
    this.known(o, K.arg, 2 + (name === undefined ? 0 : 1));
    return name === undefined ? { value, span } : { name, value, span };
  }

  private value(v: unknown): ConstructorValue {
    const o = this.object(v);
    const kind = this.kind(o, VALUE_KINDS);
    if (kind === "expr") {
      const expr = this.string(o, "expr");
      this.known(o, ["kind", "expr"], 2);
      return { kind, expr };
    }
    if (kind === "fields") {
      const fields = this.list(o, "fields", (f) => {
        const x = this.object(f);
        const name = this.string(x, "name");
        const value = this.string(x, "value");
        const span = this.span(x);
        this.known(x, K.valueField, 3);
        return { name, value, span };
      });
      this.known(o, ["kind", "fields"], 2);
      return { kind, fields };
    }
    this.known(o, ["kind"], 1);
    return { kind: "none" };
  }
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return `a string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return v === undefined ? "nothing (missing)" : `${typeof v} ${String(v)}`;
}
