// The Koru AST: plain, JSON-serializable objects. Every node carries a span.
// Passes never mutate a tree; they return a new one.

/** 1-based line and column in a .kz file. */
export interface Span {
  file: string;
  line: number;
  col: number;
}

/** A reference to an event: `greet`, `print.ln`, `std.io:print.ln`. */
export interface EventRef {
  /** Module path before the colon (`std.io`), absent when unqualified. */
  module?: string;
  /** Dotted event path segments (`["print", "ln"]`). */
  path: string[];
  span: Span;
}

/** A named, typed field of an input shape or a struct payload. */
export interface Field {
  name: string;
  /** Zig type text with phantom annotations stripped. */
  type: string;
  /** Phantom state text inside the trailing brackets (`opened!`), if any. */
  phantom?: string;
  /** Default value text (`= null`), if any. */
  defaultValue?: string;
  span: Span;
}

export type Payload =
  | { kind: "none" }
  | { kind: "identity"; type: string; phantom?: string }
  | { kind: "struct"; fields: Field[] }
  | { kind: "wildcard" };

export interface BranchDecl {
  name: string;
  optional: boolean;
  payload: Payload;
  span: Span;
}

export interface HostLine {
  kind: "host";
  text: string;
  span: Span;
}

export interface EventDecl {
  kind: "event";
  path: string[];
  pub: boolean;
  annotations: string[];
  input: Field[];
  branches: BranchDecl[];
  /** `//` comment lines directly above the declaration. */
  doc?: string;
  span: Span;
}

export interface ProcDecl {
  kind: "proc";
  target: EventRef;
  /** Variant tag after `|` (`blur|zig(ai_opt_1)` → `zig(ai_opt_1)`); absent for the baseline. */
  variant?: string;
  annotations: string[];
  /** Zig body text between the braces, lines as written. */
  body: string;
  /** Line of the first body line (the line after `{`, or the `{` line for one-liners). */
  bodyLine: number;
  span: Span;
}

/** `~name = ...`: an implementation written as a flow or an immediate branch constructor. */
export interface SubflowImpl {
  kind: "subflow";
  target: EventRef;
  annotations: string[];
  body: Chain;
  span: Span;
}

export interface FlowItem {
  kind: "flow";
  annotations: string[];
  body: Chain;
  span: Span;
}

export interface ImportDecl {
  kind: "import";
  /** Path as written, without quotes (`$std/io`). */
  path: string;
  annotations: string[];
  span: Span;
}

export interface ModuleAnnotation {
  kind: "module_annotation";
  annotations: string[];
  span: Span;
}

export type Item = HostLine | EventDecl | ProcDecl | SubflowImpl | FlowItem | ImportDecl | ModuleAnnotation;

/** Steps run in order; continuations handle the branches of the last step. */
export interface Chain {
  steps: Step[];
  continuations: Continuation[];
  span: Span;
}

export interface Arg {
  /** Absent for a positional argument. */
  name?: string;
  /** Zig expression text (after Koru literal sugar is kept as written). */
  value: string;
  span: Span;
}

export interface Invocation {
  kind: "invoke";
  target: EventRef;
  variant?: string;
  args: Arg[];
  /** `#label ev(...)` makes this invocation a label anchor. */
  label?: string;
  /** Raw text of a Source block `{ ... }` following the invocation. */
  source?: string;
  span: Span;
}

export type ConstructorValue =
  | { kind: "none" }
  | { kind: "expr"; expr: string }
  | { kind: "fields"; fields: { name: string; value: string; span: Span }[] };

/** `done value`, `result { a: 1, b: 2 }`, `continue`: builds a branch of the enclosing event. */
export interface Constructor {
  kind: "construct";
  branch: string;
  value: ConstructorValue;
  span: Span;
}

export interface LabelJump {
  kind: "jump";
  label: string;
  args: Arg[];
  span: Span;
}

export interface Discard {
  kind: "discard";
  span: Span;
}

export type Step = Invocation | Constructor | LabelJump | Discard;

export interface Continuation {
  /** Branch name; for `|?` the metatype (`Profile`) or empty. */
  branch: string;
  /** `|?`: handles every optional branch not handled otherwise. */
  catchAll: boolean;
  binding?: string;
  bindingAnnotations: string[];
  when?: string;
  body: Chain;
  span: Span;
}

export interface Module {
  /** Canonical module name: `input` for the entry file, `std.io`, `app.helper`. */
  name: string;
  file: string;
  items: Item[];
}

export interface Program {
  entry: Module;
  /** Every module by canonical name, the entry included. */
  modules: Record<string, Module>;
  /** Compiler flags (`--profile` → `profile`). */
  flags: string[];
}
