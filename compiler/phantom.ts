// Phantom annotations as written on types (`*File[opened!]`, `[!opened]`, `M'owned|borrowed`):
// parsed into states that issue or consume an obligation, or a state variable.
import type { BranchDecl, Span } from "./ast.js";

/** One state of a phantom annotation: `opened!`, `!opened`, `app.fs:open`. */
export interface PhantomState {
  module?: string;
  name: string;
  /** `state!`: issues an obligation (outputs only). */
  issues: boolean;
  /** `!state`: consumes an obligation (inputs only). */
  consumes: boolean;
}

export type Phantom =
  | { kind: "states"; states: PhantomState[] }
  /** `M'_` (any state) or `M'owned|borrowed`. */
  | { kind: "variable"; name: string; allowed?: string[] };

export function parsePhantom(text: string): Phantom {
  const apos = text.indexOf("'");
  if (apos >= 0) {
    const rest = text.slice(apos + 1).trim();
    const allowed = rest === "" || rest === "_" ? undefined : rest.split("|").map((s) => s.trim());
    return { kind: "variable", name: text.slice(0, apos).trim(), ...(allowed ? { allowed } : {}) };
  }
  const states = text.split("|").map((raw): PhantomState => {
    let s = raw.trim();
    const consumes = s.startsWith("!");
    if (consumes) s = s.slice(1);
    const issues = s.endsWith("!");
    if (issues) s = s.slice(0, -1);
    const colon = s.indexOf(":");
    return colon >= 0
      ? { module: s.slice(0, colon), name: s.slice(colon + 1), issues, consumes }
      : { name: s, issues, consumes };
  });
  return { kind: "states", states };
}

/** The phantom-annotated parts of a branch payload (`field` absent for identity payloads). */
export function payloadPhantoms(b: BranchDecl): { field?: string; phantom: string; type: string; span: Span }[] {
  const p = b.payload;
  if (p.kind === "identity") return p.phantom === undefined ? [] : [{ phantom: p.phantom, type: p.type, span: b.span }];
  if (p.kind === "struct") {
    return p.fields.flatMap((f) =>
      f.phantom === undefined ? [] : [{ field: f.name, phantom: f.phantom, type: f.type, span: f.span }],
    );
  }
  return [];
}

export function isIssue(phantom: string): boolean {
  const p = parsePhantom(phantom);
  return p.kind === "states" && p.states.some((s) => s.issues);
}
