// A CCP session: the state a daemon (or `--accept-commands`) keeps between commands and
// the handler of every command. Commands run one at a time, in arrival order; each
// message answering a command carries its `id`.
import { readFileSync, realpathSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import type { Program } from "../compiler/ast.js";
import { programJson } from "../compiler/ast-json.js";
import { buildExecutable, type Optimize } from "../compiler/build/zig-build.js";
import { compileSource, parseOnly } from "../compiler/compile.js";
import { Symbols } from "../compiler/symbols.js";
import { copyFileAtomic } from "../compiler/toolchain/atomic.js";
import { findZig } from "../compiler/toolchain/zig.js";
import { confine, WorkspaceError } from "../compiler/workspace.js";
import type { Command } from "./commands.js";
import type { EventInfo } from "./fields.js";
import { detectHotspots, type ProgramInfo } from "./hotspots.js";
import type { FlowGate } from "./lifecycle.js";
import { diagnosticMessage, errorMessage } from "./messages.js";
import { programInfo } from "./program-events.js";
import { programNs, readRunStats, runDir, writeJsonAtomic } from "./run-records.js";
import { runInstrumented } from "./runner.js";

export type Send = (message: Record<string, unknown>) => void;

export interface RunRequest {
  entry: string;
  args: string[];
  stdin?: string;
  timeoutMs?: number;
  flags: string[];
  optimize: Optimize;
  /** Relay every raw `transition` (they are always kept in the run folder). */
  streamTransitions: boolean;
  transitionCap?: number;
  /** What the recorder measures (default counts; `transitions` when streaming them). */
  ccp?: import("../compiler/instrument.js").CcpSpec;
  profile: boolean;
  /** Report hotspots after the run. */
  analyze?: { minShare?: number | undefined; limit?: number | undefined };
  id?: string | number;
}

/** Raised by handlers for errors a client caused; becomes an `error` message. */
class CommandError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Time limit of a `run` / `analyze` command without `timeout_ms` (docs/security.md). */
export const DEFAULT_RUN_TIMEOUT_MS = 600_000;

/** The default limit, or KORU_RUN_TIMEOUT_MS when it holds a positive number of milliseconds. */
function defaultRunTimeout(): number {
  const env = Number(process.env.KORU_RUN_TIMEOUT_MS);
  return Number.isFinite(env) && env > 0 ? env : DEFAULT_RUN_TIMEOUT_MS;
}

const BUILTIN_PASSES = ["parse", "check", "auto_discharge", "emit", "zig_build"];

/**
 * Agent-written passes (passes/ sits beside ccp/, so the composition root hands its operations
 * in): `add_pass` with a `body` proposes the pass for the session's workspace.
 */
export interface PassProposals {
  propose(input: { workspace: string; source: string; name: string; position?: string }): Promise<
    | { ok: true; verdict: "waiting_for_review" | "rejected"; reasons: string[]; diff: string; evidencePath: string }
    | { ok: false; error: string; code: string }
  >;
}

let passProposals: PassProposals | undefined;

/** Called by the CLI before it serves CCP; without it `add_pass` with a `body` is an error. */
export function registerPassProposals(ops: PassProposals): void {
  passProposals = ops;
}

export class Session {
  private readonly flags = new Map<string, boolean | string>();
  private lastEntry: string | undefined;
  private lastProgram: Program | undefined;
  exited = false;
  /** Cancels the running command (a signal to the daemon, a client gone): set by the mode. */
  signal: AbortSignal | undefined;
  /** Output flow control for program pipes: set by the mode. */
  flow: FlowGate | undefined;
  /** The workspace root as a real path: every path a command names must resolve inside it. */
  readonly root: string;

  constructor(
    root: string,
    private readonly send: Send,
    private readonly sendLine: (line: string) => void,
    readonly fixedEntry?: string,
  ) {
    this.root = realOrSelf(resolve(root));
  }

  async handle(cmd: Command): Promise<void> {
    const id = cmd.id;
    const reply = (m: Record<string, unknown>) => this.send(id !== undefined ? { ...m, id } : m);
    try {
      await this.dispatch(cmd, reply);
    } catch (e) {
      const err = e instanceof CommandError ? e : new CommandError(e instanceof Error ? e.message : String(e), "failed");
      this.send(errorMessage(err.message, { ...(id !== undefined ? { id } : {}), code: err.code, ...(err.field ? { field: err.field } : {}) }));
    }
  }

  private async dispatch(cmd: Command, reply: Send): Promise<void> {
    switch (cmd.cmd) {
      case "parse": {
        const file = this.path(cmd.file, "file");
        const r = parseOnly(file, { flags: this.flagList() }, cmd.source);
        if (r.program) this.remember(file, r.program);
        return reply({
          type: "parsed",
          file: cmd.file,
          ast: r.program ? programJson(r.program) : null,
          diagnostics: r.diagnostics.map((d) => ({ ...d, msg: d.message })),
          items: r.program?.entry.items.filter((i) => i.kind !== "host").length ?? 0,
        });
      }
      case "ast_json": {
        const file = this.path(cmd.file, "file");
        const r = parseOnly(file, { flags: this.flagList() }, cmd.source);
        if (!r.program) throw new CommandError(r.diagnostics[0]?.message ?? "cannot parse", "failed");
        this.remember(file, r.program);
        return reply({ type: "ast_json", file: cmd.file, ast: programJson(r.program) });
      }
      case "ast": {
        const file = cmd.file ? this.path(cmd.file, "file") : this.lastEntry;
        if (!file) throw new CommandError("no program yet: send `parse` or `compile` first, or give `file`", "not_found", "file");
        const program = cmd.file || !this.lastProgram ? parseOnly(file, { flags: this.flagList() }).program : this.lastProgram;
        return reply({ type: "ast", file: relative(this.root, file), data: program ? programJson(program) : null });
      }
      case "set_flag": {
        if (cmd.value === false) this.flags.delete(cmd.flag);
        else this.flags.set(cmd.flag, cmd.value);
        return reply({ type: "flag_set", flag: cmd.flag, value: cmd.value });
      }
      case "list_passes":
        return reply({ type: "passes", passes: BUILTIN_PASSES.map((name) => ({ name, builtin: true })) });
      case "add_pass":
        if (cmd.body !== undefined) return await this.proposePass(cmd, reply);
        throw new CommandError(
          `unknown pass '${cmd.pass}': only the built-in passes (${BUILTIN_PASSES.join(", ")}) exist so far`,
          "not_found",
          "pass",
        );
      case "remove_pass":
        throw new CommandError(
          cmd.cmd === "remove_pass" && BUILTIN_PASSES.includes(cmd.pass)
            ? `'${cmd.pass}' is a built-in pass and cannot be removed`
            : `unknown pass '${cmd.pass}': only the built-in passes (${BUILTIN_PASSES.join(", ")}) exist so far`,
          "not_found",
          "pass",
        );
      case "exit":
        this.exited = true;
        return reply({ type: "exit", code: 0 });
      case "compile":
        await this.compile(cmd, reply);
        return;
      case "run":
      case "analyze":
        await this.run(cmd, reply);
        return;
      case "hotspots":
        this.hotspots(cmd.run_id, reply, cmd.min_share, cmd.limit);
        return;
      case "list_events": {
        const file = cmd.entry ? this.path(cmd.entry, "entry") : (this.fixedEntry ?? this.lastEntry);
        if (!file) throw new CommandError("no program yet: give `entry`", "not_found", "entry");
        const r = parseOnly(file, { flags: this.flagList() });
        if (!r.program) throw new CommandError(r.diagnostics[0]?.message ?? "cannot parse", "failed");
        this.remember(file, r.program);
        return reply({ type: "events", events: listEvents(r.program, cmd.module, cmd.include_std ?? false) });
      }
      default:
        throw new CommandError(`'${cmd.cmd}' is not implemented yet (variants come in a later release)`, "not_implemented");
    }
  }

  private async compile(cmd: Extract<Command, { cmd: "compile" }>, reply: Send): Promise<boolean> {
    const file = this.path(cmd.entry, "entry");
    // Refused before any work: a build must not run for an output that will not be written.
    const output = cmd.output !== undefined ? this.path(cmd.output, "output") : undefined;
    const t0 = performance.now();
    const result = compileSource(cmd.source, file, {
      flags: [...this.flagList(), ...(cmd.flags ?? [])],
      ccp: cmd.ccp ?? this.flags.has("ccp"),
      profile: cmd.profile ?? this.flags.has("profile"),
      checkOnly: cmd.check_only ?? false,
      onPass: (e) => reply({ ...e, file: cmd.entry }),
    });
    for (const d of result.diagnostics) reply(diagnosticMessage(d));
    if (result.program) this.remember(file, result.program);
    if (!result.ok || (!cmd.check_only && !result.zig)) {
      reply({ type: "compile_failed", entry: cmd.entry, error_count: result.diagnostics.filter((d) => d.level === "error").length });
      return false;
    }
    if (cmd.check_only) {
      reply({ type: "compiled", entry: cmd.entry, output: cmd.entry, duration_ms: ms(t0) });
      return true;
    }
    const built = await this.build(file, result.zig!, result.runtimeFiles ?? [], result.sourceMap ?? [], (cmd.optimize ?? "Debug") as Optimize, reply);
    if (!built) {
      reply({ type: "compile_failed", entry: cmd.entry, error_count: 1 });
      return false;
    }
    if (output !== undefined) copyFileAtomic(built, output, { mode: 0o755 });
    const written = output ?? built;
    reply({ type: "compiled", entry: cmd.entry, output: relative(this.root, written) || written, duration_ms: ms(t0) });
    return true;
  }

  private async proposePass(cmd: Extract<Command, { cmd: "add_pass" }>, reply: Send): Promise<void> {
    if (!passProposals) throw new CommandError("agent-written passes are not available in this session", "unsupported", "body");
    const position = cmd.after !== undefined ? `after:${cmd.after}` : cmd.before !== undefined ? `before:${cmd.before}` : undefined;
    const r = await passProposals.propose({
      workspace: this.root,
      source: cmd.body!,
      name: cmd.pass,
      ...(position ? { position } : {}),
    });
    if (!r.ok) throw new CommandError(r.error, r.code === "bad_request" ? "bad_request" : "not_found", "pass");
    reply({
      type: "pass_added",
      pass: cmd.pass,
      ...(cmd.after !== undefined ? { after: cmd.after } : {}),
      ...(cmd.before !== undefined ? { before: cmd.before } : {}),
      verdict: r.verdict,
      reasons: r.reasons,
      diff: r.diff,
      evidence: relative(this.root, r.evidencePath),
    });
  }

  private async build(file: string, zig: string, runtimeFiles: string[], sourceMap: import("../compiler/source-map.js").SourceMap, optimize: Optimize, reply: Send): Promise<string | undefined> {
    reply({ type: "pass_start", pass: "zig_build", file: relative(this.root, file) });
    const t0 = performance.now();
    const built = await buildExecutable({
      zig,
      runtimeFiles,
      optimize,
      workspace: this.root,
      sourceMap,
      name: basename(file).replace(/\.kz$/, ""),
      ...(this.signal ? { signal: this.signal } : {}),
    });
    reply({ type: "pass_done", pass: "zig_build", file: relative(this.root, file), duration_ms: ms(t0) });
    if (!built.ok) {
      for (const d of built.diagnostics) reply(diagnosticMessage(d));
      return undefined;
    }
    return built.exePath;
  }

  private run(cmd: Extract<Command, { cmd: "run" | "analyze" }>, reply: Send): Promise<number | null> {
    return this.runProgram(
      {
        entry: cmd.entry,
        args: cmd.args ?? [],
        ...(cmd.stdin !== undefined ? { stdin: cmd.stdin } : {}),
        timeoutMs: cmd.timeout_ms ?? defaultRunTimeout(),
        flags: cmd.flags ?? [],
        optimize: (cmd.optimize ?? "ReleaseSafe") as Optimize,
        streamTransitions: cmd.cmd === "run" && cmd.record === "transitions",
        ...(cmd.cmd === "run" && cmd.max_transitions !== undefined ? { transitionCap: cmd.max_transitions } : {}),
        ccp: {
          mode: cmd.mode ?? (cmd.cmd === "run" && cmd.record === "transitions" ? "transitions" : "counts"),
          ...(cmd.cmd === "run" && cmd.transition_sample ? { sample: cmd.transition_sample } : {}),
        },
        profile: this.flags.has("profile"),
        ...(cmd.cmd === "analyze" ? { analyze: { minShare: cmd.min_share, limit: cmd.limit } } : {}),
        ...(cmd.id !== undefined ? { id: cmd.id } : {}),
      },
      reply,
    );
  }

  /**
   * Compile instrumented, build, run and record; with `analyze`, end with hotspots.
   * Shared by the `run`/`analyze` commands and `koruc run --ccp` / `koruc --ccp app.kz`.
   * Resolves with the program's exit code (null when it did not run or was killed).
   */
  async runProgram(req: RunRequest, reply: Send): Promise<number | null> {
    const file = this.path(req.entry, "entry");
    reply({ type: "progress", stage: "compile", message: `compiling ${req.entry} with instrumentation`, fraction: 0 });
    const t0 = performance.now();
    const result = compileSource(undefined, file, {
      flags: [...this.flagList(), ...req.flags],
      ccp: true,
      ccpMode: req.ccp?.mode ?? (req.streamTransitions ? "transitions" : "counts"),
      profile: req.profile,
      onPass: (e) => reply({ ...e, file: req.entry }),
    });
    for (const d of result.diagnostics) reply(diagnosticMessage(d));
    if (!result.ok || !result.zig || !result.program) {
      reply({ type: "compile_failed", entry: req.entry, error_count: result.diagnostics.filter((d) => d.level === "error").length });
      return null;
    }
    const compileMs = ms(t0);
    this.remember(file, result.program);
    reply({ type: "progress", stage: "build", message: `building (${req.optimize})`, fraction: 0.2 });
    const tb = performance.now();
    const exe = await this.build(file, result.zig, result.runtimeFiles ?? [], result.sourceMap ?? [], req.optimize, reply);
    if (!exe) {
      reply({ type: "compile_failed", entry: req.entry, error_count: 1 });
      return null;
    }
    const buildMs = ms(tb);
    reply({ type: "compiled", entry: req.entry, output: exe, duration_ms: ms(t0) });
    reply({ type: "progress", stage: "run", message: "running", fraction: 0.5 });
    const zig = findZig();
    const run = await runInstrumented({
      exe,
      args: req.args,
      ...(req.stdin !== undefined ? { stdin: req.stdin } : {}),
      ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}),
      workspace: this.root,
      ...(this.signal ? { signal: this.signal } : {}),
      ...(this.flow ? { flow: this.flow } : {}),
      emit: reply,
      emitLine: this.sendLine,
      streamTransitions: req.streamTransitions,
      profile: req.profile,
      ...(req.transitionCap !== undefined ? { transitionCap: req.transitionCap } : {}),
      ...(req.ccp?.maxTransitions !== undefined ? { transitionCap: req.ccp.maxTransitions } : {}),
      ...(req.ccp?.sample ? { transitionSample: req.ccp.sample } : {}),
      knownEdges: result.sites ?? [],
      ...(req.id !== undefined ? { id: req.id } : {}),
      meta: {
        program: req.entry,
        args: req.args,
        flags: [...this.flagList(), ...req.flags],
        optimize: req.optimize,
        compile_ms: compileMs,
        build_ms: buildMs,
        compiler_version: "koru-ccp",
        zig_version: "version" in zig ? zig.version : "unknown",
      },
    });
    if (run.spawnError !== undefined) {
      throw new CommandError(`cannot run ${exe}: ${run.spawnError}`, "spawn_failed");
    }
    // Hotspot analysis of this run later needs the program's shape, not just its numbers.
    writeJsonAtomic(join(run.dir, "program.json"), programInfo(result.program));
    if (req.analyze) {
      const n = this.hotspots(run.runId, reply, req.analyze.minShare, req.analyze.limit, false);
      reply({ type: "analyze_done", run_id: run.runId, exit_code: run.exitCode, wall_ms: run.wallMs, hotspots: n });
    }
    return run.exitCode;
  }

  private hotspots(runId: string, reply: Send, minShare?: number, limit?: number, done = true): number {
    let stats: ReturnType<typeof readRunStats>;
    try {
      runDir(this.root, runId);
      stats = readRunStats(this.root, runId);
    } catch {
      throw new CommandError(`invalid run id '${runId}'`, "invalid_field", "run_id");
    }
    if (!stats) throw new CommandError(`no run '${runId}' in ${join(this.root, ".koru", "runs")}`, "not_found", "run_id");
    let program: ProgramInfo = { events: [] };
    try {
      program = JSON.parse(readFileSync(join(runDir(this.root, runId), "program.json"), "utf8")) as ProgramInfo;
    } catch {
      // Runs recorded by `koruc --ccp app.kz` carry no program.json: analyse by numbers alone.
    }
    const hot = detectHotspots(
      {
        edges: stats.edges,
        program,
        wallNs: programNs(stats),
        ...(stats.mode ? { mode: stats.mode } : {}),
        ...(stats.samples !== undefined ? { samples: stats.samples } : {}),
      },
      { runId, ...(minShare !== undefined ? { minShare } : {}), ...(limit !== undefined ? { limit } : {}) },
    );
    for (const h of hot) reply(h as unknown as Record<string, unknown>);
    if (done) reply({ type: "hotspots_done", run_id: runId, hotspots: hot.length });
    return hot.length;
  }

  private remember(file: string, program: Program): void {
    this.lastEntry = file;
    this.lastProgram = program;
  }

  private flagList(): string[] {
    return [...this.flags].map(([k, v]) => (v === true ? k : `${k}=${v}`));
  }

  /** A path from a command as a real path in the workspace; paths outside it (symlinks too) are refused. */
  private path(p: string, field: string): string {
    try {
      return confine(this.root, p);
    } catch (e) {
      if (e instanceof WorkspaceError) throw new CommandError(e.message, e.code, field);
      throw e;
    }
  }
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function ms(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}

