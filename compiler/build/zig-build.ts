// Build generated Zig into a native binary, cached by content under .koru/build/<hash>/,
// with Zig's errors mapped back to the .kz lines they came from.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Diagnostic, error } from "../diagnostics.js";
import { packageRoot } from "../modules.js";
import { lookup, type SourceMap } from "../source-map.js";
import { findZig } from "../toolchain/zig.js";
import { koruDir } from "../workspace.js";

export type Optimize = "Debug" | "ReleaseSafe" | "ReleaseFast" | "ReleaseSmall";
export const OPTIMIZE_MODES: Optimize[] = ["Debug", "ReleaseSafe", "ReleaseFast", "ReleaseSmall"];

export interface BuildRequest {
  zig: string;
  /** File names in zig-runtime/ to place beside the generated main.zig. */
  runtimeFiles?: string[];
  optimize?: Optimize;
  workspace: string;
  sourceMap?: SourceMap;
  /** Executable file name (default: `main`). */
  name?: string;
}

export type BuildResult =
  | { ok: true; exePath: string; dir: string; cached: boolean }
  | { ok: false; diagnostics: Diagnostic[] };

const RUNTIME_DIR = join(packageRoot(), "zig-runtime");

export async function buildExecutable(req: BuildRequest): Promise<BuildResult> {
  const zig = findZig();
  if ("error" in zig) return { ok: false, diagnostics: [error("ZIG000", zig.error, { file: "<toolchain>", line: 1, col: 0 })] };
  const optimize = req.optimize ?? "Debug";
  const name = req.name ?? "main";
  const runtime = (req.runtimeFiles ?? []).map((f) => ({ name: f, text: readFileSync(join(RUNTIME_DIR, f), "utf8") }));
  const hash = createHash("sha256").update(zig.version).update("\0").update(optimize).update("\0").update(req.zig);
  for (const r of runtime) hash.update("\0").update(r.name).update("\0").update(r.text);
  const key = hash.digest("hex").slice(0, 20);
  const dir = koruDir(req.workspace, "build", key);
  const exePath = join(dir, name);
  if (existsSync(exePath)) return { ok: true, exePath, dir, cached: true };

  // The generated sources stay where Zig compiled them: a panic trace of the binary names
  // these paths and prints their lines. The folder is content-addressed, so concurrent builds
  // write identical files (each atomically); the binary appears under its name only whole.
  mkdirSync(dir, { recursive: true });
  const tag = `${process.pid}-${Date.now()}`;
  writeWhole(join(dir, "main.zig"), req.zig, tag);
  for (const r of runtime) writeWhole(join(dir, r.name), r.text, tag);
  const tmpExe = `${name}.tmp-${tag}`;
  const args = ["build-exe", "main.zig", "-freference-trace=64", "-O", optimize, `-femit-bin=${join(dir, tmpExe)}`, "--cache-dir", koruDir(req.workspace, "zig-cache")];
  const result = await run(zig.path, args, dir);
  rmSync(join(dir, `${tmpExe}.o`), { force: true });
  if (result.code !== 0) {
    rmSync(join(dir, tmpExe), { force: true });
    return { ok: false, diagnostics: zigDiagnostics(result.stderr, req.sourceMap ?? [], join(dir, "main.zig")) };
  }
  renameSync(join(dir, tmpExe), exePath);
  return { ok: true, exePath: resolve(exePath), dir, cached: false };
}

function writeWhole(path: string, text: string, tag: string): void {
  const tmp = `${path}.tmp-${tag}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, _stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      done({ code, stderr: String(stderr) });
    });
  });
}

const ZIG_MESSAGE = /^(.+?):(\d+):(\d+): (error|note): (.*)$/;

/** Zig's `main.zig:L:C: error: msg` lines as diagnostics at the .kz location they map to. */
export function zigDiagnostics(stderr: string, map: SourceMap, generatedPath: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const lines = stderr.split("\n");
  lines.forEach((line, i) => {
    const m = ZIG_MESSAGE.exec(line);
    if (m?.[4] !== "error") return;
    let [, file, l, c, , message] = m;
    if (file !== "main.zig") {
      // An error inside Zig's std: report it where the program's code reached it.
      for (const later of lines.slice(i + 1, i + 40)) {
        const ref = /main\.zig:(\d+):(\d+)/.exec(later);
        if (ref) {
          [file, l, c] = ["main.zig", ref[1], ref[2]];
          break;
        }
        if (ZIG_MESSAGE.exec(later)?.[4] === "error") break;
      }
    }
    const zigLine = Number(l);
    const zigCol = Number(c);
    const origin = file === "main.zig" ? lookup(map, zigLine) : undefined;
    if (origin) {
      // Generated lines have no column of their own in the .kz file: point at the line start.
      const col = origin.verbatim ? Math.max(1, zigCol + origin.colDelta) : 1;
      out.push(error("ZIG001", message, { file: origin.file, line: origin.line, col }));
    } else {
      out.push(
        error("ZIG001", message, { file: file === "main.zig" ? generatedPath : file, line: zigLine, col: zigCol }, {
          hint: "this error is in code koruc generated; please report it with the .kz file",
        }),
      );
    }
  });
  if (out.length === 0) {
    out.push(error("ZIG001", `zig build-exe failed: ${stderr.trim().split("\n").slice(0, 5).join(" | ")}`, { file: generatedPath, line: 1, col: 0 }));
  }
  return out;
}
