// Concurrent writers never lose a change: a lock file (O_EXCL) around read-modify-write; the
// write itself is compiler/toolchain/atomic.ts's temp file + rename.
import { closeSync, mkdirSync, openSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "../compiler/index.js";

/** A lock held longer than this belongs to a writer that died: it is broken. */
const STALE_LOCK_MS = 30_000;

/** Run `fn` holding `<path>.lock`; other writers wait (polling) until it is released. */
export async function withLock<T>(path: string, fn: () => T | Promise<T>, timeoutMs = 20_000): Promise<T> {
  const lock = `${path}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  const start = Date.now();
  for (;;) {
    try {
      closeSync(openSync(lock, "wx"));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
      } catch {
        // Released between our open and stat.
      }
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Temp file + rename (compiler/toolchain/atomic.ts), creating the folder first. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, data);
}
