// Where workspace passes live. `koru.passes.json` (beside koru.json, written by `passes apply`
// and `passes remove`) lists the applied passes in order, each with the SHA-256 of the source
// that was reviewed. Under `.koru/`: the source of passes proposed as text
// (`.koru/passes/<name>/pass.js`), the review diff (`.koru/passes/<name>/review.diff`) and the
// evidence record (`.koru/evidence/passes/<name>.json`).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Diagnostic, error } from "../../compiler/diagnostics.js";
import { writeFileAtomic } from "../../compiler/toolchain/atomic.js";
import { koruDir } from "../../compiler/workspace.js";
import type { SandboxLimits } from "../sandbox/quickjs.js";

/** Where a pass goes in the pipeline: `after:<pass>` or `before:<pass>`. */
export type PassPosition = string;
export const DEFAULT_POSITION: PassPosition = "after:check";

export interface AppliedPass {
  name: string;
  /** The pass source, relative to the workspace root. */
  file: string;
  /** SHA-256 of the source that was reviewed; another text is stale until reviewed again. */
  sha256: string;
  position: PassPosition;
}

export interface PassesJson {
  version: 1;
  passes: AppliedPass[];
}

export type Verdict = "waiting_for_review" | "rejected" | "applied";

export interface ProgramEvidence {
  /** Relative to the workspace root. */
  file: string;
  /** What happened: the pass changed the program, left it as it was, or the program was skipped. */
  outcome: "changed" | "unchanged" | "skipped" | "rejected";
  /** Why skipped or rejected. */
  reason?: string;
  /** Lines added and removed in the formatted entry module. */
  added: number;
  removed: number;
  /** Differential run of the built program before and after. */
  output: "identical" | "differs" | "not_run" | "failed";
  sandbox_ms: number;
}

export interface PassEvidence {
  version: 1;
  name: string;
  file: string;
  sha256: string;
  position: PassPosition;
  compiler: string;
  limits: SandboxLimits;
  programs: ProgramEvidence[];
  verdict: Verdict;
  reasons: string[];
  time: string;
}

export const PASS_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function passesJsonPath(root: string): string {
  return join(root, "koru.passes.json");
}

export function evidencePath(root: string, name: string): string {
  return koruDir(root, "evidence", "passes", `${name}.json`);
}

export function reviewDiffPath(root: string, name: string): string {
  return koruDir(root, "passes", name, "review.diff");
}

/** Where the source of a pass proposed as text (not as a file) is kept. */
export function storedSourcePath(root: string, name: string): string {
  return koruDir(root, "passes", name, "pass.js");
}

/** `koru.passes.json`, or an empty list; a malformed file is a diagnostic, never ignored. */
export function readPassesJson(root: string): { config: PassesJson; diagnostics: Diagnostic[] } {
  const file = passesJsonPath(root);
  const empty: PassesJson = { version: 1, passes: [] };
  if (!existsSync(file)) return { config: empty, diagnostics: [] };
  const bad = (why: string) => ({
    config: empty,
    diagnostics: [error("PASS008", `koru.passes.json: ${why}`, { file, line: 1, col: 1 })],
  });
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    return bad(`not valid JSON (${(e as Error).message})`);
  }
  const passes = (value as { passes?: unknown })?.passes;
  if (!Array.isArray(passes)) return bad("expected an object with a 'passes' list");
  for (const p of passes as AppliedPass[]) {
    const ok =
      p &&
      typeof p.name === "string" &&
      PASS_NAME.test(p.name) &&
      typeof p.file === "string" &&
      typeof p.sha256 === "string" &&
      typeof p.position === "string";
    if (!ok) return bad(`entry ${JSON.stringify(p)} needs name, file, sha256 and position`);
  }
  return { config: { version: 1, passes: passes as AppliedPass[] }, diagnostics: [] };
}

/** Write a file under the workspace whole, creating its folder. */
export function writeProduct(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, text);
}

export function writePassesJson(root: string, config: PassesJson): void {
  writeFileAtomic(passesJsonPath(root), `${JSON.stringify(config, null, 2)}\n`);
}

export function readEvidence(root: string, name: string): PassEvidence | undefined {
  const path = evidencePath(root, name);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as PassEvidence;
  } catch {
    return undefined;
  }
}

export function writeEvidence(root: string, evidence: PassEvidence): string {
  const path = evidencePath(root, evidence.name);
  writeProduct(path, `${JSON.stringify(evidence, null, 2)}\n`);
  return path;
}

/** `after:check` → `{ after: "check" }`; anything else is undefined. */
export function parsePosition(position: string): { after: string } | { before: string } | undefined {
  const m = /^(after|before):([A-Za-z_][A-Za-z0-9_]*)$/.exec(position);
  if (!m) return undefined;
  return m[1] === "after" ? { after: m[2] } : { before: m[2] };
}
