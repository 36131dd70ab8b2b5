// Native lowering of the standard library's `[transform]` events: `std.io:print.ln`,
// `std.io:print.blk`, `std.control:if`, `for`, `capture`, `const`, and `std.taps:tap`.
import type { Invocation } from "../ast.js";
import type { Lowering, Lowerings } from "../emit/flow.js";
import { toZigValue } from "../emit/values.js";
import { zigIdent } from "../emit/zig-writer.js";
import { findTopLevel, splitTopLevel } from "../scan.js";
import { lowerFmtLn } from "./fmt.js";
import { lowerRouter } from "./orisha.js";
import { templateToPrint } from "./template.js";

type LowerFn = Lowering["lower"];

const LOWER: Record<string, LowerFn> = {
  // A tap declaration runs nowhere itself: std/taps.ts weaves its handlers into other flows.
  "std.taps:tap": () => {},
  // Register blocks become scope tables (std/runtime.ts); the flow itself runs nothing.
  "std.runtime:register": () => {},
  "std.fmt:ln": lowerFmtLn,
  "orisha:router": lowerRouter,
  "std.io:print.ln": (fe, inv) => {
    const arg = exprArg(inv);
    const origin = fe.origin(inv.span);
    if (arg === undefined) {
      fe.w.line('__koru_std.debug.print("\\n", .{});', origin);
      return;
    }
    const literal = /^"(?:[^"\\]|\\.)*"$/.test(arg) ? arg.slice(1, -1) : undefined;
    const print = literal !== undefined ? templateToPrint([literal], false) : { format: "{s}", args: [arg] };
    fe.w.line(printCall(print.format, print.args, print.error), origin);
  },
  "std.io:print.blk": (fe, inv) => {
    const text = inv.source ?? exprArg(inv)?.replace(/^"|"$/g, "") ?? "";
    const print = templateToPrint(text.split("\n"), true);
    fe.w.line(printCall(print.format, print.args, print.error), fe.origin(inv.span));
  },
  "std.control:if": (fe, inv, conts, scope) => {
    const cond = exprArg(inv) ?? "true";
    const then = conts.find((c) => c.branch === "then");
    const otherwise = conts.find((c) => c.branch === "else");
    fe.w.open(`if (${cond}) {`, fe.origin(inv.span));
    if (then) fe.emitChain(then.body, scope);
    if (otherwise) {
      fe.w.reopen("} else {");
      fe.emitChain(otherwise.body, scope);
    }
    fe.w.close();
  },
  "std.control:for": (fe, inv, conts, scope) => {
    const iterable = exprArg(inv) ?? "";
    const each = conts.find((c) => c.branch === "each");
    const done = conts.find((c) => c.branch === "done");
    const binding = each?.binding && each.binding !== "_" ? zigIdent(each.binding) : "_";
    fe.w.open(`for (${toZigValue(iterable)}) |${binding}| {`, fe.origin(inv.span));
    if (binding !== "_") fe.w.line(`_ = &${binding};`);
    if (each) fe.emitChain(each.body, scope);
    fe.w.close();
    if (done) fe.emitChain(done.body, scope);
  },
  "std.control:capture": (fe, inv, conts, scope) => {
    const init = exprArg(inv) ?? "{}";
    const as = conts.find((c) => c.branch === "as");
    const captured = conts.find((c) => c.branch === "captured");
    const acc = as?.binding && as.binding !== "_" ? zigIdent(as.binding) : fe.fresh("capture");
    const origin = fe.origin(inv.span);
    fe.w.open("{", origin);
    // An explicit field type keeps the accumulator's fields runtime (an anonymous
    // literal would make comptime-known values comptime fields).
    fe.w.line(`var ${acc}: ${literalType(init)} = ${toZigValue(init)};`, origin);
    fe.w.line(`_ = &${acc};`);
    if (as) fe.emitChain(as.body, { ...scope, captures: [...scope.captures, { accumulator: acc }] });
    if (captured) {
      if (captured.binding && captured.binding !== "_") {
        fe.w.line(`const ${zigIdent(captured.binding)} = ${acc};`, fe.origin(captured.span));
        fe.w.line(`_ = &${zigIdent(captured.binding)};`);
      }
      fe.emitChain(captured.body, scope);
    }
    fe.w.close();
  },
  "std.control:const": (fe, inv, conts, scope) => {
    const value = exprArg(inv) ?? "{}";
    const as = conts.find((c) => c.branch === "as");
    const name = as?.binding && as.binding !== "_" ? zigIdent(as.binding) : undefined;
    fe.w.open("{", fe.origin(inv.span));
    if (name) {
      fe.w.line(`const ${name} = ${toZigValue(value)};`, fe.origin(inv.span));
      fe.w.line(`_ = &${name};`);
    }
    if (as) fe.emitChain(as.body, scope);
    fe.w.close();
  },
};

