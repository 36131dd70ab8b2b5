// fast-check arbitraries for random Koru modules in the shapes the parser produces, for the
// formatter's round-trip property. Positions are placeholders: the property ignores them.
import fc from "fast-check";
import type {
  Arg,
  BranchDecl,
  Chain,
  Continuation,
  EventDecl,
  EventRef,
  Field,
  Item,
  Module,
  Payload,
  Step,
} from "../../compiler/ast.js";

const span = { file: "gen.kz", line: 1, col: 1 };
const ident = fc.constantFrom("a", "b", "value", "item", "count", "next_one", "x2", "ok", "done", "err_x", "r");
const branchName = fc.constantFrom("ok", "done", "failed", "next", "result", "empty", "more");
const path = fc.array(ident, { minLength: 1, maxLength: 2 });
const ref: fc.Arbitrary<EventRef> = fc
  .record({
    module: fc.option(fc.constantFrom("std.io", "app.helper"), { nil: undefined }),
    path,
  })
  .map(({ module, path }) => (module ? { module, path, span } : { path, span }));
const type = fc.constantFrom("i32", "u8", "[]const u8", "*State", "?i32", "[4]u8", "bool", "std.ArrayList(u8)");
const expr = fc.constantFrom("1", "x + 1", '"hi"', "a.b", "n * 2", "-5", "'c'", "true", "arr[i]", "f.x >= 3");
const annotation = fc.constantFrom("opaque", "comptime", "norun", "pure", "derive(x)");
const annotations = fc.array(annotation, { maxLength: 2 });

const field: fc.Arbitrary<Field> = fc
  .record({
    name: ident,
    type,
    phantom: fc.option(fc.constantFrom("opened", "closed!", "M'_"), { nil: undefined }),
    defaultValue: fc.option(fc.constantFrom("0", "null", "false"), { nil: undefined }),
  })
  .map((f) => strip({ ...f, span }));
const fields = (min: number) => fc.uniqueArray(field, { minLength: min, maxLength: 3, selector: (f) => f.name });

const payload: fc.Arbitrary<Payload> = fc.oneof(
  fc.constant({ kind: "none" as const }),
  fc.constant({ kind: "wildcard" as const }),
  fc
    .record({ type, phantom: fc.option(fc.constantFrom("open", "done!"), { nil: undefined }) })
    .map((p) => strip({ kind: "identity" as const, ...p })),
  fields(2).map((f) => ({ kind: "struct" as const, fields: f })),
);

const branch: fc.Arbitrary<BranchDecl> = fc
  .record({ name: branchName, optional: fc.boolean(), payload })
  .map((b) => ({ ...b, span }));

const event: fc.Arbitrary<EventDecl> = fc
  .record({
    path,
    pub: fc.boolean(),
    annotations,
    input: fields(0),
    branches: fc.uniqueArray(branch, { maxLength: 3, selector: (b) => b.name }),
  })
  // A single branch without payload is a parse error (it should be a void event).
  .filter((e) => !(e.branches.length === 1 && e.branches[0].payload.kind === "none"))
  .map((e) => ({ kind: "event" as const, ...e, span }));

const arg: fc.Arbitrary<Arg> = fc
  .record({ name: fc.option(ident, { nil: undefined }), value: expr })
  .map((a) => strip({ ...a, span }));
const args = fc.array(arg, { maxLength: 3 });
const source = fc
  .array(fc.constantFrom("line one", "  indented {{ x:d }}", "", 'text: "q"', "end"), { minLength: 1, maxLength: 3 })
  .filter((ls) => ls[0] !== "" && ls[ls.length - 1] !== "" && ls.some((l) => !l.startsWith(" ") && l !== ""))
  .map((ls) => ls.join("\n"));

const invocation = (withSource: boolean): fc.Arbitrary<Step> =>
  fc
    .record({
      target: ref,
      variant: fc.option(fc.constantFrom("zig(fast)", "zig(ai_opt_2)"), { nil: undefined }),
      args,
      label: fc.option(fc.constantFrom("loop", "outer"), { nil: undefined }),
      source: withSource ? fc.option(source, { nil: undefined, freq: 6 }) : fc.constant(undefined),
    })
    .map((i) => strip({ kind: "invoke" as const, ...i, span }));

