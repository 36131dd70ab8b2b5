// The one way this project starts a child process (the compiler's zig, the user's program, test
// tools). Built on execa: an argument array, never a shell. Each child leads its own process
// group, so a time limit, a cancellation or our own exit kills everything it started, not only
// the direct child; a grandchild that escaped the group and still holds a pipe is not waited for.
// Process failures are values in the result, never exceptions.
import type { Readable, Writable } from "node:stream";
import { execa, execaSync } from "execa";

/** Node's timers overflow above 2^31-1 ms (and then fire after 1 ms): longer limits are clamped. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** How long pipes may stay open after the child exited before they are closed on the holder. */
const PIPE_GRACE_MS = 200;

export type StdioTarget = "pipe" | "inherit" | "ignore" | number;

export interface RunProcessOptions {
  cwd?: string;
  /** Added to (and overriding) the parent's environment. */
  env?: NodeJS.ProcessEnv;
  /** Text or bytes for the child's stdin (default: empty stdin). Ignored when `stdin` is not "pipe". */
  input?: string | Uint8Array;
  stdin?: StdioTarget;
  /** "pipe" (default) captures the stream into the result unless `onSpawn` takes it over. */
  stdout?: StdioTarget;
  stderr?: StdioTarget;
  /** Extra pipes after stderr (fd 3, 4, ...), read by the caller through `onSpawn`. */
  extraPipes?: number;
  /** Kill the process group after this long; clamped to MAX_TIMER_MS; absent: no limit. */
  timeoutMs?: number;
  /** Aborting kills the process group; the result then has `cancelled: true`. */
  signal?: AbortSignal;
  /** Called once the child is started, to stream its pipes (stdout/stderr are then not captured). */
  onSpawn?: (child: SpawnedProcess) => void;
  /** Capture limit per stream (default 64 MiB); beyond it the rest is dropped, the process lives on. */
  maxBuffer?: number;
}

export interface SpawnedProcess {
  pid: number | undefined;
  stdin: Writable | null;
  stdout: Readable | null;
  stderr: Readable | null;
  /** fd 3 and above, when `extraPipes` asked for them. */
  extra: (Readable | null)[];
  /** Kill the whole process group now. */
  kill(signal?: NodeJS.Signals): void;
}

export interface ProcessResult {
  /** The exit code, or null when killed by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** Set when the process could not be started (missing file, not executable, ...). */
  spawnError?: string;
}

/** Process groups of the children alive now, killed when this process exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** Kill every child process group this process started and that is still alive. */
export function killAllProcessGroups(signal: NodeJS.Signals = "SIGKILL"): void {
  for (const pgid of liveGroups) killGroup(pgid, signal);
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => killAllProcessGroups("SIGKILL"));
}

// Children lead their own groups, so a terminal's Ctrl-C (or a SIGTERM/SIGHUP to us) no longer
// reaches them: while any is alive, such a signal kills them, then takes its default course
// unless the application listens for it itself.
const FATAL_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

function onFatalSignal(sig: NodeJS.Signals): void {
  killAllProcessGroups("SIGKILL");
  if (process.listenerCount(sig) > 1) return;
  setSignalHooks(false);
  process.kill(process.pid, sig);
}

let signalHooksOn = false;
function setSignalHooks(on: boolean): void {
  if (on === signalHooksOn) return;
  signalHooksOn = on;
  for (const sig of FATAL_SIGNALS) {
    if (on) process.on(sig, onFatalSignal);
    else process.off(sig, onFatalSignal);
  }
}

function track(pid: number): void {
  liveGroups.add(pid);
  installExitHook();
  setSignalHooks(true);
}

function untrack(pid: number): void {
  liveGroups.delete(pid);
  if (liveGroups.size === 0) setSignalHooks(false);
}

/** A time limit as a timer delay Node accepts (undefined: no limit). */
export function clampTimeout(ms: number | undefined): number | undefined {
  if (ms === undefined || Number.isNaN(ms)) return undefined;
  if (ms <= 0) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}

const chunkText = (chunks: Buffer[]): string => Buffer.concat(chunks).toString("utf8");

