#!/usr/bin/env node
// koruc: the command line. Diagnostics go to stderr; in CCP modes stdout carries only
// protocol lines.
import { mkdirSync, realpathSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { parseCcpSpec } from "../compiler/instrument.js";
import type { CompileResult, PassInsertion } from "../compiler/pipeline.js";
import { VERSION } from "../compiler/version.js";

const HELP = `koruc - the Koru compiler (Koru -> Zig -> native binary, Zig 0.15.2)

Usage:
  koruc build <file.kz> [-o <exe>] [-O <mode>] [--<flag>...]   compile to a binary
  koruc run <file.kz> [-O <mode>] [--<flag>...] [-- <args>...]  compile and run (cached)
  koruc check <file.kz>                                          parse and check only
  koruc fmt [--check] <file.kz>...                               format in place (or only check)
  koruc passes list|add|review|apply|remove ...                  compiler passes (koruc passes for help)
  koruc emit <file.kz> [--ccp] [--profile]                       print the generated Zig
  koruc variants test|bench|review|list|select|revert|propose ... proc variants ('koruc variants help')
  koruc <file.kz> --ast-json                                     print the AST as JSON
  koruc --ccp <file.kz>                  compile, run instrumented, report hotspots (JSONL)
  koruc --ccp                            CCP daemon: JSONL commands on stdin, answers on stdout
  koruc --accept-commands=stdin <file.kz>  apply CCP commands from stdin to the program's workspace

Options:
  -O <mode>      Debug (default), ReleaseSafe, ReleaseFast or ReleaseSmall
  -o <exe>       output path for 'build' (default: .koru/bin/<name> in the workspace)
  --ccp          with 'build'/'run'/'emit': instrument every event invocation; 'run'
                 then prints CCP JSONL on stdout (program output relayed as program_output)
  --ccp=<mode>   counts (default: exact counts, sampled time), timing (every call timed),
                 transitions[:N[:uniform]] (timing + raw lines: the first N or a uniform sample)
  --profile      with 'build'/'run': write a Chrome trace (.koru/runs/<id>/trace.json)
  --capture <ev> with 'run' (also --ccp): record up to 1,000 of the event's inputs (4 MiB at most) into
                 .koru/captures/<event>.bin, replayed by 'koruc variants test' and 'bench'
  --pgo <run-id> with 'build'/'run'/'emit': order switch arms by that run's edge counts, rare
                 branches @branchHint(.cold), the dominant one .likely (docs/passes.md)
  --<flag>       any other flag is a compiler flag; it keeps '~[flag]import' lines
  -h, --help     this help
  -v, --version  the compiler version

Build products and run records live under .koru/ in the workspace (the folder holding
koru.json, else the source file's folder). Exit code: 0 on success, 1 on errors, 2 on
bad usage; 'run' exits with the program's exit code (128+n when killed by signal n).
`;

interface Args {
  command?: "build" | "run" | "check" | "emit";
  file?: string;
  output?: string;
  optimize?: string;
  flags: string[];
  ccp: boolean;
  ccpSpec?: import("../compiler/instrument.js").CcpSpec;
  profile: boolean;
  astJson: boolean;
  acceptCommands?: string;
  /** `--pgo <run-id>`: lay out switches by that run's edge counts (the `pgo` pass). */
  pgo?: string;
  programArgs: string[];
  /** `--capture <event>`: record a sample of the event's inputs for the variant harness. */
  capture?: string;
  help: boolean;
  version: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: string[]): Args {
  const a: Args = {
    flags: [],
    ccp: false,
    profile: false,
    astJson: false,
    programArgs: [],
    help: false,
    version: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      a.programArgs = argv.slice(i + 1);
      break;
    }
    if (arg === "-h" || arg === "--help") a.help = true;
    else if (arg === "-v" || arg === "--version") a.version = true;
    else if (arg === "-o" || arg === "--output") a.output = need(argv, ++i, arg);
    else if (arg === "-O") a.optimize = need(argv, ++i, arg);
    else if (arg.startsWith("-O") && arg.length > 2) a.optimize = arg.slice(2);
    else if (arg === "--ccp") a.ccp = true;
    else if (arg.startsWith("--ccp=")) {
      const spec = parseCcpSpec(arg.slice("--ccp=".length));
      if (typeof spec === "string") throw new UsageError(spec);
      [a.ccp, a.ccpSpec] = [true, spec];
    } else if (arg === "--profile") a.profile = true;
    else if (arg === "--capture") a.capture = need(argv, ++i, arg);
    else if (arg.startsWith("--capture=")) a.capture = arg.slice("--capture=".length);
    else if (arg === "--pgo" || arg.startsWith("--pgo="))
      a.pgo = arg.includes("=") ? arg.slice(6) : need(argv, ++i, arg);
    else if (arg === "--ast-json") a.astJson = true;
    else if (arg.startsWith("--accept-commands")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : need(argv, ++i, arg);
      if (value !== "stdin") throw new UsageError(`--accept-commands supports only 'stdin', got '${value}'`);
      a.acceptCommands = value;
    } else if (arg.startsWith("--")) a.flags.push(arg.slice(2));
    else if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option '${arg}'`);
    else if (!a.command && !a.file && ["build", "run", "check", "emit"].includes(arg))
      a.command = arg as Args["command"];
    else if (!a.file) a.file = arg;
    else if (a.command === "run") a.programArgs.push(arg);
    else throw new UsageError(`unexpected argument '${arg}'`);
  }
  const captures =
    ["run", "emit"].includes(a.command ?? "") || (a.ccp && a.command === undefined && a.file !== undefined);
  if (a.capture !== undefined && (!captures || !a.capture)) {
    throw new UsageError("--capture <event> goes with 'run', 'emit' or '--ccp <file.kz>'");
  }
  if (a.optimize && !["Debug", "ReleaseSafe", "ReleaseFast", "ReleaseSmall"].includes(a.optimize)) {
    throw new UsageError(`-O must be Debug, ReleaseSafe, ReleaseFast or ReleaseSmall, got '${a.optimize}'`);
  }
  return a;
}

function need(argv: string[], i: number, opt: string): string {
  const v = argv[i];
  if (v === undefined) throw new UsageError(`${opt} needs a value`);
  return v;
}

export function version(): string {
  return VERSION;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "fmt" || argv[0] === "passes") {
    const { runPassesCli } = await import("../passes/cli/index.js");
    return runPassesCli(argv[0], argv.slice(1));
  }
  if (argv[0] === "variants") {
    const { runVariantsCli } = await import("../variants/cli-commands.js");
    return runVariantsCli(argv.slice(1));
  }
  let a: Args;
  try {
    a = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`koruc: ${e.message}\nRun 'koruc --help' for usage.\n`);
    return 2;
  }
  if (a.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (a.version) {
    process.stdout.write(`koruc ${version()} (koru-ccp)\n`);
    return 0;
  }
  if (a.acceptCommands) {
    if (!a.file) return usage("--accept-commands=stdin needs a .kz file");
    const { acceptCommands } = await import("../ccp/accept-commands.js");
    return acceptCommands(a.file, process.stdin, process.stdout);
  }
  if (a.ccp && !a.command && !a.astJson) {
    if (!a.file) {
      await offerPassProposals();
      const { runDaemon } = await import("../ccp/daemon.js");
      return runDaemon(process.stdin, process.stdout, process.stderr);
    }
    return runWithCcp(a, true);
  }
  if (!a.file) return usage(a.command ? `'${a.command}' needs a .kz file` : "no input file");
  if (a.astJson) return astJson(a);
  switch (a.command ?? "build") {
    case "check":
      return check(a);
    case "emit":
      return emit(a);
    case "run":
      return a.ccp ? runWithCcp(a, false) : build(a, true);
    default:
      return build(a, false);
  }
}

/** `koruc run --ccp app.kz` (JSONL on stdout) and `koruc --ccp app.kz` (with hotspots): a CCP session's run. */
async function runWithCcp(a: Args, hotspots: boolean): Promise<number> {
  const { runFileWithCcp } = await import("../ccp/run-file.js");
  return runFileWithCcp(a.file!, {
    flags: a.flags,
    optimize: a.optimize,
    args: a.programArgs,
    hotspots,
    profile: a.profile,
    ccp: a.ccpSpec,
    capture: a.capture,
    pgo: a.pgo,
  });
}

function usage(message: string): number {
  process.stderr.write(`koruc: ${message}\nRun 'koruc --help' for usage.\n`);
  return 2;
}

export function printDiagnostics(
  result: Pick<CompileResult, "diagnostics" | "sources">,
  render: typeof import("../compiler/diagnostics.js").render,
): void {
  const cache = new Map<string, string[]>();
  for (const d of result.diagnostics) {
    let lines = cache.get(d.file);
    if (!lines) {
      const text = result.sources.get(d.file);
      lines = text?.split(/\r?\n/) ?? [];
      cache.set(d.file, lines);
    }
    process.stderr.write(render(d, lines));
  }
}

/** `--capture <event>`: the capture pass, which reports the event's canonical name once found. */
async function captureInsertions(a: Args, captured: { canonical?: string }): Promise<PassInsertion[]> {
  if (a.capture === undefined) return [];
  const { captureInsertion } = await import("../compiler/capture.js");
  return [
    captureInsertion({
      event: a.capture,
      onEvent: (c) => {
        captured.canonical = c;
      },
    }),
  ];
}

/** CCP `add_pass` with a body proposes an agent-written pass through passes/ (loaded on first use). */
async function offerPassProposals(): Promise<void> {
  const { registerPassProposals } = await import("../ccp/session.js");
  registerPassProposals({
    propose: async (input) => {
      const { proposePass } = (await import("../passes/workspace/operations.js")) as unknown as {
        proposePass: import("../ccp/session.js").PassProposals["propose"];
      };
      return proposePass(input);
    },
  });
}

type Ops = typeof import("../ccp/operations/index.js");

/**
 * The operations layer for `a.file`'s workspace (the folder holding koru.json, else the file's
 * folder): every command below is a thin adapter over it, printing what it returns. An
 * operation's refusal (a path outside the workspace, say) is a message and exit 1.
 */
async function withOperations(
  a: Args,
  work: (ops: Ops, file: string, root: string, signal: AbortSignal) => Promise<number>,
): Promise<number> {
  const [{ findWorkspace }, ops] = await Promise.all([
    import("../compiler/workspace.js"),
    import("../ccp/operations/index.js"),
  ]);
  // The file is named relative to the current folder; the workspace bounds what it may name.
  const file = resolve(a.file!);
  // Ctrl-C, SIGTERM or SIGHUP cancel the operation, so a build stops cleanly (zig's group
  // killed, its temporary binary removed) before koruc ends by that signal.
  const stop = new AbortController();
  let caught: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    caught ??= sig;
    diedOf ??= sig;
    stop.abort();
  };
  for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
  try {
    const code = await work(ops, file, findWorkspace(file), stop.signal);
    return caught ? 128 + (osConstants.signals[caught] ?? 1) : code;
  } catch (e) {
    if (!(e instanceof ops.OperationError)) throw e;
    if (caught) return 128 + (osConstants.signals[caught] ?? 1);
    process.stderr.write(`koruc: ${e.message}\n`);
    return 1;
  } finally {
    for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
  }
}

const STOP_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
/** The signal that stopped the command: once cleaned up, koruc ends by it, as a shell expects. */
let diedOf: NodeJS.Signals | undefined;

function astJson(a: Args): Promise<number> {
  return withOperations(a, async (ops, file, root, signal) => {
    const { render } = await import("../compiler/diagnostics.js");
    const r = ops.astJson({ file, flags: a.flags }, { root, signal });
    if (r.ast) process.stdout.write(`${JSON.stringify(withTypedFiles(r.ast, shownAs(a.file!)), null, 2)}\n`);
    printDiagnostics(asTyped(r, shownAs(a.file!)), render);
    return r.ok ? 0 : 1;
  });
}

function check(a: Args): Promise<number> {
  return withOperations(a, async (ops, file, root, signal) => {
    const { render } = await import("../compiler/diagnostics.js");
    const r = await ops.compile({ entry: file, flags: a.flags, checkOnly: true }, { root, signal });
    printDiagnostics(asTyped(r, shownAs(a.file!)), render);
    return r.ok ? 0 : 1;
  });
}

function emit(a: Args): Promise<number> {
  return withOperations(a, async (ops, file, root, signal) => {
    const { render } = await import("../compiler/diagnostics.js");
    const r = await ops.compile(
      {
        entry: file,
        build: false,
        flags: a.flags,
        ccp: a.ccp,
        ...(a.ccpSpec ? { ccpMode: a.ccpSpec.mode } : {}),
        profile: a.profile,
        insert: await captureInsertions(a, {}),
        ...(a.pgo !== undefined ? { pgo: a.pgo } : {}),
      },
      { root, signal },
    );
    const shown = shownAs(a.file!);
    printDiagnostics(asTyped(r, shown), render);
    // The header names the entry; as typed, like every other file the user sees.
    const header = /^(\/\/ Generated by koruc from )(.*?)(\. Do not edit)/;
    if (r.ok && r.zig) process.stdout.write(r.zig.replace(header, (_, a, f, b) => `${a}${shown(f)}${b}`));
    return r.ok ? 0 : 1;
  });
}

function build(a: Args, thenRun: boolean): Promise<number> {
  return withOperations(a, async (ops, file, root, signal) => {
    const [{ render }, { koruDir }] = await Promise.all([
      import("../compiler/diagnostics.js"),
      import("../compiler/workspace.js"),
    ]);
    const captured: { canonical?: string } = {};
    const input = {
      entry: file,
      insert: await captureInsertions(a, captured),
      flags: a.flags,
      ccp: a.ccp,
      ...(a.ccpSpec ? { ccpMode: a.ccpSpec.mode } : {}),
      profile: a.profile,
      ...(a.pgo !== undefined ? { pgo: a.pgo } : {}),
      optimize: (a.optimize ?? "Debug") as "Debug",
      ...(a.output !== undefined && !thenRun ? { output: resolve(a.output) } : {}),
    };
    const built = thenRun ? await ops.compile(input, { root, signal }) : await ops.build(input, { root, signal });
    printDiagnostics(asTyped(built, shownAs(a.file!)), render);
    if (!built.ok || !built.exePath) return 1;
    if (thenRun) {
      if (captured.canonical !== undefined) {
        const { capturePath } = await import("../compiler/capture.js");
        const out = capturePath(root, captured.canonical);
        mkdirSync(dirname(out), { recursive: true });
        const code = await runBinary(built.exePath, a.programArgs, signal, { KORU_CAPTURE_FILE: out });
        process.stderr.write(`koruc: inputs of '${captured.canonical}' captured in ${out}\n`);
        return code;
      }
      if (!a.profile) return runBinary(built.exePath, a.programArgs, signal);
      const name = ops.exeName(file);
      const trace = join(koruDir(root, "profiles"), `${name}-${Date.now()}.json`);
      mkdirSync(dirname(trace), { recursive: true });
      const code = await runBinary(built.exePath, a.programArgs, signal, { KORU_PROFILE_FILE: trace });
      process.stderr.write(
        `koruc: profile written to ${trace} (open it in https://ui.perfetto.dev or chrome://tracing)\n`,
      );
      return code;
    }
    process.stdout.write(`${built.output}\n`);
    return 0;
  });
}

