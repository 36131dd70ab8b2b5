// Compile (and build) a program: CCP `compile`, `koruc build|check|emit`, MCP `compile`/`check`.
// An `output` is refused before any work when it leaves the workspace, names a directory or a
// .kz source (as gcc refuses `-o main.c`); after the build, when it names any file the program
// read. Refusals leave nothing behind: the binary is written through a temporary file beside it.
import { mkdirSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import {
  type CompileResult,
  compileProgram,
  copyFileAtomic,
  koruDir,
  type Optimize,
  type PassInsertion,
  removeStaleTemps,
} from "../../compiler/index.js";
import type { CcpMode } from "../../compiler/instrument.js";
import { pgoInsertion } from "../../passes/pgo/index.js";
import { flagsOf, msSince, type OperationContext, OperationError, pathIn } from "./types.js";
import { appliedPasses } from "./workspace-passes.js";

export interface CompileInput {
  entry: string;
  /** Use this text as the entry file's content. */
  source?: string;
  flags?: readonly string[];
  /** Instrument every event invocation with the CCP recorder. */
  ccp?: boolean;
  /** What the recorder measures (counts, timing, transitions). */
  ccpMode?: CcpMode;
  profile?: boolean;
  /** Stop after the checks. */
  checkOnly?: boolean;
  /** Build a binary (default true); false stops after `emit` (the generated Zig). */
  build?: boolean;
  optimize?: Optimize;
  /** Where to copy the binary (default: it stays in the build cache). */
  output?: string;
  /** Passes to insert into the pipeline (after the workspace's applied passes, which every build gets). */
  insert?: readonly PassInsertion[];
  /** A run id of this workspace: lay out switches by its edge counts (the `pgo` pass). */
  pgo?: string;
}

export interface CompileOutput extends CompileResult {
  /** The entry as a real path. */
  file: string;
  /** Where the binary was written (`output`), when asked for. */
  output?: string;
  durationMs: number;
}

/** The executable's name for an entry file: `app.kz` → `app`. */
export function exeName(entry: string): string {
  return basename(entry).replace(/\.kz$/, "") || "main";
}

/** A refusal for an output path, before anything is built. */
function checkOutput(ctx: OperationContext, output: string): string {
  const path = pathIn(ctx, output, "output");
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // Does not exist yet: fine.
  }
  if (isDir)
    throw new OperationError("invalid_field", `output '${output}' is a directory: name the binary's file`, "output");
  if (path.endsWith(".kz")) {
    throw new OperationError(
      "invalid_field",
      `output '${output}' is a Koru source: refusing to overwrite it`,
      "output",
    );
  }
  return path;
}

export async function compile(input: CompileInput, ctx: OperationContext): Promise<CompileOutput> {
  const t0 = performance.now();
  const file = pathIn(ctx, input.entry, "entry");
  const output = input.output !== undefined ? checkOutput(ctx, input.output) : undefined;
  const build = !input.checkOnly && input.build !== false;
  const applied = await appliedPasses(ctx.root);
  if (applied.diagnostics.length > 0) {
    return { ok: false, diagnostics: applied.diagnostics, sources: new Map(), file, durationMs: msSince(t0) };
  }
  const insert = [
    ...applied.insert,
    ...(input.insert ?? []),
    ...(input.pgo !== undefined ? [pgoInsertion(input.pgo, ctx.root)] : []),
  ];
  ctx.onProgress?.({ stage: "compile", message: `compiling ${input.entry}`, fraction: 0 });
  const result = await compileProgram(file, {
    ...(input.source !== undefined ? { source: input.source } : {}),
    flags: flagsOf(ctx, input.flags),
    ccp: input.ccp ?? false,
    ...(input.ccpMode ? { ccpMode: input.ccpMode } : {}),
    profile: input.profile ?? false,
    checkOnly: input.checkOnly ?? false,
    ...(insert.length ? { insert } : {}),
    ...(build ? { build: { workspace: ctx.root, optimize: input.optimize ?? "Debug", name: exeName(file) } } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.onPass ? { onPass: ctx.onPass } : {}),
  });
  if (result.cancelled) throw new OperationError("cancelled", `compiling ${input.entry} was cancelled`);
  const out: CompileOutput = { ...result, file, durationMs: msSince(t0) };
  if (!result.ok || !output || !result.exePath) return out;
  const read = [...result.sources.keys()].map((p) => resolve(p));
  if (read.includes(output)) {
    throw new OperationError(
      "invalid_field",
      `output '${input.output}' is a source of the program: refusing to overwrite it`,
      "output",
    );
  }
  mkdirSync(dirname(output), { recursive: true });
  removeStaleTemps(dirname(output), basename(output));
  copyFileAtomic(result.exePath, output, { mode: 0o755 });
  return { ...out, output, durationMs: msSince(t0) };
}

/** `koruc build`: compile and build, the binary written to `output` or `.koru/bin/<name>`. */
export function build(input: CompileInput, ctx: OperationContext): Promise<CompileOutput> {
  const output = input.output ?? koruDir(ctx.root, "bin", exeName(input.entry));
  return compile({ ...input, output, build: true }, ctx);
}
