// A CCP session: the state a daemon (or `--accept-commands`) keeps between commands, and the
// adapter from CCP commands to the operations layer (ccp/operations). Operation results become
// CCP messages here and nowhere else; every message answering a command carries its `id`, and
// every command gets exactly one final answer.
import { realpathSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { Program } from "../compiler/ast.js";
import { BUILTIN_PASS_NAMES, type Diagnostic, type PassEvent, programJson } from "../compiler/index.js";
import type { CcpSpec } from "../compiler/instrument.js";
import type { Command } from "./commands.js";
import type { EventInfo } from "./fields.js";
import type { FlowGate } from "./lifecycle.js";
import { diagnosticMessage, errorMessage } from "./messages.js";
import {
  type AnalyzeOutput,
  analyze,
  astJson,
  compile,
  hotspots,
  listEventsOf,
  listEvents as listProgramEvents,
  type OperationContext,
  OperationError,
  type OperationErrorCode,
  type Progress,
  parse,
  pathIn,
  type RunContext,
  type RunInput,
  runInstrumented,
  workspacePipeline,
} from "./operations/index.js";
import { handleVariantCommand, VariantCommandError } from "./variant-commands.js";

export type Send = (message: Record<string, unknown>) => void;

export interface RunRequest {
  entry: string;
  args: string[];
  stdin?: string;
  timeoutMs?: number;
  flags: string[];
  optimize: NonNullable<RunInput["optimize"]>;
  /** Relay every raw `transition` (they are always kept in the run folder). */
  streamTransitions: boolean;
  transitionCap?: number;
  /** What the recorder measures (default counts; `transitions` when streaming them). */
  ccp?: CcpSpec;
  profile: boolean;
  /** Record a sample of one event's inputs for the variant harness. */
  capture?: { event: string; max?: number };
  /** A run id of the workspace whose edge counts lay out the build (the `pgo` pass). */
  pgo?: string;
  /** Report hotspots after the run. */
  analyze?: { minShare?: number | undefined; limit?: number | undefined };
  id?: string | number;
}

/** Every event of the program as `list_events` reports it (kept here for existing importers). */
export function listEvents(program: Program, module: string | undefined, includeStd: boolean): EventInfo[] {
  return listProgramEvents(program, module, includeStd);
}

/** Time limit of a `run` / `analyze` command without `timeout_ms` (docs/security.md). */
export const DEFAULT_RUN_TIMEOUT_MS = 600_000;

/** The default limit, or KORU_RUN_TIMEOUT_MS when it holds a positive number of milliseconds. */
function defaultRunTimeout(): number {
  const env = Number(process.env.KORU_RUN_TIMEOUT_MS);
  return Number.isFinite(env) && env > 0 ? env : DEFAULT_RUN_TIMEOUT_MS;
}

/**
 * Agent-written passes (passes/ sits beside ccp/, so the composition root hands its operations
 * in): `add_pass` with a `body` proposes the pass for the session's workspace.
 */
export interface PassProposals {
  propose(input: {
    workspace: string;
    source: string;
    name: string;
    position?: string;
  }): Promise<
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
    this.root = realDir(root);
  }

  /** Carry out one command; `signal` cancels it (the command then ends with an `error` of code `cancelled`). */
  async handle(cmd: Command, signal?: AbortSignal): Promise<void> {
    const id = cmd.id;
    const reply = (m: Record<string, unknown>) => this.send(id !== undefined ? { ...m, id } : m);
    try {
      await this.dispatch(cmd, reply, signal);
    } catch (e) {
      this.send(errorFor(e, id));
    }
  }

  private context(reply: Send, file: string | undefined, own?: AbortSignal): OperationContext {
    // The command's own cancellation (CCP `cancel`) and the mode's (a signal, a client gone).
    const signals = [own, this.signal].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    return {
      root: this.root,
      flags: this.flagList(),
      ...(signal ? { signal } : {}),
      onProgress: (p: Progress) => reply({ type: "progress", ...p }),
      // Pass events belong to `compile`, `run` and `analyze`; parse-only answers are one message.
      ...(file !== undefined ? { onPass: (e: PassEvent) => reply({ ...e, file }) } : {}),
    };
  }

  private async dispatch(cmd: Command, reply: Send, signal?: AbortSignal): Promise<void> {
    switch (cmd.cmd) {
      case "parse": {
        const r = parse(
          { file: cmd.file, ...(cmd.source !== undefined ? { source: cmd.source } : {}) },
          this.context(reply, undefined),
        );
        if (r.program) this.remember(r.file, r.program);
        return reply({
          type: "parsed",
          file: cmd.file,
          ast: r.program ? programJson(r.program) : null,
          diagnostics: r.diagnostics.map((d) => ({ ...d, msg: d.message })),
          items: r.program?.entry.items.filter((i) => i.kind !== "host").length ?? 0,
        });
      }
      case "ast_json": {
        const r = astJson(
          { file: cmd.file, ...(cmd.source !== undefined ? { source: cmd.source } : {}) },
          this.context(reply, undefined),
        );
        if (!r.program || !r.ast) throw new OperationError("failed", r.diagnostics[0]?.message ?? "cannot parse");
        this.remember(r.file, r.program);
        return reply({ type: "ast_json", file: cmd.file, ast: r.ast });
      }
      case "ast": {
        if (!cmd.file && !this.lastEntry) {
          throw new OperationError(
            "not_found",
            "no program yet: send `parse` or `compile` first, or give `file`",
            "file",
          );
        }
        if (!cmd.file && this.lastProgram) {
          return reply({
            type: "ast",
            file: relative(this.root, this.lastEntry!),
            data: programJson(this.lastProgram),
          });
        }
        const r = parse({ file: cmd.file ?? this.lastEntry! }, this.context(reply, undefined));
        return reply({
          type: "ast",
          file: relative(this.root, r.file),
          data: r.program ? programJson(r.program) : null,
        });
      }
      case "set_flag": {
        if (cmd.value === false) this.flags.delete(cmd.flag);
        else this.flags.set(cmd.flag, cmd.value);
        return reply({ type: "flag_set", flag: cmd.flag, value: cmd.value });
      }
      case "list_passes":
        return reply({ type: "passes", passes: await workspacePipeline(this.root) });
      case "add_pass":
        if (cmd.body !== undefined) return await this.proposePass(cmd, reply);
        throw new OperationError(
          "not_found",
          `unknown pass '${cmd.pass}': send its source as \`body\` (built-in passes: ${BUILTIN_PASS_NAMES.join(", ")})`,
          "pass",
        );
      case "remove_pass":
        throw new OperationError(
          "not_found",
          cmd.cmd === "remove_pass" && BUILTIN_PASS_NAMES.includes(cmd.pass)
            ? `'${cmd.pass}' is a built-in pass and cannot be removed`
            : `unknown pass '${cmd.pass}': only the built-in passes (${BUILTIN_PASS_NAMES.join(", ")}) exist so far`,
          "pass",
        );
      case "exit":
        this.exited = true;
        return reply({ type: "exit", code: 0 });
      case "compile":
        return this.compile(cmd, reply, signal);
      case "run":
      case "analyze":
        await this.runProgram({ ...runRequest(cmd), profile: this.flags.has("profile") }, reply, signal);
        return;
      case "hotspots": {
        const found = hotspots(
          {
            runId: cmd.run_id,
            ...(cmd.min_share !== undefined ? { minShare: cmd.min_share } : {}),
            ...(cmd.limit !== undefined ? { limit: cmd.limit } : {}),
          },
          this.context(reply, undefined),
        );
        for (const h of found) reply(h as unknown as Record<string, unknown>);
        return reply({ type: "hotspots_done", run_id: cmd.run_id, hotspots: found.length });
      }
      case "list_events": {
        const entry = cmd.entry ?? this.fixedEntry ?? this.lastEntry;
        if (!entry) throw new OperationError("not_found", "no program yet: give `entry`", "entry");
        const r = listEventsOf(
          { entry, ...(cmd.module !== undefined ? { module: cmd.module } : {}), includeStd: cmd.include_std ?? false },
          this.context(reply, undefined),
        );
        this.remember(r.file, r.program);
        return reply({ type: "events", events: r.events });
      }
      case "add_variant":
      case "list_variants":
      case "test_variant":
      case "bench_variant":
      case "review_variant":
      case "select_variant":
      case "revert_variant":
      case "remove_variant": {
        const entry = cmd.entry ?? this.fixedEntry ?? this.lastEntry;
        if (!entry) throw new OperationError("not_found", "no program yet: give `entry`", "entry");
        const file = pathIn(this.context(reply, undefined), entry, "entry");
        try {
          await handleVariantCommand(cmd, file, reply);
        } catch (e) {
          if (e instanceof VariantCommandError) throw new OperationError(e.code as OperationErrorCode, e.message);
          throw e;
        }
        return;
      }
      case "cancel":
        // Handled by the daemon, which knows what is running; a session alone has nothing pending.
        return reply({ type: "cancelled", target: cmd.target, state: "unknown" });
      default:
        throw new OperationError("failed", `'${(cmd as { cmd: string }).cmd}' is not implemented`);
    }
  }

  private async proposePass(cmd: Extract<Command, { cmd: "add_pass" }>, reply: Send): Promise<void> {
    if (!passProposals) {
      throw new OperationError("failed", "agent-written passes are not available in this session", "body");
    }
    const anchor = cmd.after !== undefined ? `after:${cmd.after}` : undefined;
    const position = anchor ?? (cmd.before !== undefined ? `before:${cmd.before}` : undefined);
    const r = await passProposals.propose({
      workspace: this.root,
      source: cmd.body!,
      name: cmd.pass,
      ...(position ? { position } : {}),
    });
    if (!r.ok) throw new OperationError(r.code === "bad_request" ? "invalid_field" : "not_found", r.error, "pass");
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

  private async compile(cmd: Extract<Command, { cmd: "compile" }>, reply: Send, signal?: AbortSignal): Promise<void> {
    const r = await compile(
      {
        entry: cmd.entry,
        ...(cmd.source !== undefined ? { source: cmd.source } : {}),
        ...(cmd.flags ? { flags: cmd.flags } : {}),
        ccp: cmd.ccp ?? this.flags.has("ccp"),
        profile: cmd.profile ?? this.flags.has("profile"),
        checkOnly: cmd.check_only ?? false,
        optimize: cmd.optimize ?? "Debug",
        ...(cmd.output !== undefined ? { output: cmd.output } : {}),
        ...(cmd.pgo !== undefined ? { pgo: cmd.pgo } : {}),
      },
      { ...this.context(reply, cmd.entry, signal), onProgress: undefined },
    );
    this.diagnostics(r.diagnostics, reply);
    if (r.program) this.remember(r.file, r.program);
    if (!r.ok) {
      reply({ type: "compile_failed", entry: cmd.entry, error_count: errorCount(r.diagnostics) });
      return;
    }
    const written = r.output ?? r.exePath;
    reply({
      type: "compiled",
      entry: cmd.entry,
      output: written === undefined ? cmd.entry : relative(this.root, written) || written,
      duration_ms: r.durationMs,
    });
  }

  /**
   * Compile instrumented, build, run and record; with `analyze`, end with hotspots.
   * Shared by the `run`/`analyze` commands and `koruc run --ccp` / `koruc --ccp app.kz`.
   * Resolves with the program's exit code (null when it did not run or was killed).
   */
  async runProgram(req: RunRequest, reply: Send, signal?: AbortSignal): Promise<number | null> {
    const input = {
      entry: req.entry,
      args: req.args,
      ...(req.stdin !== undefined ? { stdin: req.stdin } : {}),
      ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}),
      flags: req.flags,
      optimize: req.optimize,
      profile: req.profile,
      streamTransitions: req.streamTransitions,
      ...(req.transitionCap !== undefined ? { transitionCap: req.transitionCap } : {}),
      ...(req.ccp ? { ccp: req.ccp } : {}),
      ...(req.capture ? { capture: req.capture } : {}),
      ...(req.pgo !== undefined ? { pgo: req.pgo } : {}),
      ...(req.id !== undefined ? { id: req.id } : {}),
    };
    const ctx: RunContext = {
      ...this.context(reply, req.entry, signal),
      onRecord: reply,
      onRecordLine: this.sendLine,
      ...(this.flow ? { flow: this.flow } : {}),
      onCompiled: (c) => {
        this.diagnostics(c.diagnostics, reply);
        if (c.program) this.remember(c.file, c.program);
        reply({ type: "compiled", entry: req.entry, output: c.exePath ?? req.entry, duration_ms: c.durationMs });
      },
    };
    const r: AnalyzeOutput = req.analyze
      ? await analyze(
          {
            ...input,
            ...(req.analyze.minShare !== undefined ? { minShare: req.analyze.minShare } : {}),
            ...(req.analyze.limit !== undefined ? { limit: req.analyze.limit } : {}),
          },
          ctx,
        )
      : await runInstrumented(input, ctx);
    if (!r.run) {
      this.diagnostics(r.compiled.diagnostics, reply);
      reply({ type: "compile_failed", entry: req.entry, error_count: Math.max(1, errorCount(r.compiled.diagnostics)) });
      return null;
    }
    if (req.analyze) {
      const found = r.hotspots ?? [];
      for (const h of found) reply(h as unknown as Record<string, unknown>);
      reply({
        type: "analyze_done",
        run_id: r.run.runId,
        exit_code: r.run.exitCode,
        wall_ms: r.run.wallMs,
        hotspots: found.length,
      });
    }
    return r.run.exitCode;
  }

  private diagnostics(diags: readonly Diagnostic[], reply: Send): void {
    for (const d of diags) reply(diagnosticMessage(d));
  }

  private remember(file: string, program: Program): void {
    this.lastEntry = file;
    this.lastProgram = program;
  }

  private flagList(): string[] {
    return [...this.flags].map(([k, v]) => (v === true ? k : `${k}=${v}`));
  }
}

