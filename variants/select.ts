// Which variant a build calls: select (refused without passing, fresh evidence unless forced)
// and revert, as data in koru.variants.json, written under its lock.
import { rmSync } from "node:fs";
import { canonicalTag, readSelection, selectionPath } from "../compiler/index.js";
import { evidencePath, readEvidence, staleReason } from "./evidence.js";
import { withLock, writeAtomic } from "./fs.js";
import type { Common, OpResult } from "./operations.js";
import { findTag, loadTarget, procText, usage } from "./target.js";

export interface SelectInput extends Common {
  event: string;
  tag: string;
  /** Select even without passing, fresh evidence. */
  force?: boolean;
}

export async function selectVariant(
  input: SelectInput,
): Promise<OpResult<{ event: string; tag: string; previous: string | null; forced: boolean }>> {
  const target = loadTarget(input.file, input.event);
  if (!target.ok) return target;
  const t = findTag(target, input.tag);
  if (!t.ok) return t;
  const ev = readEvidence(target.workspace, target.sym.canonical, t.tag);
  const why = !ev
    ? "it has no evidence: run 'koruc variants test' and 'koruc variants bench' first"
    : (staleReason(ev, procText(target, target.baseline), procText(target, t.proc)) ??
      (ev.verdict === "accepted" ? undefined : `its evidence says ${ev.verdict}: ${ev.reasons.join("; ")}`));
  if (why && !input.force) {
    return {
      ok: false,
      diagnostics: [
        usage(
          "KORU084",
          `refusing to select ${t.tag} of ${target.sym.canonical}: ${why}`,
          evidencePath(target.workspace, target.sym.canonical, t.tag),
          "pass --force to select it anyway",
        ),
      ],
    };
  }
  const previous = await updateSelection(target.workspace, target.sym.canonical, t.tag);
  return { ok: true, event: target.sym.canonical, tag: t.tag, previous, forced: !!why };
}

export async function revertVariant(
  input: Common & { event: string },
): Promise<OpResult<{ event: string; previous: string | null }>> {
  const target = loadTarget(input.file, input.event);
  if (!target.ok) return target;
  const previous = await updateSelection(target.workspace, target.sym.canonical, null);
  return { ok: true, event: target.sym.canonical, previous };
}

/** Read-modify-write of koru.variants.json under its lock: concurrent selections both land. */
export async function updateSelection(
  workspace: string,
  event: string,
  tag: string | null,
  /** Only when this variant is the one selected (a remove must not undo a newer selection). */
  onlyIf?: string,
): Promise<string | null> {
  const file = selectionPath(workspace);
  return withLock(file, () => {
    const { selection } = readSelection(workspace);
    const previous = selection.selected[event] ?? null;
    if (onlyIf !== undefined && (previous === null || canonicalTag(previous) !== canonicalTag(onlyIf))) return previous;
    if (tag === null) delete selection.selected[event];
    else selection.selected[event] = tag;
    const sorted = Object.fromEntries(Object.entries(selection.selected).sort(([a], [b]) => a.localeCompare(b)));
    // Nothing selected: no file, so a workspace that never selected anything looks the same.
    if (Object.keys(sorted).length === 0) rmSync(file, { force: true });
    else writeAtomic(file, `${JSON.stringify({ selected: sorted }, null, 2)}\n`);
    return previous;
  });
}
