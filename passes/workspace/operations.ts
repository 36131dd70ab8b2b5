// The workspace pass operations: propose (run the pass on every program of the workspace,
// review diff, differential run, evidence), review, apply, remove, list, and the insertions a
// build uses. The CLI (`koruc passes ...`), CCP (`add_pass` with a body) and MCP
// (propose_pass, review_pass, apply_pass, list_passes) are adapters over these functions.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, relative } from "node:path";
import type { Program } from "../../compiler/ast.js";
import { compileProgram, compileSource } from "../../compiler/compile.js";
import type { Diagnostic } from "../../compiler/diagnostics.js";
import { BUILTIN_PASS_NAMES, type PassInsertion } from "../../compiler/pipeline.js";
import { runProcess } from "../../compiler/toolchain/process.js";
import { confine, WorkspaceError } from "../../compiler/workspace.js";
import { passError } from "../diagnostics.js";
import { printModule } from "../print/print.js";
import { unifiedDiff } from "../review/unified-diff.js";
import { sandboxedPass } from "../sandbox/agent-pass.js";
import { DEFAULT_LIMITS, type SandboxLimits } from "../sandbox/quickjs.js";
import { workspacePrograms } from "./programs.js";
import {
  type AppliedPass,
  DEFAULT_POSITION,
  evidencePath,
  PASS_NAME,
  type PassEvidence,
  type ProgramEvidence,
  parsePosition,
  readEvidence,
  readPassesJson,
  reviewDiffPath,
  sha256,
  storedSourcePath,
  type Verdict,
  writeEvidence,
  writePassesJson,
  writeProduct,
} from "./store.js";

export type PassOperationError = { ok: false; error: string; code: "bad_request" | "not_found" | "stale" | "rejected" };