function runRequest(cmd: Extract<Command, { cmd: "run" | "analyze" }>): RunRequest {
  return {
    entry: cmd.entry,
    args: cmd.args ?? [],
    ...(cmd.stdin !== undefined ? { stdin: cmd.stdin } : {}),
    timeoutMs: cmd.timeout_ms ?? defaultRunTimeout(),
    flags: cmd.flags ?? [],
    optimize: cmd.optimize ?? "ReleaseSafe",
    streamTransitions: cmd.cmd === "run" && cmd.record === "transitions",
    ...(cmd.cmd === "run" && cmd.max_transitions !== undefined ? { transitionCap: cmd.max_transitions } : {}),
    ccp: {
      mode: cmd.mode ?? (cmd.cmd === "run" && cmd.record === "transitions" ? "transitions" : "counts"),
      ...(cmd.cmd === "run" && cmd.transition_sample ? { sample: cmd.transition_sample } : {}),
    },
    profile: false,
    ...(cmd.capture
      ? { capture: { event: cmd.capture.event, ...(cmd.capture.max !== undefined ? { max: cmd.capture.max } : {}) } }
      : {}),
    ...(cmd.pgo !== undefined ? { pgo: cmd.pgo } : {}),
    ...(cmd.cmd === "analyze" ? { analyze: { minShare: cmd.min_share, limit: cmd.limit } } : {}),
    ...(cmd.id !== undefined ? { id: cmd.id } : {}),
  };
}

function errorCount(diags: readonly Diagnostic[]): number {
  return diags.filter((d) => d.level === "error").length;
}

/** The `error` message for whatever a command threw: operation errors keep their code and field. */
export function errorFor(e: unknown, id?: string | number): Record<string, unknown> {
  const idPart = id !== undefined ? { id } : {};
  if (e instanceof OperationError) {
    return errorMessage(e.message, { ...idPart, code: e.code, ...(e.field ? { field: e.field } : {}) });
  }
  return errorMessage(e instanceof Error ? e.message : String(e), { ...idPart, code: "failed" });
}

/** The root as a real path (symlinks resolved), so paths confined inside it compare equal. */
function realDir(dir: string): string {
  try {
    return realpathSync(resolve(dir));
  } catch {
    return resolve(dir);
  }
}
