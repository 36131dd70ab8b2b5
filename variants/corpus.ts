// Cases replayed before any generated one: shrunk counterexamples kept as permanent regression
// cases of an event, and inputs recorded from real runs (`koruc run --capture`). Both are files
// of [u32 little-endian length][case bytes] records, the bytes the harness builds a case from.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { koruDir } from "../compiler/index.js";
import { regressionsPath, safeName } from "./evidence.js";
import { withLock, writeAtomic } from "./fs.js";

export function recordedInputsPath(workspace: string, event: string): string {
  return koruDir(workspace, "captures", `${safeName(event)}.bin`);
}

export function readRecords(path: string): Buffer[] {
  if (!existsSync(path)) return [];
  const data = readFileSync(path);
  const out: Buffer[] = [];
  let pos = 0;
  while (pos + 4 <= data.length) {
    const n = data.readUInt32LE(pos);
    pos += 4;
    if (pos + n > data.length) break;
    out.push(data.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}

export function encodeRecords(records: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of records) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(r.length);
    parts.push(len, r);
  }
  return Buffer.concat(parts);
}

export function corpusCount(path: string): number {
  return readRecords(path).length;
}

/** Add cases to a corpus file, skipping ones it already holds. */
export async function appendCorpus(path: string, records: Buffer[]): Promise<void> {
  await withLock(path, () => {
    const have = readRecords(path);
    const seen = new Set(have.map((r) => r.toString("hex")));
    const fresh = records.filter((r) => !seen.has(r.toString("hex")));
    if (fresh.length) writeAtomic(path, encodeRecords([...have, ...fresh]));
  });
}

export interface Corpus {
  /** Regressions first, then recorded inputs; absent when both are empty. */
  file?: string;
  /** Recorded inputs alone (what the benchmark uses). */
  recordedFile?: string;
  regressions: number;
  recorded: number;
  cleanup: () => void;
}

export async function writeCorpus(workspace: string, event: string): Promise<Corpus> {
  const regressions = readRecords(regressionsPath(workspace, event));
  const recordedFile = recordedInputsPath(workspace, event);
  const recorded = readRecords(recordedFile);
  if (regressions.length + recorded.length === 0) return { regressions: 0, recorded: 0, cleanup: () => {} };
  const file = koruDir(
    workspace,
    "variants",
    safeName(event),
    `corpus-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.bin`,
  );
  writeAtomic(file, encodeRecords([...regressions, ...recorded]));
  return {
    file,
    ...(recorded.length ? { recordedFile } : {}),
    regressions: regressions.length,
    recorded: recorded.length,
    cleanup: () => rmSync(file, { force: true }),
  };
}