/** Every event of the program as `list_events` reports it: the program describes itself. */
export function listEvents(program: Program, module: string | undefined, includeStd: boolean): EventInfo[] {
  const symbols = new Symbols(program);
  return [...symbols.events.values()]
    .filter((s) => (module ? s.module.name === module : includeStd || !s.module.name.startsWith("std.")))
    .map((s) => ({
      event: s.canonical,
      module: s.module.name,
      name: s.decl.path.join("."),
      pub: s.decl.pub,
      input: s.decl.input.map(fieldInfo),
      branches: s.decl.branches.map((b) => ({
        name: b.name,
        optional: b.optional,
        payload: b.payload.kind,
        ...(b.payload.kind === "identity" ? { type: b.payload.type } : {}),
        ...(b.payload.kind === "struct" ? { fields: b.payload.fields.map(fieldInfo) } : {}),
      })),
      ...(s.decl.doc ? { doc: s.decl.doc } : {}),
      implementation: s.proc ? "proc" : s.subflow ? "subflow" : "none",
      variants: [...s.variants.keys()],
      file: s.module.file,
      line: s.decl.span.line,
    }));
}

function fieldInfo(f: import("../compiler/ast.js").Field) {
  return {
    name: f.name,
    type: f.type,
    ...(f.phantom !== undefined ? { phantom: f.phantom } : {}),
    ...(f.defaultValue !== undefined ? { default: f.defaultValue } : {}),
  };
}
