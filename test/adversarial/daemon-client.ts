// A real CCP daemon driven line by line, for the adversarial tests: send commands, wait
// for answers, and see every message it wrote once it ends.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { KORUC } from "../helpers.js";

export type Msg = Record<string, unknown> & { type: string };

/** Message types that end each command: every command gets exactly one of them. */
const FINAL_BY_CMD: Record<string, string[]> = {
  parse: ["parsed"],
  ast_json: ["ast_json"],
  ast: ["ast"],
  list_events: ["events"],
  compile: ["compiled", "compile_failed"],
  run: ["run_done", "compile_failed"],
  analyze: ["analyze_done", "compile_failed"],
  set_flag: ["flag_set"],
  exit: ["exit"],
  list_passes: ["passes"],
  hotspots: ["hotspots_done"],
};

/** Does `m` end command `cmd`? An `error` ends any command. */
export function isFinal(cmd: string | undefined, m: Msg): boolean {
  return m.type === "error" || (cmd !== undefined && (FINAL_BY_CMD[cmd] ?? []).includes(m.type));
}

export class DaemonClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly messages: Msg[] = [];
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = "";
  private buffered = "";
  private waiters: (() => void)[] = [];

  constructor(cwd: string, args: string[] = ["--ccp"], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [KORUC, ...args], { cwd, env: { ...process.env, ...env } });
    this.child.stdout.setEncoding("utf8").on("data", (d: string) => {
      this.buffered += d;
      const lines = this.buffered.split("\n");
      this.buffered = lines.pop() ?? "";
      for (const l of lines) if (l !== "") this.messages.push(JSON.parse(l) as Msg);
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stderr.setEncoding("utf8").on("data", (d: string) => {
      this.stderr += d;
    });
    this.child.stdin.on("error", () => {});
    this.closed = new Promise((resolve) => this.child.on("close", (code, signal) => resolve({ code, signal })));
  }

  /** The command name of every id sent. */
  readonly sent = new Map<unknown, string>();

  send(command: Record<string, unknown>): void {
    if (command.id !== undefined) this.sent.set(command.id, String(command.cmd));
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  /** Resolve with the first message matching `pred` (already received or to come). */
  async waitFor(pred: (m: Msg) => boolean, timeoutMs = 60_000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(pred);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The final answer to command `id` (waits for it). */
  answer(id: string | number, timeoutMs?: number): Promise<Msg> {
    return this.waitFor((m) => m.id === id && isFinal(this.sent.get(id), m), timeoutMs);
  }

  /** Close stdin and wait for the daemon to end. */
  async end(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.stdin.end();
    return this.closed;
  }
}

/** Final answers per command id. */
export function finalsById(client: DaemonClient): Map<unknown, Msg[]> {
  const out = new Map<unknown, Msg[]>();
  for (const m of client.messages) {
    if (m.id === undefined || !isFinal(client.sent.get(m.id), m)) continue;
    out.set(m.id, [...(out.get(m.id) ?? []), m]);
  }
  return out;
}
