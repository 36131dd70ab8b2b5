// `koruc fmt [--check] <file.kz>...`: rewrite files in canonical layout (in place, whole-file
// replace through a temp file) or, with --check, only report which files would change.
import { readFileSync, statSync } from "node:fs";
import { render } from "../../compiler/diagnostics.js";
import { writeFileAtomic } from "../../compiler/toolchain/atomic.js";
import { formatSource } from "../print/format.js";

export const FMT_USAGE = `usage: koruc fmt [--check] <file.kz>...
  Rewrites each file in the canonical Koru layout, keeping comments. With --check, writes
  nothing and exits 1 when a file is not formatted. Files that do not parse are left as they are.`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export function runFmt(argv: string[], io: CliIo): number {
  const check = argv.includes("--check");
  const files = argv.filter((a) => a !== "--check");
  const unknown = files.find((f) => f.startsWith("-"));
  if (files.length === 0 || unknown) {
    io.err(`${unknown ? `koruc fmt: unknown option '${unknown}'\n` : ""}${FMT_USAGE}\n`);
    return 2;
  }
  let status = 0;
  for (const file of files) {
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch {
      io.err(`koruc fmt: cannot read '${file}'\n`);
      status = 1;
      continue;
    }
    const result = formatSource(source, file);
    if (result.text === undefined) {
      for (const d of result.diagnostics) io.err(render(d, source.split(/\r?\n/)));
      status = 1;
      continue;
    }
    if (!result.changed) continue;
    if (check) {
      io.out(`${file}: not formatted\n`);
      status = 1;
      continue;
    }
    // Whole-file replace keeping the file's mode: a reader never sees half a file.
    writeFileAtomic(file, result.text, { mode: statSync(file).mode & 0o7777 });
    io.out(`${file}: formatted\n`);
  }
  return status;
}
