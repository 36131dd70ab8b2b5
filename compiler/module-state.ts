// The module state that belongs to an event's case: the top-level `var`s of the event's module
// that its baseline or any variant mentions. One rule for the variant harness (which saves,
// loads and compares them around every case) and for `--capture` (which records them with each
// input), so a captured case replays exactly in the harness.
import type { Module } from "./ast.js";
import { depthDelta } from "./scan.js";

/** Names of `var` declarations at the top level of a module's host code. */
export function moduleVars(mod: Module): string[] {
  const names: string[] = [];
  let depth = 0;
  for (const item of mod.items) {
    if (item.kind !== "host") continue;
    const m = depth === 0 ? /^\s*(?:pub\s+)?var\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(item.text) : null;
    if (m) names.push(m[1]);
    depth += depthDelta(item.text);
  }
  return names;
}

/** `name` appears in `body` as a name of its own (not a field, builtin, string or longer name). */
export function mentions(body: string, name: string): boolean {
  return new RegExp(`(?<![A-Za-z0-9_.@"])${name}(?![A-Za-z0-9_])`).test(body);
}

/** The module variables any of `procs` mentions, in declaration order. */
export function caseState(mod: Module, procs: readonly { readonly body: string }[]): string[] {
  return moduleVars(mod).filter((v) => procs.some((p) => mentions(p.body, v)));
}