/**
 * Sources as the user named them: the operations work on real paths, so a .kz file beside the
 * entry (or below its folder) is shown from the folder the user typed; other files (std
 * modules, koru.json) keep their absolute paths, as the compiler names them.
 */
function shownAs(typed: string): (file: string) => string {
  if (isAbsolute(typed)) return (file) => file;
  let realDir = dirname(resolve(typed));
  try {
    realDir = dirname(realpathSync(resolve(typed)));
  } catch {
    // Not there: the operation reports it; show its path from the folder typed.
  }
  return (file) => {
    const rel = relative(realDir, file);
    const inside = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
    return inside && file.endsWith(".kz") ? join(dirname(typed), rel) : file;
  };
}

function asTyped(
  r: Pick<CompileResult, "diagnostics" | "sources">,
  shown: (file: string) => string,
): Pick<CompileResult, "diagnostics" | "sources"> {
  return {
    // A message naming its own file (`cannot read '<file>'`) names it as shown too.
    diagnostics: r.diagnostics.map((d) => ({
      ...d,
      file: shown(d.file),
      message: d.message.replaceAll(`'${d.file}'`, `'${shown(d.file)}'`),
    })),
    sources: new Map([...r.sources].map(([file, text]) => [shown(file), text])),
  };
}

/** The AST JSON with every `file` field shown as the user named it. */
function withTypedFiles(value: unknown, shown: (file: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => withTypedFiles(v, shown));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === "file" && typeof v === "string" ? shown(v) : withTypedFiles(v, shown);
  }
  return out;
}

/** Run a binary with our stdio; its exit code becomes ours (128+n for signal n). */
async function runBinary(
  exe: string,
  args: string[],
  signal: AbortSignal,
  env: NodeJS.ProcessEnv = {},
): Promise<number> {
  const { runProcess } = await import("../compiler/toolchain/process.js");
  const r = await runProcess(exe, args, { env, stdin: "inherit", stdout: "inherit", stderr: "inherit", signal });
  if (r.spawnError !== undefined) {
    process.stderr.write(`koruc: cannot run ${exe}: ${r.spawnError}\n`);
    return 1;
  }
  if (r.signal) return 128 + (osConstants.signals[r.signal] ?? 1);
  return r.exitCode ?? 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    if (diedOf) {
      process.removeAllListeners(diedOf);
      process.kill(process.pid, diedOf);
    }
  },
  (e: unknown) => {
    process.stderr.write(`koruc: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
