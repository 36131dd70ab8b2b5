// AST equality with positions aside: spans and proc body line numbers say where a node was
// written, not what it is, so a reformatted file compares equal to its original.
const POSITION_KEYS = new Set(["span", "bodyLine"]);

/** A deep copy of `value` without position fields (JSON-shaped input). */
export function withoutPositions<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutPositions) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!POSITION_KEYS.has(k) && v !== undefined) out[k] = withoutPositions(v);
  }
  return out as T;
}

export function sameAst(a: unknown, b: unknown): boolean {
  return JSON.stringify(withoutPositions(a)) === JSON.stringify(withoutPositions(b));
}
