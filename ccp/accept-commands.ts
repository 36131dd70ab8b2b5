// `koruc --accept-commands=stdin app.kz`: the other end of
// `koruc --ccp app.kz | agent | koruc --accept-commands=stdin app.kz`. Commands apply to
// the program's workspace (the folder with koru.json, else the file's folder); commands
// that name no program act on app.kz. Lines that are not commands (for example the
// hotspot events an agent passes through) are answered with an `error`, never dropped.

import { resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import { findWorkspace } from "../compiler/index.js";
import { serve } from "./daemon.js";

export function acceptCommands(file: string, input: Readable, output: Writable): Promise<number> {
  const entry = resolve(file);
  return serve(input, output, process.stderr, { root: findWorkspace(entry), entry, greet: true });
}
