// Build generated Zig into a native binary, cached by content under .koru/build/<hash>/,
// with Zig's errors mapped back to the .kz lines they came from.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type Diagnostic, error } from "../diagnostics.js";
import { packageRoot } from "../modules.js";
import { lookup, type SourceMap } from "../source-map.js";
import { removeStaleTemps, writeFileAtomic } from "../toolchain/atomic.js";
import { runProcess } from "../toolchain/process.js";
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
  /** Aborting stops zig build-exe (its whole process group) and removes the private build folder. */
  signal?: AbortSignal;
}

export type BuildResult =
  | { ok: true; exePath: string; dir: string; cached: boolean }
  | { ok: false; diagnostics: Diagnostic[] };

const RUNTIME_DIR = join(packageRoot(), "zig-runtime");

export async function buildExecutable(req: BuildRequest): Promise<BuildResult> {
  const zig = findZig();
  if ("error" in zig)
    return { ok: false, diagnostics: [error("ZIG000", zig.error, { file: "<toolchain>", line: 1, col: 0 })] };
  const optimize = req.optimize ?? "Debug";
  const name = req.name ?? "main";
  const runtime = (req.runtimeFiles ?? []).map((f) => ({ name: f, text: readFileSync(join(RUNTIME_DIR, f), "utf8") }));
  const hash = createHash("sha256").update(zig.version).update("\0").update(optimize).update("\0").update(req.zig);
  for (const r of runtime) hash.update("\0").update(r.name).update("\0").update(r.text);
  const key = hash.digest("hex").slice(0, 20);
  const dir = koruDir(req.workspace, "build", key);
  const exePath = join(dir, name);
  // A build killed while linking (koruc itself killed) leaves its temporary binary: remove it now.
  removeStaleTemps(dir);
  if (existsSync(exePath)) return { ok: true, exePath, dir, cached: true };

  // The generated sources stay where Zig compiled them: a panic trace of the binary names
  // these paths and prints their lines. The folder is content-addressed, so concurrent builds
  // write identical files (each whole); the binary appears under its name only whole.
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, "main.zig"), req.zig);
  for (const r of runtime) {
    mkdirSync(dirname(join(dir, r.name)), { recursive: true });
    writeFileAtomic(join(dir, r.name), r.text);
  }
  const tmpExe = `${name}.tmp-${process.pid}-${Date.now()}`;
  const args = ["build-exe", "main.zig", "-freference-trace=64", "-O", optimize, `-femit-bin=${join(dir, tmpExe)}`];
  args.push("--cache-dir", koruDir(req.workspace, "zig-cache"));
  const cancel = req.signal ? { signal: req.signal } : {};
  const result = await runProcess(zig.path, args, { cwd: dir, stdin: "ignore", ...cancel });
  rmSync(join(dir, `${tmpExe}.o`), { force: true });
  if (result.exitCode !== 0) {
    rmSync(join(dir, tmpExe), { force: true });
    if (result.cancelled || result.spawnError) {
      const why = result.cancelled ? "cancelled" : `cannot run ${zig.path}: ${result.spawnError}`;
      return {
        ok: false,
        diagnostics: [error("ZIG000", `zig build-exe ${why}`, { file: "<toolchain>", line: 1, col: 0 })],
      };
    }
    if (result.signal && result.stderr.trim() === "") {
      // Zig itself died (e.g. SIGSEGV on very deep nesting in proc code): say so, not "failed: ".
      const at = { file: join(dir, "main.zig"), line: 1, col: 1 };
      const hint = "simplify deeply nested code in procs";
      return { ok: false, diagnostics: [error("ZIG002", `zig build-exe crashed (${result.signal})`, at, { hint })] };
    }
    return { ok: false, diagnostics: zigDiagnostics(result.stderr, req.sourceMap ?? [], join(dir, "main.zig")) };
  }
  renameSync(join(dir, tmpExe), exePath);
  return { ok: true, exePath: resolve(exePath), dir, cached: false };
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
        error(
          "ZIG001",
          message,
          { file: file === "main.zig" ? generatedPath : file, line: zigLine, col: zigCol },
          {
            hint: "this error is in code koruc generated; please report it with the .kz file",
          },
        ),
      );
    }
  });
  if (out.length === 0) {
    out.push(
      error("ZIG001", `zig build-exe failed: ${stderr.trim().split("\n").slice(0, 5).join(" | ")}`, {
        file: generatedPath,
        line: 1,
        col: 0,
      }),
    );
  }
  return out;
}
