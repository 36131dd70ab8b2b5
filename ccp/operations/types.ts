// What every operation takes besides its own input: the workspace, cancellation, progress.
// Operations return typed results; what a caller got wrong (a path outside the workspace, a
// run that does not exist) is an OperationError carrying a protocol code, never a crash.
import type { PassEvent } from "../../compiler/index.js";
import { confine, WorkspaceError } from "../../compiler/index.js";

export interface Progress {
  stage: "compile" | "build" | "run" | "analyze";
  message: string;
  /** 0..1 of the whole operation. */
  fraction: number;
}

export interface OperationContext {
  /** Workspace root (a real path): every path an operation takes must resolve inside it. */
  root: string;
  /** Compiler flags set for the session (CCP `set_flag`), before the operation's own. */
  flags?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  onPass?: (event: PassEvent) => void;
}

export type OperationErrorCode =
  | "outside_workspace"
  | "dangling_symlink"
  | "not_found"
  | "invalid_field"
  | "spawn_failed"
  | "cancelled"
  | "refused"
  | "failed";

export class OperationError extends Error {
  constructor(
    readonly code: OperationErrorCode,
    message: string,
    /** The input field at fault, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "OperationError";
  }
}

/** `path` as a real path inside the workspace, or an OperationError naming `field`. */
export function pathIn(ctx: OperationContext, path: string, field: string): string {
  try {
    return confine(ctx.root, path);
  } catch (e) {
    if (e instanceof WorkspaceError) throw new OperationError(e.code, e.message, field);
    throw e;
  }
}

export function throwIfCancelled(ctx: OperationContext): void {
  if (ctx.signal?.aborted) throw new OperationError("cancelled", "cancelled");
}

export function msSince(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}

/** Session flags followed by the operation's own. */
export function flagsOf(ctx: OperationContext, own: readonly string[] | undefined): string[] {
  return [...(ctx.flags ?? []), ...(own ?? [])];
}
