// `koruc run --ccp app.kz` and `koruc --ccp app.kz`: the daemon's `run` / `analyze` on one
// file, its messages written as JSONL on stdout (hotspots at the end for `--ccp app.kz`).

import { realpathSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { Writable } from "node:stream";
import type { Optimize } from "../compiler/index.js";
import { findWorkspace } from "../compiler/index.js";
import { Session } from "./session.js";

export interface RunFileOptions {
  flags?: string[];
  optimize?: string;
  args?: string[];
  hotspots: boolean;
  profile?: boolean;
  out?: Writable;
}

export async function runFileWithCcp(file: string, opts: RunFileOptions): Promise<number> {
  const out = opts.out ?? process.stdout;
  const send = (m: Record<string, unknown>) => out.write(`${JSON.stringify(m)}\n`);
  // The file is named relative to the current folder, not to its workspace: resolve it here,
  // once (`koruc --ccp hello/hello.kz` from the folder above must not look in hello/hello/).
  const full = resolve(file);
  const root = findWorkspace(full);
  const entry = relative(root, realpathSync(full));
  const session = new Session(root, send, (line) => out.write(`${line}\n`), entry);
  const code = await session.runProgram(
    {
      entry,
      args: opts.args ?? [],
      flags: opts.flags ?? [],
      optimize: (opts.optimize ?? "ReleaseSafe") as Optimize,
      // The analysis mode reports statistics and hotspots; raw transitions stay in the run folder.
      streamTransitions: !opts.hotspots,
      profile: !!opts.profile,
      ...(opts.hotspots ? { analyze: {} } : {}),
    },
    send,
  );
  return code ?? 1;
}
