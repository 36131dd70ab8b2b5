// `koruc passes list|add|review|apply|remove`, run in the workspace (the current folder's).
import { resolve } from "node:path";
import { findWorkspace } from "../../compiler/workspace.js";
import {
  applyPass,
  listPasses,
  type PassOperationError,
  proposePass,
  removePass,
  reviewPass,
} from "../workspace/operations.js";
import type { CliIo } from "./fmt.js";

export const PASSES_USAGE = `usage: koruc passes <command>
  list                              the pipeline: built-in passes and this workspace's passes
  add <pass.js> [--name <name>] [--at after:<pass>|before:<pass>] [--no-run]
                                    run the pass (sandboxed) on every program of the workspace,
                                    write the review diff and the evidence; exit 0 when it waits
                                    for review, 1 with the reasons when it is rejected
  review <name>                     print the unified diff of the formatted sources (and staleness)
  apply <name>                      record the reviewed pass in koru.passes.json (builds run it)
  remove <name>                     take it out of koru.passes.json (builds are as before it)`;

function fail(io: CliIo, e: PassOperationError): number {
  io.err(`koruc passes: ${e.error}\n`);
  return e.code === "bad_request" ? 2 : 1;
}

export async function runPasses(argv: string[], io: CliIo, cwd = process.cwd()): Promise<number> {
  const [command, ...rest] = argv;
  const workspace = findWorkspace(cwd);
  const usage = (why?: string) => {
    io.err(`${why ? `koruc passes: ${why}\n` : ""}${PASSES_USAGE}\n`);
    return 2;
  };
  switch (command) {
    case "list": {
      const r = listPasses({ workspace });
      for (const d of r.diagnostics) io.err(`${d.code}: ${d.message}\n`);
      for (const p of r.passes) {
        const status = p.kind === "builtin" ? "built-in" : `${p.status} (${p.position})`;
        io.out(`${p.name.padEnd(20)} ${status}${p.reason ? `: ${p.reason}` : ""}\n`);
      }
      return r.diagnostics.length ? 1 : 0;
    }
    case "add": {
      let file: string | undefined;
      let name: string | undefined;
      let position: string | undefined;
      let differential = true;
      for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === "--name") name = rest[++i];
        else if (a === "--at") position = rest[++i];
        else if (a === "--no-run") differential = false;
        else if (a.startsWith("-")) return usage(`unknown option '${a}'`);
        else if (file === undefined) file = a;
        else return usage(`unexpected argument '${a}'`);
      }
      if (!file) return usage("add needs a pass file");
      const r = await proposePass({
        workspace,
        file: resolve(cwd, file),
        ...(name !== undefined ? { name } : {}),
        ...(position !== undefined ? { position } : {}),
        differential,
        onProgress: (m) => io.err(`${m}\n`),
      });
      if (!r.ok) return fail(io, r);
      const changed = r.programs.filter((p) => p.outcome === "changed").length;
      if (r.verdict === "rejected") {
        io.err(`pass '${r.name}' rejected:\n${r.reasons.map((x) => `  ${x}\n`).join("")}`);
        return 1;
      }
      io.out(
        `pass '${r.name}' ran on ${r.programs.length} programs (${changed} changed); waiting for review:\n` +
          `  koruc passes review ${r.name}\n  evidence: ${r.evidencePath}\n`,
      );
      return 0;
    }
    case "review":
    case "apply":
    case "remove": {
      const name = rest[0];
      if (!name || rest.length > 1) return usage(`${command} needs one pass name`);
      if (command === "review") {
        const r = reviewPass({ workspace, name });
        if (!r.ok) return fail(io, r);
        if (r.stale) io.err(`warning: ${r.stale}; the diff is of the reviewed version\n`);
        io.out(r.diff === "" ? `pass '${name}' changes no program\n` : r.diff);
        io.err(
          `verdict: ${r.evidence.verdict}${r.evidence.reasons.length ? ` (${r.evidence.reasons.join("; ")})` : ""}\n`,
        );
        return 0;
      }
      const r = command === "apply" ? applyPass({ workspace, name }) : removePass({ workspace, name });
      if (!r.ok) return fail(io, r);
      const names = r.passes.map((p) => p.name).join(", ") || "none";
      io.out(`${command === "apply" ? "applied" : "removed"} '${name}'; passes: ${names}\n`);
      return 0;
    }
    default:
      return usage(command ? `unknown command '${command}'` : undefined);
  }
}
