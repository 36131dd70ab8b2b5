// The built-in opt-in `pgo` pass: reads a run's edge counts and lays out every switch on an
// event's result by them (docs/passes.md, "Profile-guided builds"). It changes no program:
// it only gives the emitter arm order and `@branchHint`s, so the program's behavior is kept.
import { findWorkspace, type Pass, type PassInsertion } from "../../compiler/index.js";
import { passError } from "../diagnostics.js";
import { planSwitch } from "./plan.js";
import { readEdgeCounts } from "./profile.js";

export const PGO_PASS = "pgo";

/** The `pgo` pass for run `runId` of the workspace (default: the entry file's workspace). */
export function pgoPass(runId: string, workspace?: string): Pass {
  return {
    name: PGO_PASS,
    run(ctx) {
      const root = workspace ?? ctx.options.build?.workspace ?? findWorkspace(ctx.file);
      const read = readEdgeCounts(root, runId);
      if (!read.ok) {
        ctx.diagnostics.push(passError("pgo", PGO_PASS, `cannot use its profile: ${read.message}`, ctx.file));
        return;
      }
      const profile = read.profile;
      ctx.hooks.push({ switchArms: (sym, destinations) => planSwitch(profile, sym, destinations) });
    },
  };
}

/** Where builds insert it: after the hooks of every other pass, just before `emit`. */
export function pgoInsertion(runId: string, workspace?: string): PassInsertion {
  return { pass: pgoPass(runId, workspace), before: "emit" };
}
