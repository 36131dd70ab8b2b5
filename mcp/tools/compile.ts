import * as z from "zod";
import { compile } from "../../ccp/index.js";
import { diagnostics, opContext, operation, renderDiagnostics } from "../ops.js";
import { Diagnostic, Entry, Flags, Optimize, Pgo } from "../schemas.js";
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
    pgo: Pgo,
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
  async run(args, ctx) {
    const { services } = ctx;
    const entry = services.entry(args.entry);
    const r = await operation(
      services,
      ctx,
      () =>
        compile(
          {
            entry,
            build: true,
            ...(args.optimize ? { optimize: args.optimize } : {}),
            ...(args.flags ? { flags: args.flags } : {}),
            ...(args.instrument ? { ccp: true } : {}),
            ...(args.pgo !== undefined ? { pgo: args.pgo } : {}),
          },
          opContext(services, ctx),
        ),
      true,
    );
    const diags = diagnostics(services, r.diagnostics);
    const binary = r.ok && r.exePath ? services.rel(r.exePath) : undefined;
    return {
      result: {
        ok: !!binary,
        entry: services.rel(entry),
        ...(binary ? { binary } : {}),
        duration_ms: r.durationMs,
        diagnostics: diags,
      },
      text: binary ? `compiled ${services.rel(entry)} -> ${binary}` : `compile failed:\n${renderDiagnostics(diags)}`,
    };
  },
});