const branchConstructor: fc.Arbitrary<Step> = fc
  .record({
    branch: branchName,
    value: fc.oneof(
      fc.constant({ kind: "none" as const }),
      expr.map((e) => ({ kind: "expr" as const, expr: e })),
      fc
        .uniqueArray(fc.record({ name: ident, value: expr }), { minLength: 1, maxLength: 3, selector: (f) => f.name })
        .map((fs) => ({ kind: "fields" as const, fields: fs.map((f) => ({ ...f, span })) })),
    ),
  })
  .map((c) => ({ kind: "construct" as const, ...c, span }));

const laterStep: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: invocation(true), weight: 4 },
  { arbitrary: branchConstructor, weight: 1 },
  {
    arbitrary: fc
      .record({ label: fc.constantFrom("loop", "outer"), args })
      .map((j) => ({ kind: "jump" as const, ...j, span })),
    weight: 1,
  },
  { arbitrary: fc.constant({ kind: "discard" as const, span }), weight: 1 },
);

function continuations(depth: number): fc.Arbitrary<Continuation[]> {
  if (depth > 2) return fc.constant([]);
  const cont: fc.Arbitrary<Continuation> = fc
    .record({
      branch: branchName,
      catchAll: fc.boolean(),
      binding: fc.option(ident, { nil: undefined }),
      bindingAnnotations: fc.array(fc.constantFrom("mutable", "owned"), { maxLength: 2 }),
      when: fc.option(fc.constantFrom("r.value > 1", "x == 2"), { nil: undefined, freq: 4 }),
      steps: fc.array(laterStep, { maxLength: 3 }),
      nested: continuations(depth + 1),
    })
    // A continuation without steps and without nested handlers is a parse error.
    .filter((c) => c.steps.length > 0 || c.nested.length > 0)
    .map(({ steps, nested, ...c }) =>
      // Binding annotations exist only on a binding (`| ok x[mutable]`).
      strip({
        ...c,
        bindingAnnotations: c.binding ? c.bindingAnnotations : [],
        body: { steps, continuations: nested, span },
        span,
      }),
    );
  return fc.array(cont, { maxLength: depth === 0 ? 3 : 2 });
}

const chain = (first: fc.Arbitrary<Step>): fc.Arbitrary<Chain> =>
  fc
    .record({ first, rest: fc.array(laterStep, { maxLength: 2 }), continuations: continuations(0) })
    .map(({ first, rest, continuations }) => ({ steps: [first, ...rest], continuations, span }));

const host = fc
  .constantFrom("", 'const std = @import("std");', "// a comment line", "pub const N = 4;", "// another")
  .map((text) => ({ kind: "host" as const, text, span }));

const procLine = fc.constantFrom(
  "    return .{ .ok = 1 };",
  "    const x = 2;",
  "    _ = x; // why",
  "",
  "    if (a) { b(); }",
);

const item: fc.Arbitrary<Item> = fc.oneof(
  host,
  event,
  fc
    .record({
      target: ref,
      variant: fc.option(fc.constantFrom("zig(ai_opt_1)", "fast"), { nil: undefined }),
      annotations,
      body: fc.array(procLine, { maxLength: 3 }).map((ls) => ls.join("\n")),
    })
    .map((p) => strip({ kind: "proc" as const, ...p, bodyLine: 0, span })),
  fc.record({ annotations, body: chain(invocation(true)) }).map((f) => ({ kind: "flow" as const, ...f, span })),
  fc
    .record({ target: ref, annotations, body: chain(fc.oneof(invocation(false), branchConstructor)) })
    .map((s) => ({ kind: "subflow" as const, ...s, span })),
  fc
    .record({ path: fc.constantFrom("$std/io", "$src/helper"), annotations })
    .map((i) => ({ kind: "import" as const, ...i, span })),
  fc
    .array(annotation, { minLength: 1, maxLength: 2 })
    .map((a) => ({ kind: "module_annotation" as const, annotations: a, span })),
);

/** A module whose event docs are what the parser derives from the comment lines above each event. */
export const moduleArb: fc.Arbitrary<Module> = fc.array(item, { minLength: 1, maxLength: 8 }).map((items) => {
  let doc: string[] = [];
  for (const it of items) {
    if (it.kind === "host") {
      doc = it.text.trim().startsWith("//") ? [...doc, it.text.trim().replace(/^\/\/\s?/, "")] : [];
      continue;
    }
    if (it.kind === "event" && doc.length) it.doc = doc.join("\n");
    doc = [];
  }
  return { name: "input", file: "gen.kz", items };
});

/** Drop keys whose value is undefined (the parser omits absent optional fields). */
function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
