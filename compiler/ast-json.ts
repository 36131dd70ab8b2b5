// The AST as JSON for `koruc --ast-json`, CCP (`parsed`, `ast`, `ast_json`), MCP and the pass
// sandbox: the entry module appears once, under `entry`; `modules` lists the modules it imports
// (directly or not).
//
// The JSON is compact, because a 2,000-line program's AST crosses a pipe or a sandbox boundary
// on every request: a module writes its `file` once, and every span is a tuple of numbers,
// `[line, col]` or, for items, `[line, col, endLine, endCol]`. A span in another file than its
// module's (a pass may move a node) carries that file as a last element. Readers rebuild the
// in-memory spans with `spanFromJson`.
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
  Payload,
  Program,
  Span,
  Step,
} from "./ast.js";

/**
 * `[line, col]`, `[line, col, endLine, endCol]`, or either followed by the span's file when it
 * is not its module's.
 */
export type SpanJson =
  | readonly [number, number]
  | readonly [number, number, number, number]
  | readonly [number, number, string]
  | readonly [number, number, number, number, string];

/** An AST node as JSON: every `Span` replaced by its `SpanJson`. */
export type AstJson<T> = T extends Span
  ? SpanJson
  : T extends string | number | boolean | undefined
    ? T
    : T extends readonly (infer U)[]
      ? readonly AstJson<U>[]
      : { readonly [K in keyof T]: AstJson<T[K]> };

export type ItemJson = AstJson<Item>;

export interface ModuleJson {
  readonly name: string;
  readonly file: string;
  readonly items: readonly ItemJson[];
}

export interface ProgramJson {
  entry: ModuleJson;
  modules: Record<string, ModuleJson>;
  flags: readonly string[];
}

export function programJson(program: Program): ProgramJson {
  const modules: Record<string, ModuleJson> = {};
  for (const [name, mod] of Object.entries(program.modules)) if (mod !== program.entry) modules[name] = moduleJson(mod);
  return { entry: moduleJson(program.entry), modules, flags: program.flags };
}

export function moduleJson(module: Module): ModuleJson {
  const w = new Writer(module.file);
  return { name: module.name, file: module.file, items: module.items.map((i) => w.item(i)) };
}

export function spanJson(span: Span, moduleFile: string): SpanJson {
  const { line, col, endLine, endCol } = span;
  if (span.file === moduleFile)
    return endLine === undefined || endCol === undefined ? [line, col] : [line, col, endLine, endCol];
  return endLine === undefined || endCol === undefined
    ? [line, col, span.file]
    : [line, col, endLine, endCol, span.file];
}

/** The span `json` stands for, in a module read from `moduleFile`; undefined when it is not a span. */
export function spanFromJson(json: unknown, moduleFile: string): Span | undefined {
  if (!Array.isArray(json)) return undefined;
  const n = json.length;
  const hasFile = n === 3 || n === 5;
  if (n < 2 || n > 5 || (hasFile && typeof json[n - 1] !== "string")) return undefined;
  const numbers = hasFile ? n - 1 : n;
  for (let i = 0; i < numbers; i++) if (!Number.isInteger(json[i])) return undefined;
  const file = hasFile ? (json[n - 1] as string) : moduleFile;
  return numbers === 4
    ? { file, line: json[0], col: json[1], endLine: json[2], endCol: json[3] }
    : { file, line: json[0], col: json[1] };
}

// One method per node type, fields in the parser's order; a test checks that reading the JSON
// back gives the same program, so a field added to the AST and forgotten here fails it.
class Writer {
  constructor(private readonly file: string) {}

  private span(s: Span): SpanJson {
    return spanJson(s, this.file);
  }

