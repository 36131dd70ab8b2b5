// Write or copy a file so that a reader sees either the old content or the whole new one,
// never half of it: write a temporary file beside the target, then rename it into place.
// The temporary file is removed on every failure, so a refused or failed write leaves nothing.
import { chmodSync, constants, copyFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface AtomicOptions {
  /** File mode of the result (e.g. 0o755 for a binary); default: the umask's. */
  mode?: number;
}

let counter = 0;

/** A hidden, unique temporary name in the target's own folder (rename never crosses devices). */
function tempBeside(path: string): string {
  counter = (counter + 1) % 1_000_000;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter}.tmp`);
}

function replaceWith(tmp: string, path: string, opts: AtomicOptions, fill: () => void): void {
  try {
    fill();
    if (opts.mode !== undefined) chmodSync(tmp, opts.mode);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array, opts: AtomicOptions = {}): void {
  const tmp = tempBeside(path);
  replaceWith(tmp, path, opts, () => writeFileSync(tmp, data, { flag: "wx" }));
}

export function copyFileAtomic(src: string, dst: string, opts: AtomicOptions = {}): void {
  const tmp = tempBeside(dst);
  replaceWith(tmp, dst, opts, () => copyFileSync(src, tmp, constants.COPYFILE_EXCL));
}

/** JSON (two-space indented, newline-terminated), written atomically. */
export function writeJsonAtomic(path: string, value: unknown, opts: AtomicOptions = {}): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, opts);
}

/**
 * Temporary files a process left in `dir` when it was killed before it could remove them: ours
 * (`.<name>.<pid>.<n>.tmp`) and zig build-exe's (`<name>.tmp-<pid>-<time>`, with its `.o`).
 * Only those of processes no longer alive are removed, so a build running now keeps its own;
 * with `of`, only the temporary files of that one target (in a folder of the user's).
 */
export function removeStaleTemps(dir: string, of?: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = /^\..+\.(\d+)\.\d+\.tmp$/.exec(name) ?? /^.+\.tmp-(\d+)-\d+(?:\.o)?$/.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    if (of !== undefined && !name.startsWith(`.${of}.`)) continue;
    rmSync(join(dir, name), { force: true, recursive: true });
    removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, but another user's.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