export interface ProposePassInput {
  workspace: string;
  /** The pass file (relative to the workspace, or absolute inside it)... */
  file?: string;
  /** ...or its source text (CCP `add_pass` body, MCP `propose_pass`): kept under .koru/passes/<name>/. */
  source?: string;
  /** Default: the file's base name, required with `source`. */
  name?: string;
  /** `after:<pass>` or `before:<pass>` (default `after:check`). */
  position?: string;
  /** Build and run every program the pass changes, before and after (default true). */
  differential?: boolean;
  limits?: SandboxLimits;
  /** Time limit for each program run of the differential check (default 20 s). */
  runTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface ProposePassResult {
  ok: true;
  name: string;
  verdict: Verdict;
  reasons: string[];
  evidencePath: string;
  diffPath: string;
  /** The unified diff of the formatted source of every program the pass changed. */
  diff: string;
  programs: ProgramEvidence[];
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function rel(root: string, path: string): string {
  return relative(root, path) || basename(path);
}

function insertion(pass: PassInsertion["pass"], position: string): PassInsertion | undefined {
  const at = parsePosition(position);
  return at ? { pass, ...at } : undefined;
}

/** Resolve the pass's source and name from a file or a text body. */
function passSource(input: ProposePassInput): { name: string; source: string; file: string } | PassOperationError {
  const root = input.workspace;
  if ((input.file === undefined) === (input.source === undefined)) {
    return { ok: false, code: "bad_request", error: "give the pass as a file or as source text (one of them)" };
  }
  if (input.file !== undefined) {
    let path: string;
    try {
      path = confine(root, isAbsolute(input.file) ? input.file : `${root}/${input.file}`, { mustExist: true });
    } catch (e) {
      return {
        ok: false,
        code: e instanceof WorkspaceError && e.code === "not_found" ? "not_found" : "bad_request",
        error: (e as Error).message,
      };
    }
    const name = input.name ?? basename(path).replace(/\.(m?js)$/, "");
    if (!PASS_NAME.test(name))
      return { ok: false, code: "bad_request", error: `'${name}' is not a pass name (letters, digits, _)` };
    return { name, source: readFileSync(path, "utf8"), file: rel(root, path) };
  }
  const name = input.name;
  if (!name || !PASS_NAME.test(name)) {
    return { ok: false, code: "bad_request", error: "a pass given as source needs a name (letters, digits, _)" };
  }
  const stored = storedSourcePath(root, name);
  writeProduct(stored, input.source!);
  return { name, source: input.source!, file: rel(root, stored) };
}

interface Compiled {
  program?: Program;
  zig?: string;
  diagnostics: Diagnostic[];
}

function compileWith(file: string, insert: PassInsertion[]): Compiled {
  const r = compileSource(undefined, file, { insert });
  return {
    ...(r.program ? { program: r.program } : {}),
    ...(r.zig !== undefined ? { zig: r.zig } : {}),
    diagnostics: r.diagnostics,
  };
}

/** Build `file` (with `insert`) and run it: exit code and stdout, or why it could not. */
async function buildAndRun(
  root: string,
  file: string,
  insert: PassInsertion[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ ok: true; exitCode: number | null; stdout: string; stderr: string } | { ok: false; why: string }> {
  const built = await compileProgram(file, {
    insert,
    build: { workspace: root, name: "pass_check" },
    ...(signal ? { signal } : {}),
  });
  if (!built.ok || !built.exePath) {
    const first = built.diagnostics.find((d) => d.level === "error");
    return { ok: false, why: first ? `${first.code} ${first.message}` : "the build did not finish" };
  }
  const run = await runProcess(built.exePath, [], { cwd: dirname(file), timeoutMs, ...(signal ? { signal } : {}) });
  if (run.timedOut) return { ok: false, why: `the program ran past ${timeoutMs} ms` };
  if (run.spawnError) return { ok: false, why: run.spawnError };
  return { ok: true, exitCode: run.exitCode, stdout: run.stdout, stderr: run.stderr };
}

/** What differs between two runs (exit code, stdout, stderr), or "" when nothing does. */
function differs(a: { exitCode: number | null; stdout: string; stderr: string }, b: typeof a): string {
  if (a.exitCode !== b.exitCode) return `exit code ${a.exitCode} -> ${b.exitCode}`;
  if (a.stdout !== b.stdout) return "stdout";
  if (a.stderr !== b.stderr) return "stderr";
  return "";
}

/**
 * Propose a pass: run it (sandboxed) on every program of the workspace, diff the formatted
 * entry module before and after, build and run every changed program before and after, and
 * write the evidence. The verdict is `waiting_for_review`, or `rejected` with the reasons.
 */
export async function proposePass(input: ProposePassInput): Promise<ProposePassResult | PassOperationError> {
  const root = input.workspace;
  const resolved = passSource(input);
  if ("ok" in resolved) return resolved;
  const { name, source, file } = resolved;
  const position = input.position ?? DEFAULT_POSITION;
  const limits = input.limits ?? DEFAULT_LIMITS;
  const pass = sandboxedPass(name, source, limits);
  const at = insertion(pass, position);
  if (!at)
    return { ok: false, code: "bad_request", error: `position '${position}' is not after:<pass> or before:<pass>` };
  if (!BUILTIN_PASS_NAMES.includes("after" in at ? at.after : at.before)) {
    return {
      ok: false,
      code: "bad_request",
      error: `no built-in pass '${position.split(":")[1]}' (passes: ${BUILTIN_PASS_NAMES.join(", ")})`,
    };
  }
  const reasons: string[] = [];
  const programs: ProgramEvidence[] = [];
  const diffs: string[] = [];
  for (const path of workspacePrograms(root)) {
    if (input.signal?.aborted) return { ok: false, code: "rejected", error: "cancelled" };
    const shown = rel(root, path);
    input.onProgress?.(`running '${name}' on ${shown}`);
    const entry: ProgramEvidence = {
      file: shown,
      outcome: "unchanged",
      added: 0,
      removed: 0,
      output: "not_run",
      sandbox_ms: 0,
    };
    programs.push(entry);
    const before = compileWith(path, []);
    if (!before.program || before.zig === undefined) {
      entry.outcome = "skipped";
      entry.reason = "does not compile without the pass";
      continue;
    }
    const start = performance.now();
    const after = compileWith(path, [at]);
    entry.sandbox_ms = Math.round(performance.now() - start);
    const rejection = after.diagnostics.find((d) => d.code.startsWith("PASS"));
    if (rejection || after.zig === undefined) {
      const first = rejection ?? after.diagnostics.find((d) => d.level === "error");
      entry.outcome = "rejected";
      entry.reason = first ? `${first.code} ${first.message}` : "the program no longer compiles";
      reasons.push(`${shown}: ${entry.reason}`);
      continue;
    }
    const textBefore = `${printModule(before.program.entry)}\n`;
    const textAfter = `${printModule(after.program!.entry)}\n`;
    const diff = unifiedDiff(textBefore, textAfter, `a/${shown}`, `b/${shown}`);
    for (const line of diff.split("\n")) {
      if (line.startsWith("+") && !line.startsWith("+++")) entry.added++;
      if (line.startsWith("-") && !line.startsWith("---")) entry.removed++;
    }
    if (diff) diffs.push(diff);
    if (after.zig === before.zig) continue;
    entry.outcome = "changed";
    if (input.differential === false) continue;
    input.onProgress?.(`differential run of ${shown}`);
    const timeout = input.runTimeoutMs ?? 20_000;
    const runBefore = await buildAndRun(root, path, [], timeout, input.signal);
    const runAfter = await buildAndRun(root, path, [at], timeout, input.signal);
    if (!runBefore.ok) {
      entry.output = "failed";
      entry.reason = `could not build and run it without the pass: ${runBefore.why}`;
    } else if (!runAfter.ok) {
      entry.output = "failed";
      entry.reason = `could not build and run it with the pass: ${runAfter.why}`;
      reasons.push(`${shown}: ${entry.reason}`);
    } else if (differs(runBefore, runAfter)) {
      entry.output = "differs";
      entry.reason = `output changed (${differs(runBefore, runAfter)})`;
      reasons.push(`${shown}: ${entry.reason}`);
    } else {
      entry.output = "identical";
    }
  }
  const diff = diffs.join("");
  const verdict: Verdict = reasons.length ? "rejected" : "waiting_for_review";
  const diffPath = reviewDiffPath(root, name);
  writeProduct(diffPath, diff);
  const evidence: PassEvidence = {
    version: 1,
    name,
    file,
    sha256: sha256(source),
    position,
    compiler: version(),
    limits,
    programs,
    verdict,
    reasons,
    time: new Date().toISOString(),
  };
  return { ok: true, name, verdict, reasons, evidencePath: writeEvidence(root, evidence), diffPath, diff, programs };
}

export interface ReviewPassResult {
  ok: true;
  name: string;
  diff: string;
  evidence: PassEvidence;
  /** Set when the pass file changed since the evidence was recorded. */
  stale?: string;
}

function staleness(root: string, evidence: { file: string; sha256: string }): string | undefined {
  const path = `${root}/${evidence.file}`;
  if (!existsSync(path)) return `${evidence.file} no longer exists`;
  if (sha256(readFileSync(path, "utf8")) !== evidence.sha256) return `${evidence.file} changed since it was reviewed`;
  return undefined;
}

export function reviewPass(input: { workspace: string; name: string }): ReviewPassResult | PassOperationError {
  const evidence = readEvidence(input.workspace, input.name);
  if (!evidence)
    return { ok: false, code: "not_found", error: `no pass '${input.name}' was proposed (koruc passes add)` };
  const diffPath = reviewDiffPath(input.workspace, input.name);
  const diff = existsSync(diffPath) ? readFileSync(diffPath, "utf8") : "";
  const stale = staleness(input.workspace, evidence);
  return { ok: true, name: input.name, diff, evidence, ...(stale ? { stale } : {}) };
}

export interface ApplyPassResult {
  ok: true;
  name: string;
  /** The applied passes, in pipeline order. */
  passes: AppliedPass[];
}

/** Record a reviewed pass in koru.passes.json (after the passes already there). */
export function applyPass(input: { workspace: string; name: string }): ApplyPassResult | PassOperationError {
  const root = input.workspace;
  const evidence = readEvidence(root, input.name);
  if (!evidence)
    return { ok: false, code: "not_found", error: `no pass '${input.name}' was proposed (koruc passes add)` };
  if (evidence.verdict === "rejected") {
    return { ok: false, code: "rejected", error: `pass '${input.name}' was rejected: ${evidence.reasons.join("; ")}` };
  }
  const stale = staleness(root, evidence);
  if (stale) return { ok: false, code: "stale", error: `${stale}: run 'koruc passes add' again before applying` };
  const { config, diagnostics } = readPassesJson(root);
  if (diagnostics.length) return { ok: false, code: "bad_request", error: diagnostics[0].message };
  const entry: AppliedPass = {
    name: evidence.name,
    file: evidence.file,
    sha256: evidence.sha256,
    position: evidence.position,
  };
  const passes = config.passes.some((p) => p.name === entry.name)
    ? config.passes.map((p) => (p.name === entry.name ? entry : p))
    : [...config.passes, entry];
  writePassesJson(root, { version: 1, passes });
  writeEvidence(root, { ...evidence, verdict: "applied" });
  return { ok: true, name: entry.name, passes };
}

/** Take a pass out of koru.passes.json: builds are then exactly what they were without it. */
export function removePass(input: { workspace: string; name: string }): ApplyPassResult | PassOperationError {
  const root = input.workspace;
  const { config, diagnostics } = readPassesJson(root);
  if (diagnostics.length) return { ok: false, code: "bad_request", error: diagnostics[0].message };
  if (!config.passes.some((p) => p.name === input.name)) {
    return { ok: false, code: "not_found", error: `pass '${input.name}' is not applied (koru.passes.json)` };
  }
  const passes = config.passes.filter((p) => p.name !== input.name);
  writePassesJson(root, { version: 1, passes });
  const evidence = readEvidence(root, input.name);
  if (evidence) writeEvidence(root, { ...evidence, verdict: "waiting_for_review" });
  return { ok: true, name: input.name, passes };
}

export interface ListedPass {
  name: string;
  kind: "builtin" | "workspace";
  /** Workspace passes: where they run. */
  position?: string;
  status?: "applied" | "stale" | "waiting_for_review" | "rejected";
  reason?: string;
}

/** The pipeline as a build of this workspace runs it, then passes proposed but not applied. */
export function listPasses(input: { workspace: string }): {
  ok: true;
  passes: ListedPass[];
  diagnostics: Diagnostic[];
} {
  const root = input.workspace;
  const { config, diagnostics } = readPassesJson(root);
  const passes: ListedPass[] = BUILTIN_PASS_NAMES.map((name) => ({ name, kind: "builtin" as const }));
  for (const p of config.passes) {
    const stale = staleness(root, p);
    const at = parsePosition(p.position);
    const listed: ListedPass = {
      name: p.name,
      kind: "workspace",
      position: p.position,
      status: stale ? "stale" : "applied",
      ...(stale ? { reason: stale } : {}),
    };
    const anchor = at ? ("after" in at ? at.after : at.before) : undefined;
    const index = passes.findIndex((x) => x.name === anchor);
    if (index < 0) passes.push(listed);
    else passes.splice(at && "after" in at ? index + 1 : index, 0, listed);
  }
  for (const file of evidenceNames(root)) {
    if (passes.some((p) => p.name === file)) continue;
    const ev = readEvidence(root, file);
    if (!ev) continue;
    passes.push({
      name: ev.name,
      kind: "workspace",
      position: ev.position,
      status: ev.verdict === "rejected" ? "rejected" : "waiting_for_review",
      ...(ev.reasons.length ? { reason: ev.reasons.join("; ") } : {}),
    });
  }
  return { ok: true, passes, diagnostics };
}

function evidenceNames(root: string): string[] {
  const dir = dirname(evidencePath(root, "x"));
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -5))
      .sort();
  } catch {
    return [];
  }
}

/**
 * The applied passes of a workspace as pipeline insertions, for builds. A pass whose file
 * changed since it was reviewed is not run: it is a PASS007 error, and the build stops.
 */
export function workspacePassInsertions(root: string): { insert: PassInsertion[]; diagnostics: Diagnostic[] } {
  const { config, diagnostics } = readPassesJson(root);
  const insert: PassInsertion[] = [];
  for (const p of config.passes) {
    const stale = staleness(root, p);
    const file = `${root}/koru.passes.json`;
    if (stale) {
      diagnostics.push(
        passError("notReviewed", p.name, `is stale: ${stale}; review it again (koruc passes add)`, file),
      );
      continue;
    }
    const source = readFileSync(`${root}/${p.file}`, "utf8");
    const at = insertion(sandboxedPass(p.name, source), p.position);
    if (!at) diagnostics.push(passError("notReviewed", p.name, `has an invalid position '${p.position}'`, file));
    else insert.push(at);
  }
  return { insert, diagnostics };
}
