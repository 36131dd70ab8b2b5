// How floats are compared, declared beside the baseline proc as a comment directive on the
// lines right above it:   // koru:float ulp(4)   |   // koru:float abs_rel(1e-12, 1e-9)
// Default `exact`: equal values, NaN equals NaN, +0 equals -0; `bitwise` compares bits.
import { readFileSync } from "node:fs";
import type { ProcDecl } from "../../compiler/index.js";
import { type Diagnostic, error } from "../../compiler/index.js";

export type FloatPolicy =
  | { kind: "exact" }
  | { kind: "bitwise" }
  | { kind: "ulp"; n: number }
  | { kind: "abs_rel"; abs: number; rel: number };

export function parsePolicy(text: string): FloatPolicy | undefined {
  const t = text.trim();
  if (t === "exact") return { kind: "exact" };
  if (t === "bitwise") return { kind: "bitwise" };
  const ulp = /^ulp\(\s*(\d+)\s*\)$/.exec(t);
  if (ulp) return { kind: "ulp", n: Number(ulp[1]) };
  const num = "([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)";
  const ar = new RegExp(`^abs_rel\\(\\s*${num}\\s*,\\s*${num}\\s*\\)$`).exec(t);
  if (ar) return { kind: "abs_rel", abs: Number(ar[1]), rel: Number(ar[2]) };
  return undefined;
}

export function policyText(p: FloatPolicy): string {
  switch (p.kind) {
    case "exact":
    case "bitwise":
      return p.kind;
    case "ulp":
      return `ulp(${p.n})`;
    case "abs_rel":
      return `abs_rel(${p.abs}, ${p.rel})`;
  }
}

export function policyZig(p: FloatPolicy): string {
  switch (p.kind) {
    case "exact":
      return ".exact";
    case "bitwise":
      return ".bitwise";
    case "ulp":
      return `.{ .ulp = ${p.n} }`;
    case "abs_rel":
      return `.{ .abs_rel = .{ .abs = ${p.abs.toExponential()}, .rel = ${p.rel.toExponential()} } }`;
  }
}

/** The policy declared above the baseline proc (comment lines directly above `~proc`). */
export function declaredPolicy(
  baseline: ProcDecl,
  source?: string,
): { policy: FloatPolicy; diagnostics: Diagnostic[] } {
  const lines = (source ?? readFileSync(baseline.span.file, "utf8")).split("\n");
  for (let i = baseline.span.line - 2; i >= 0 && /^\s*\/\//.test(lines[i]); i--) {
    const m = /^\s*\/\/\s*koru:float\s+(.*?)\s*$/.exec(lines[i]);
    if (!m) continue;
    const policy = parsePolicy(m[1]);
    if (policy) return { policy, diagnostics: [] };
    return {
      policy: { kind: "exact" },
      diagnostics: [
        error(
          "KORU077",
          `unknown float policy '${m[1]}'`,
          { file: baseline.span.file, line: i + 1, col: 1 },
          { hint: "use exact, bitwise, ulp(n) or abs_rel(abs, rel)" },
        ),
      ],
    };
  }
  return { policy: { kind: "exact" }, diagnostics: [] };
}