  item(item: Item): ItemJson {
    const span = this.span(item.span);
    switch (item.kind) {
      case "host":
        return { kind: "host", text: item.text, span };
      case "event": {
        const input = item.input.map((f) => this.field(f));
        const branches = item.branches.map((b) => this.branch(b));
        const { path, pub, annotations } = item;
        return item.doc === undefined
          ? { kind: "event", path, pub, annotations, input, branches, span }
          : { kind: "event", path, pub, annotations, input, branches, doc: item.doc, span };
      }
      case "proc": {
        const target = this.ref(item.target);
        const { annotations, body, bodyLine } = item;
        return item.variant === undefined
          ? { kind: "proc", target, annotations, body, bodyLine, span }
          : { kind: "proc", target, variant: item.variant, annotations, body, bodyLine, span };
      }
      case "subflow":
        return {
          kind: "subflow",
          target: this.ref(item.target),
          annotations: item.annotations,
          body: this.chain(item.body),
          span,
        };
      case "flow":
        return { kind: "flow", annotations: item.annotations, body: this.chain(item.body), span };
      case "import":
        return { kind: "import", path: item.path, annotations: item.annotations, span };
      case "module_annotation":
        return { kind: "module_annotation", annotations: item.annotations, span };
    }
  }

  private ref(r: EventRef): AstJson<EventRef> {
    return r.module === undefined
      ? { path: r.path, span: this.span(r.span) }
      : { module: r.module, path: r.path, span: this.span(r.span) };
  }

  private field(f: Field): AstJson<Field> {
    const out: { -readonly [K in keyof AstJson<Field>]: AstJson<Field>[K] } = { name: f.name, type: f.type } as never;
    if (f.phantom !== undefined) out.phantom = f.phantom;
    if (f.defaultValue !== undefined) out.defaultValue = f.defaultValue;
    out.span = this.span(f.span);
    return out;
  }

  private branch(b: BranchDecl): AstJson<BranchDecl> {
    return { name: b.name, optional: b.optional, payload: this.payload(b.payload), span: this.span(b.span) };
  }

  private payload(p: Payload): AstJson<Payload> {
    return p.kind === "struct" ? { kind: "struct", fields: p.fields.map((f) => this.field(f)) } : p;
  }

  private chain(c: Chain): AstJson<Chain> {
    return {
      steps: c.steps.map((s) => this.step(s)),
      continuations: c.continuations.map((k) => this.continuation(k)),
      span: this.span(c.span),
    };
  }

  private continuation(c: Continuation): AstJson<Continuation> {
    const out: { -readonly [K in keyof AstJson<Continuation>]: AstJson<Continuation>[K] } = {
      branch: c.branch,
      catchAll: c.catchAll,
    } as never;
    if (c.binding !== undefined) out.binding = c.binding;
    out.bindingAnnotations = c.bindingAnnotations;
    if (c.when !== undefined) out.when = c.when;
    out.body = this.chain(c.body);
    out.span = this.span(c.span);
    return out;
  }

  private step(s: Step): AstJson<Step> {
    const span = this.span(s.span);
    switch (s.kind) {
      case "invoke": {
        const out: { -readonly [K in keyof AstJson<typeof s>]: AstJson<typeof s>[K] } = {
          kind: "invoke",
          target: this.ref(s.target),
        } as never;
        if (s.variant !== undefined) out.variant = s.variant;
        out.args = s.args.map((a) => this.arg(a));
        if (s.label !== undefined) out.label = s.label;
        if (s.source !== undefined) out.source = s.source;
        out.span = span;
        return out;
      }
      case "construct":
        return { kind: "construct", branch: s.branch, value: this.value(s.value), span };
      case "jump":
        return { kind: "jump", label: s.label, args: s.args.map((a) => this.arg(a)), span };
      case "discard":
        return { kind: "discard", span };
    }
  }

  private arg(a: Arg): AstJson<Arg> {
    const span = this.span(a.span);
    return a.name === undefined ? { value: a.value, span } : { name: a.name, value: a.value, span };
  }

  private value(v: ConstructorValue): AstJson<ConstructorValue> {
    if (v.kind !== "fields") return v;
    return {
      kind: "fields",
      fields: v.fields.map((f) => ({ name: f.name, value: f.value, span: this.span(f.span) })),
    };
  }
}
