// The AST as a zod schema: what a pass must hand back. A pass's result is checked against it
// before the compiler looks at it, so a pass that returns garbage (missing fields, wrong kinds,
// unknown keys, cycles) is rejected with a located reason instead of crashing a later stage.
import { z } from "zod";
import type { Module, Program } from "../compiler/ast.js";

const str = z.string();
const strs = z.array(z.string());
// Spans may gain fields (end positions); only what every consumer reads is required.
const span = z.looseObject({ file: str, line: z.number().int(), col: z.number().int() });
const node = <T extends z.ZodRawShape>(shape: T) => z.strictObject({ ...shape, span });

const eventRef = node({ module: str.optional(), path: z.array(str).min(1) });
const field = node({ name: str, type: str, phantom: str.optional(), defaultValue: str.optional() });
const payload = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("none") }),
  z.strictObject({ kind: z.literal("identity"), type: str, phantom: str.optional() }),
  z.strictObject({ kind: z.literal("struct"), fields: z.array(field) }),
  z.strictObject({ kind: z.literal("wildcard") }),
]);
const branchDecl = node({ name: str, optional: z.boolean(), payload });
const arg = node({ name: str.optional(), value: str });

const invocation = node({
  kind: z.literal("invoke"),
  target: eventRef,
  variant: str.optional(),
  args: z.array(arg),
  label: str.optional(),
  source: str.optional(),
});
const constructorValue = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("none") }),
  z.strictObject({ kind: z.literal("expr"), expr: str }),
  z.strictObject({ kind: z.literal("fields"), fields: z.array(node({ name: str, value: str })) }),
]);
const step = z.discriminatedUnion("kind", [
  invocation,
  node({ kind: z.literal("construct"), branch: str, value: constructorValue }),
  node({ kind: z.literal("jump"), label: str, args: z.array(arg) }),
  node({ kind: z.literal("discard") }),
]);

interface ChainShape {
  steps: z.infer<typeof step>[];
  continuations: ContinuationShape[];
  span: z.infer<typeof span>;
}
interface ContinuationShape {
  branch: string;
  catchAll: boolean;
  binding?: string;
  bindingAnnotations: string[];
  when?: string;
  body: ChainShape;
  span: z.infer<typeof span>;
}
const chain: z.ZodType<ChainShape> = z.lazy(() => node({ steps: z.array(step), continuations: z.array(continuation) }));
const continuation: z.ZodType<ContinuationShape> = z.lazy(() =>
  node({
    branch: str,
    catchAll: z.boolean(),
    binding: str.optional(),
    bindingAnnotations: strs,
    when: str.optional(),
    body: chain,
  }),
);

const item = z.discriminatedUnion("kind", [
  node({ kind: z.literal("host"), text: str }),
  node({
    kind: z.literal("event"),
    path: z.array(str).min(1),
    pub: z.boolean(),
    annotations: strs,
    input: z.array(field),
    branches: z.array(branchDecl),
    doc: str.optional(),
  }),
  node({
    kind: z.literal("proc"),
    target: eventRef,
    variant: str.optional(),
    annotations: strs,
    body: str,
    bodyLine: z.number().int(),
  }),
  node({ kind: z.literal("subflow"), target: eventRef, annotations: strs, body: chain }),
  node({ kind: z.literal("flow"), annotations: strs, body: chain }),
  node({ kind: z.literal("import"), path: str, annotations: strs }),
  node({ kind: z.literal("module_annotation"), annotations: strs }),
]);

export const moduleSchema = z.strictObject({ name: str, file: str, items: z.array(item) });

/** The program as passes see it (`programJson`): the entry once, the modules it imports by name. */
export const programJsonSchema = z.strictObject({
  entry: moduleSchema,
  modules: z.record(str, moduleSchema),
  flags: strs,
});

export type ProgramJsonShape = z.infer<typeof programJsonSchema>;

export type ValidProgram = { ok: true; program: Program } | { ok: false; reason: string };

/** Check `value` (a pass's output in the JSON shape) and rebuild a Program from it. */
export function validateProgramJson(value: unknown): ValidProgram {
  const parsed = programJsonSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.map(String).join(".") : "(root)";
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : "";
    return { ok: false, reason: `not a valid program: at ${where}: ${issue.message}${more}` };
  }
  const json = parsed.data as { entry: Module; modules: Record<string, Module>; flags: string[] };
  if (json.modules[json.entry.name]) {
    return {
      ok: false,
      reason: `not a valid program: module '${json.entry.name}' is listed twice (entry and modules)`,
    };
  }
  return {
    ok: true,
    program: { entry: json.entry, modules: { ...json.modules, [json.entry.name]: json.entry }, flags: json.flags },
  };
}
