// Concurrent writers never lose a change: a lock file (O_EXCL) around read-modify-write; the
// write itself is compiler/toolchain/atomic.ts's temp file + rename.
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "../compiler/index.js";

/**
 * A lock whose holder's pid is gone, or whose heartbeat stopped this long ago, is broken. A
 * holder may keep the lock for a long time (a proposal builds its harness under it), so
 * age alone never breaks a live holder's lock: its heartbeat keeps the file fresh.
 */
const STALE_LOCK_MS = 120_000;
const HEARTBEAT_MS = 2_000;

/** Run `fn` holding `<path>.lock`; other writers wait (polling) until it is released. */
export async function withLock<T>(path: string, fn: () => T | Promise<T>, timeoutMs = 600_000): Promise<T> {
  const lock = `${path}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  const start = Date.now();
  for (;;) {
    try {
      const fd = openSync(lock, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      breakIfAbandoned(lock);
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    }
  }
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(lock, now, now);
    } catch {
      // Broken by a waiter that judged us dead: nothing to refresh.
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    rmSync(lock, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Remove a lock left by a writer that died (its pid is gone) or hung (no heartbeat). It is
 * moved aside first, so of two waiters judging the same lock only one removes it; if what
 * was moved turns out to be a live holder's fresh lock, it is put back.
 */
function breakIfAbandoned(lock: string): void {
  let pid: number;
  let age: number;
  try {
    pid = Number.parseInt(readFileSync(lock, "utf8"), 10);
    age = Date.now() - statSync(lock).mtimeMs;
  } catch {
    return; // released meanwhile
  }
  // An empty file is a holder between its open and its write: judge it by age only.
  const dead = Number.isInteger(pid) && pid > 0 && !alive(pid);
  if (!dead && age <= STALE_LOCK_MS) return;
  const aside = `${lock}.broken-${process.pid}`;
  try {
    renameSync(lock, aside);
  } catch {
    return; // another waiter moved it first
  }
  let held = Number.NaN;
  try {
    held = Number.parseInt(readFileSync(aside, "utf8"), 10);
  } catch {}
  if (held !== pid && Number.isInteger(held) && alive(held)) {
    try {
      linkSync(aside, lock); // a live holder's lock: give it back (unless a newer one exists)
    } catch {}
  }
  rmSync(aside, { force: true });
}

/** Temp file + rename (compiler/toolchain/atomic.ts), creating the folder first. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, data);
}