/** Whether a lowered control event always leaves its block (for loop and return analysis). */
function terminatesThrough(...branches: string[]): Lowering["terminates"] {
  return (fe, _inv, conts, scope) =>
    branches.every((name) => {
      const c = conts.find((k) => k.branch === name);
      return !!c && fe.terminates(c.body, scope);
    });
}

/** The standard library's lowerings, registered into the emitter by the `emit` pass. */
export const STD_LOWERINGS: Lowerings = new Map<string, Lowering>([
  ["std.taps:tap", { lower: LOWER["std.taps:tap"] }],
  ["std.runtime:register", { lower: LOWER["std.runtime:register"] }],
  ["std.fmt:ln", { lower: LOWER["std.fmt:ln"] }],
  ["orisha:router", { lower: LOWER["orisha:router"] }],
  ["std.io:print.ln", { lower: LOWER["std.io:print.ln"] }],
  ["std.io:print.blk", { lower: LOWER["std.io:print.blk"] }],
  ["std.control:if", { lower: LOWER["std.control:if"], terminates: terminatesThrough("then", "else") }],
  ["std.control:for", { lower: LOWER["std.control:for"], terminates: terminatesThrough("done") }],
  ["std.control:capture", { lower: LOWER["std.control:capture"], terminates: terminatesThrough("captured") }],
  ["std.control:const", { lower: LOWER["std.control:const"], terminates: terminatesThrough("as") }],
  ["std.runtime:register", { lower: LOWER["std.runtime:register"] }],
  ["std.fmt:ln", { lower: LOWER["std.fmt:ln"] }],
  ["orisha:router", { lower: LOWER["orisha:router"] }],
]);

/** `struct { total: @TypeOf(@as(i32, 0)) }` for the literal `{ total: @as(i32, 0) }`. */
function literalType(literal: string): string {
  const t = literal.trim();
  if (!t.startsWith("{")) return `@TypeOf(${toZigValue(t)})`;
  const fields = splitTopLevel(t.slice(1, t.lastIndexOf("}")).replace(/\n\s*/g, " "), ",")
    .filter((p) => p.text !== "")
    .map((p) => {
      const colon = findTopLevel(p.text, ":");
      const name = p.text.slice(0, colon).trim();
      return `${zigIdent(name)}: @TypeOf(${toZigValue(p.text.slice(colon + 1))})`;
    });
  return `struct { ${fields.join(", ")} }`;
}

/** The expression argument of a transform call: `expr: x`, or the first positional. */
function exprArg(inv: Invocation): string | undefined {
  const named = inv.args.find((a) => a.name === "expr" || a.name === "text" || a.name === "source");
  return (named ?? inv.args.find((a) => a.name === undefined) ?? inv.args[0])?.value;
}

function printCall(format: string, args: string[], compileError?: string): string {
  if (compileError) return `@compileError(${JSON.stringify(compileError)});`;
  return `__koru_std.debug.print("${format}\\n", .{${args.length ? ` ${args.join(", ")} ` : ""}});`;
}