export async function runProcess(
  file: string,
  args: readonly string[],
  opts: RunProcessOptions = {},
): Promise<ProcessResult> {
  const t0 = performance.now();
  const done = (r: Omit<ProcessResult, "durationMs">): ProcessResult => ({
    ...r,
    durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
  });
  if (opts.signal?.aborted) {
    return done({ exitCode: null, signal: null, stdout: "", stderr: "", timedOut: false, cancelled: true });
  }
  const stdinTarget = opts.stdin ?? "pipe";
  const stdoutTarget = opts.stdout ?? "pipe";
  const stderrTarget = opts.stderr ?? "pipe";
  const stdio = [
    stdinTarget,
    stdoutTarget,
    stderrTarget,
    ...Array.from({ length: opts.extraPipes ?? 0 }, () => "pipe"),
  ];

  let child: ReturnType<typeof execa>;
  try {
    child = execa(file, [...args], {
      cwd: opts.cwd,
      env: opts.env,
      extendEnv: true,
      stdio: stdio as never,
      detached: true,
      cleanup: false,
      reject: false,
      buffer: false,
      stripFinalNewline: false,
      windowsHide: true,
    });
  } catch (e) {
    return done({
      exitCode: null,
      signal: null,
      stdout: "",
      stderr: "",
      timedOut: false,
      cancelled: false,
      spawnError: String(e),
    });
  }
  const pid = child.pid;
  if (pid !== undefined) track(pid);

  let timedOut = false;
  let cancelled = false;
  const killNow = (sig: NodeJS.Signals = "SIGKILL") => {
    if (pid !== undefined) killGroup(pid, sig);
    else child.kill(sig);
  };

  if (child.stdin && stdinTarget === "pipe") {
    child.stdin.on("error", () => {}); // EPIPE when the child never reads its input.
    child.stdin.end(opts.input ?? "");
  }

  const maxBuffer = opts.maxBuffer ?? 64 * 1024 * 1024;
  const capture = (stream: Readable | null, into: Buffer[]) => {
    if (!stream) return;
    let size = 0;
    stream.on("data", (b: Buffer) => {
      if (size >= maxBuffer) return;
      size += b.length;
      into.push(size > maxBuffer ? b.subarray(0, b.length - (size - maxBuffer)) : b);
    });
  };
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const extra = (child.stdio as (Readable | null)[]).slice(3) as (Readable | null)[];
  if (opts.onSpawn) {
    opts.onSpawn({
      pid,
      stdin: child.stdin,
      stdout: child.stdout,
      stderr: child.stderr,
      extra,
      kill: (sig) => killNow(sig ?? "SIGKILL"),
    });
  } else {
    capture(child.stdout, out);
    capture(child.stderr, err);
  }
  // Readers must not throw on a pipe torn down after the child's exit.
  for (const s of [child.stdout, child.stderr, ...extra]) s?.on("error", () => {});

  const limit = clampTimeout(opts.timeoutMs);
  const timer =
    limit !== undefined
      ? setTimeout(() => {
          timedOut = true;
          killNow();
        }, limit)
      : undefined;
  const onAbort = () => {
    cancelled = true;
    killNow();
  };
  opts.signal?.addEventListener("abort", onAbort, { once: true });

  // When the child exits, whatever is left of its group goes too; pipes a grandchild outside the
  // group still holds are closed after a short grace so the result never waits on them.
  let graceTimer: NodeJS.Timeout | undefined;
  child.once("exit", () => {
    if (pid !== undefined) killGroup(pid, "SIGKILL");
    graceTimer = setTimeout(() => {
      for (const s of [child.stdout, child.stderr, ...extra]) closeLater(s);
    }, PIPE_GRACE_MS);
  });

  // A stream its reader paused (backpressure) still holds the program's last output: close it
  // only once it has been resumed and the grace has passed again.
  const closeLater = (s: Readable | null) => {
    if (!s || s.destroyed || s.readableEnded) return;
    if (s.isPaused()) s.once("resume", () => setTimeout(() => closeLater(s), PIPE_GRACE_MS));
    else s.destroy();
  };
  const result = await child;
  if (timer) clearTimeout(timer);
  if (graceTimer) clearTimeout(graceTimer);
  opts.signal?.removeEventListener("abort", onAbort);
  if (pid !== undefined) untrack(pid);

  const spawnError =
    result.failed && result.exitCode === undefined && result.signal === undefined && !timedOut && !cancelled
      ? result.cause instanceof Error
        ? result.cause.message
        : result.shortMessage
      : undefined;
  return done({
    exitCode: result.exitCode ?? null,
    signal: (result.signal as NodeJS.Signals | undefined) ?? null,
    stdout: chunkText(out),
    stderr: chunkText(err),
    timedOut,
    cancelled,
    ...(spawnError !== undefined ? { spawnError } : {}),
  });
}

/**
 * A short synchronous probe (e.g. `zig version`): stdout captured, stdin and stderr ignored.
 * Only for commands that finish at once; everything long-running goes through runProcess.
 */
export function runProcessSync(
  file: string,
  args: readonly string[],
  opts: { cwd?: string; timeoutMs?: number } = {},
): Pick<ProcessResult, "exitCode" | "signal" | "stdout" | "timedOut" | "spawnError"> {
  const r = execaSync(file, [...args], {
    cwd: opts.cwd,
    stdio: ["ignore", "pipe", "ignore"],
    reject: false,
    stripFinalNewline: false,
    timeout: clampTimeout(opts.timeoutMs),
    killSignal: "SIGKILL",
  });
  const spawnError =
    r.failed && r.exitCode === undefined && r.signal === undefined && !r.timedOut ? r.shortMessage : undefined;
  return {
    exitCode: r.exitCode ?? null,
    signal: (r.signal as NodeJS.Signals | undefined) ?? null,
    stdout: typeof r.stdout === "string" ? r.stdout : "",
    timedOut: r.timedOut,
    ...(spawnError !== undefined ? { spawnError } : {}),
  };
}
