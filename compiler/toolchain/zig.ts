// Find Zig 0.15.2: KORU_ZIG, then `zig` on PATH, then the project-local install made by
// `npm run setup` (.tools/zig). Never installs anything itself.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../modules.js";
import { runProcessSync } from "./process.js";

export const ZIG_VERSION = "0.15.2";

export type ZigLookup = { path: string; version: string } | { error: string };

let memo: ZigLookup | undefined;

function versionOf(zig: string): string | undefined {
  const r = runProcessSync(zig, ["version"], { timeoutMs: 10_000 });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

export function findZig(): ZigLookup {
  if (memo) return memo;
  const tried: string[] = [];
  const candidates: [string, string][] = [];
  if (process.env.KORU_ZIG) candidates.push([process.env.KORU_ZIG, "KORU_ZIG"]);
  candidates.push(["zig", "PATH"]);
  candidates.push([join(packageRoot(), ".tools", "zig", "ziglang", "zig"), "project install"]);
  for (const [path, where] of candidates) {
    if (where === "project install" && !existsSync(path)) {
      tried.push(`${where}: not installed`);
      continue;
    }
    const version = versionOf(path);
    if (version === ZIG_VERSION) {
      memo = { path, version };
      return memo;
    }
    tried.push(`${where} (${path}): ${version ? `Zig ${version}` : "not found"}`);
  }
  memo = {
    error: `Zig ${ZIG_VERSION} not found (${tried.join("; ")}). Run 'npm run setup' in the koru-ccp folder, or set KORU_ZIG to a Zig ${ZIG_VERSION} binary.`,
  };
  return memo;
}
