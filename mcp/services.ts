// What every tool, resource and prompt shares: the workspace root, path confinement, the
// default entry, the heavy-work queue, jobs, and the notifications the SDK layer sends.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Job, Jobs } from "./jobs.js";
import { confinePath, displayPath, PathError } from "./paths.js";
import { ToolError } from "./tool.js";

export interface Notifier {
  /** The list of resources changed (files or runs appeared or went away). */
  resourceListChanged(): void;
  /** One resource changed; sent only to subscribers. */
  resourceUpdated(uri: string): void;
  log(level: "debug" | "info" | "warning" | "error", data: unknown): void;
}

const quiet: Notifier = { resourceListChanged() {}, resourceUpdated() {}, log() {} };

export class Services {
  readonly root: string;
  readonly jobs = new Jobs();
  notifier: Notifier = quiet;
  /** Aborted at shutdown: every running operation stops and kills its processes. */
  readonly lifetime = new AbortController();
  private heavy: Promise<unknown> = Promise.resolve();
  /** Runs a tool by name for a background job; set by the server when it registers its tools. */
  runTool?: (name: string, args: unknown, signal: AbortSignal, job: Job) => Promise<{ result: unknown; text: string }>;

  constructor(root: string) {
    let real: string;
    try {
      real = realpathSync(root);
    } catch {
      throw new Error(`workspace root '${root}' does not exist`);
    }
    if (!statSync(real).isDirectory()) throw new Error(`workspace root '${root}' is not a folder`);
    this.root = real;
  }

  /** A path a caller named, confined to the workspace; a refusal is a ToolError saying why. */
  path(p: string): string {
    try {
      return confinePath(this.root, p);
    } catch (e) {
      if (e instanceof PathError) throw new ToolError(e.message);
      throw e;
    }
  }

  /** An existing file inside the workspace. */
  file(p: string, what = "file"): string {
    const full = this.path(p);
    if (!existsSync(full) || !statSync(full).isFile())
      throw new ToolError(`${what} '${p}' does not exist in the workspace`);
    return full;
  }

  rel(p: string): string {
    return displayPath(this.root, p);
  }

  /**
   * The entry program: the given path, else koru.json's "entry", else the only .kz file at the
   * root. Absolute, confined, existing.
   */
  entry(p?: string): string {
    if (p !== undefined) {
      if (!p.endsWith(".kz")) throw new ToolError(`entry '${p}' is not a .kz file`);
      return this.file(p, "entry");
    }
    const fromJson = this.koruJsonEntry();
    if (fromJson) return this.file(fromJson, "koru.json entry");
    const candidates = this.topLevelSources();
    if (candidates.length === 1) return join(this.root, candidates[0]);
    throw new ToolError(
      candidates.length === 0
        ? "no .kz file at the workspace root: give `entry` (a .kz path relative to the root)"
        : `several .kz files at the workspace root (${candidates.slice(0, 8).join(", ")}): give \`entry\``,
    );
  }

  private koruJsonEntry(): string | undefined {
    try {
      const cfg = JSON.parse(readFileSync(join(this.root, "koru.json"), "utf8")) as { entry?: unknown };
      return typeof cfg.entry === "string" ? cfg.entry : undefined;
    } catch {
      return undefined;
    }
  }

  private topLevelSources(): string[] {
    try {
      return readdirSync(this.root)
        .filter((f) => f.endsWith(".kz") && !f.endsWith(".variants.kz"))
        .sort();
    } catch {
      return [];
    }
  }

  startJob(tool: string, args: unknown): Job {
    const runTool = this.runTool;
    if (!runTool) throw new ToolError("background jobs are not available");
    return this.jobs.start(
      tool,
      (job) => runTool(tool, args, job.controller.signal, job),
      () => this.notifier.resourceListChanged(),
    );
  }

  /**
   * Run CPU-heavy work (Zig builds, program runs) one at a time in arrival order: the machine's
   * cores go to one build, and a cancelled call never waits behind a stale one.
   */
  exclusive<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const start = this.heavy.then(() => {
      if (signal.aborted) throw new ToolError("cancelled before it started");
      return work();
    });
    this.heavy = start.catch(() => undefined);
    return start;
  }
}
