import * as z from "zod";
import { ccpCommand, diagnosticsOf, failIfError, renderDiagnostics } from "../ops.js";
import { Diagnostic, Entry, Flags, Optimize } from "../schemas.js";
import { BUILDS, defineTool, MINUTE } from "../tool.js";

export const compileTool = defineTool({
  name: "compile",
  title: "Compile",
  description:
    "Compile the program to a native binary (Koru -> Zig -> zig build-exe), cached under .koru/build/. " +
    "Diagnostics are a successful result with `ok` false. Sends progress; cancellable.",
  input: {
    entry: Entry,
    optimize: Optimize.optional().describe("Zig optimize mode (default Debug)."),
    flags: Flags,
    instrument: z.boolean().optional().describe("Build with the CCP transition recorder (default false)."),
  },
  output: {
    ok: z.boolean(),
    entry: z.string(),
    binary: z.string().optional().describe("Path of the built binary, relative to the root."),
    duration_ms: z.number().optional(),
    diagnostics: z.array(Diagnostic),
  },
  annotations: BUILDS,
  timeoutMs: 10 * MINUTE,
  async run(args, { services, signal, progress }) {
    const entry = services.entry(args.entry);
    let passes = 0;
    const msgs = await ccpCommand(
      services,
      {
        cmd: "compile",
        entry,
        ...(args.optimize ? { optimize: args.optimize } : {}),
        ...(args.flags ? { flags: args.flags } : {}),
        ...(args.instrument ? { ccp: true } : {}),
      },
      { signal, onMessage: (m) => m.type === "pass_done" && progress(++passes, undefined, `pass ${String(m.pass)} done`) },
    );
    failIfError(msgs);
    const diagnostics = diagnosticsOf(services, msgs);
    const done = msgs.find((m) => m.type === "compiled");
    const binary = done ? services.rel(String(done.output).startsWith("/") ? String(done.output) : `${services.root}/${done.output}`) : undefined;
    return {
      result: {
        ok: !!done,
        entry: services.rel(entry),
        ...(binary ? { binary } : {}),
        ...(done ? { duration_ms: Number(done.duration_ms) } : {}),
        diagnostics,
      },
      text: done ? `compiled ${services.rel(entry)} -> ${binary}` : `compile failed:\n${renderDiagnostics(diagnostics)}`,
    };
  },
});
