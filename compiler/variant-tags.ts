// Variant tags as written (`zig(ai_opt_1)`, upstream's bare `ai_opt_1`) and how a bare name
// finds its variant. Shared by the checker, the emitter and variants/.
import type { ProcDecl } from "./ast.js";

/** The name inside a tag: `zig(ai_opt_1)` and `ai_opt_1` both name `ai_opt_1`. */
export function tagName(tag: string): string {
  const m = /^[A-Za-z_][A-Za-z0-9_]*\(([^()]*)\)$/.exec(tag.trim());
  return m ? m[1].trim() : tag.trim();
}

/** Tags are written `zig(name)` in sidecars; a bare name is the same variant. */
export function canonicalTag(tag: string): string {
  const t = tag.trim();
  return /\(/.test(t) ? t : `zig(${t})`;
}

export type TagLookup =
  | { ok: true; tag: string; proc: ProcDecl }
  | { ok: false; reason: "unknown" | "ambiguous"; candidates: string[] };

/** Find a variant by its full tag, or by its bare name when exactly one variant has it. */
export function findVariant(variants: Map<string, ProcDecl>, written: string): TagLookup {
  const exact = variants.get(written.trim());
  if (exact) return { ok: true, tag: written.trim(), proc: exact };
  const name = tagName(written);
  const hits = [...variants.entries()].filter(
    ([tag]) => tagName(tag) === name && (!/\(/.test(written) || canonicalTag(tag) === canonicalTag(written)),
  );
  if (hits.length === 1) return { ok: true, tag: hits[0][0], proc: hits[0][1] };
  return { ok: false, reason: hits.length > 1 ? "ambiguous" : "unknown", candidates: hits.map(([t]) => t) };
}
