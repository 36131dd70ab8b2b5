// The Koru AST: plain, JSON-serializable objects. Every node carries a span.
// Passes never mutate a tree; they return a new one.

/** A node under construction (parsers fill fields in before handing the node out). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** 1-based line and column in a .kz file. */
export interface Span {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Where the node ends (its last line, and the column after its last character); set on items. */
  readonly endLine?: number;
  readonly endCol?: number;
}

/** A reference to an event: `greet`, `print.ln`, `std.io:print.ln`. */
export interface EventRef {
  /** Module path before the colon (`std.io`), absent when unqualified. */
  readonly module?: string;
  /** Dotted event path segments (`["print", "ln"]`). */
  readonly path: readonly string[];
  readonly span: Span;
}

/** A named, typed field of an input shape or a struct payload. */
export interface Field {
  readonly name: string;
  /** Zig type text with phantom annotations stripped. */
  readonly type: string;
  /** Phantom state text inside the trailing brackets (`opened!`), if any. */
  readonly phantom?: string;
  /** Default value text (`= null`), if any. */
  readonly defaultValue?: string;
  readonly span: Span;
}

export type Payload =
  | { kind: "none" }
  | { kind: "identity"; type: string; phantom?: string }
  | { kind: "struct"; fields: Field[] }
  | { kind: "wildcard" };

export interface BranchDecl {
  readonly name: string;
  readonly optional: boolean;
  readonly payload: Payload;
  readonly span: Span;
}

export interface HostLine {
  readonly kind: "host";
  readonly text: string;
  readonly span: Span;
}

export interface EventDecl {
  readonly kind: "event";
  readonly path: readonly string[];
  readonly pub: boolean;
  readonly annotations: readonly string[];
  readonly input: readonly Field[];
  readonly branches: readonly BranchDecl[];
  /** `//` comment lines directly above the declaration. */
  readonly doc?: string;
  readonly span: Span;
}

export interface ProcDecl {
  readonly kind: "proc";
  readonly target: EventRef;
  /** Variant tag after `|` (`blur|zig(ai_opt_1)` → `zig(ai_opt_1)`); absent for the baseline. */
  readonly variant?: string;
  readonly annotations: readonly string[];
  /** Zig body text between the braces, lines as written. */
  readonly body: string;
  /** Line of the first body line (the line after `{`, or the `{` line for one-liners). */
  readonly bodyLine: number;
  readonly span: Span;
}

/** `~name = ...`: an implementation written as a flow or an immediate branch constructor. */
export interface SubflowImpl {
  readonly kind: "subflow";
  readonly target: EventRef;
  readonly annotations: readonly string[];
  readonly body: Chain;
  readonly span: Span;
}

export interface FlowItem {
  readonly kind: "flow";
  readonly annotations: readonly string[];
  readonly body: Chain;
  readonly span: Span;
}

export interface ImportDecl {
  readonly kind: "import";
  /** Path as written, without quotes (`$std/io`). */
  readonly path: string;
  readonly annotations: readonly string[];
  readonly span: Span;
}

export interface ModuleAnnotation {
  readonly kind: "module_annotation";
  readonly annotations: readonly string[];
  readonly span: Span;
}

export type Item = HostLine | EventDecl | ProcDecl | SubflowImpl | FlowItem | ImportDecl | ModuleAnnotation;

/** Steps run in order; continuations handle the branches of the last step. */
export interface Chain {
  readonly steps: readonly Step[];
  readonly continuations: readonly Continuation[];
  readonly span: Span;
}

export interface Arg {
  /** Absent for a positional argument. */
  readonly name?: string;
  /** Zig expression text (after Koru literal sugar is kept as written). */
  readonly value: string;
  readonly span: Span;
}

export interface Invocation {
  readonly kind: "invoke";
  readonly target: EventRef;
  readonly variant?: string;
  readonly args: readonly Arg[];
  /** `#label ev(...)` makes this invocation a label anchor. */
  readonly label?: string;
  /** Raw text of a Source block `{ ... }` following the invocation. */
  readonly source?: string;
  readonly span: Span;
}

export type ConstructorValue =
  | { kind: "none" }
  | { kind: "expr"; expr: string }
  | { kind: "fields"; fields: readonly { readonly name: string; readonly value: string; readonly span: Span }[] };

/** `done value`, `result { a: 1, b: 2 }`, `continue`: builds a branch of the enclosing event. */
export interface Constructor {
  readonly kind: "construct";
  readonly branch: string;
  readonly value: ConstructorValue;
  readonly span: Span;
}

export interface LabelJump {
  readonly kind: "jump";
  readonly label: string;
  readonly args: readonly Arg[];
  readonly span: Span;
}

export interface Discard {
  readonly kind: "discard";
  readonly span: Span;
}

export type Step = Invocation | Constructor | LabelJump | Discard;

export interface Continuation {
  /** Branch name; for `|?` the metatype (`Profile`) or empty. */
  readonly branch: string;
  /** `|?`: handles every optional branch not handled otherwise. */
  readonly catchAll: boolean;
  readonly binding?: string;
  readonly bindingAnnotations: readonly string[];
  readonly when?: string;
  readonly body: Chain;
  readonly span: Span;
}

export interface Module {
  /** Canonical module name: `input` for the entry file, `std.io`, `app.helper`. */
  readonly name: string;
  readonly file: string;
  readonly items: readonly Item[];
}

export interface Program {
  readonly entry: Module;
  /** Every module by canonical name, the entry included. */
  readonly modules: Readonly<Record<string, Module>>;
  /** Compiler flags (`--profile` → `profile`). */
  readonly flags: readonly string[];
}
