// `koruc run --ccp app.kz` and `koruc --ccp app.kz`: the daemon's `run` / `analyze` on one
// file, its messages written as JSONL on stdout (hotspots at the end for `--ccp app.kz`).
import { realpathSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { Writable } from "node:stream";
import { findWorkspace, type Optimize } from "../compiler/index.js";
import type { CcpSpec } from "../compiler/instrument.js";
import { Lifecycle } from "./lifecycle.js";
import { Session } from "./session.js";

export interface RunFileOptions {
  flags?: string[];
  optimize?: string;
  args?: string[];
  hotspots: boolean;
  profile?: boolean;
  /** `--ccp=<mode>`; default counts. */
  ccp?: CcpSpec | undefined;
  /** `--capture <event>`: record a sample of the event's inputs (.koru/captures/). */
  capture?: string | undefined;
  /** `--pgo <run-id>`: lay out the build by that run's edge counts. */
  pgo?: string | undefined;
  out?: Writable;
}

export async function runFileWithCcp(file: string, opts: RunFileOptions): Promise<number> {
  const out = opts.out ?? process.stdout;
  const life = new Lifecycle(out).install();
  const send = (m: Record<string, unknown>) => {
    if (!life.outputClosed) out.write(`${JSON.stringify(m)}\n`);
  };
  // The file is named relative to the current folder, not to its workspace: resolve it here,
  // once (`koruc --ccp hello/hello.kz` from the folder above must not look in hello/hello/).
  const full = resolve(file);
  const root = findWorkspace(full);
  const entry = relative(root, realOrSelf(full));
  const session = new Session(root, send, (line) => !life.outputClosed && out.write(`${line}\n`), entry);
  session.signal = life.signal;
  session.flow = life.flow;
  const code = await session
    .runProgram(
      {
        entry,
        args: opts.args ?? [],
        flags: opts.flags ?? [],
        optimize: (opts.optimize ?? "ReleaseSafe") as Optimize,
        // The analysis mode reports statistics and hotspots; raw transitions stay in the run folder.
        streamTransitions: !opts.hotspots,
        ccp: opts.ccp ?? { mode: "counts" },
        profile: !!opts.profile,
        ...(opts.capture ? { capture: { event: opts.capture } } : {}),
        ...(opts.pgo !== undefined ? { pgo: opts.pgo } : {}),
        ...(opts.hotspots ? { analyze: {} } : {}),
      },
      send,
    )
    .catch((e: unknown) => {
      if (!life.stopping) throw e;
      return null;
    });
  await life.drained();
  life.finish();
  return code ?? 1;
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
