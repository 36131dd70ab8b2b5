// Edits to a module's sidecar (<module>.variants.kz): propose and remove a variant. The module
// itself, holding the baseline, is never written; every write is atomic and under the sidecar's
// lock.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { canonicalTag, readSelection, sidecarOf, tagName } from "../compiler/index.js";
import { evidencePath } from "./evidence.js";
import { withLock, writeAtomic } from "./fs.js";
import { buildHarness, type Common, type OpResult } from "./operations.js";
import { updateSelection } from "./select.js";
import { findTag, loadTarget, procText, usage } from "./target.js";

// ---------------------------------------------------------------------------------- propose

export interface ProposeInput extends Common {
  event: string;
  tag: string;
  /** Zig body of the proc (the text between its braces). */
  body: string;
}

/** Write a variant proc into the module's sidecar (never the module itself). */
export async function proposeVariant(
  input: ProposeInput,
): Promise<OpResult<{ event: string; tag: string; sidecar: string; line: number }>> {
  const target = loadTarget(input.file, input.event);
  if (!target.ok) return target;
  const tag = canonicalTag(input.tag);
  if (!/^[A-Za-z_][A-Za-z0-9_]*\([A-Za-z_][A-Za-z0-9_]*\)$/.test(tag)) {
    return {
      ok: false,
      diagnostics: [
        usage(
          "KORU078",
          `invalid variant tag '${input.tag}'`,
          target.file,
          "a tag is a name (ai_opt_1) or target(name) (zig(ai_opt_1))",
        ),
      ],
    };
  }
  if (tagName(tag) === "baseline")
    return {
      ok: false,
      diagnostics: [usage("KORU078", "'baseline' names the baseline proc; pick another tag", target.file)],
    };
  const moduleFile = target.sym.module.file;
  const sidecar = sidecarOf(moduleFile);
  return withLock(sidecar, async () => {
    const before = existsSync(sidecar) ? readFileSync(sidecar, "utf8") : undefined;
    const head =
      before ??
      `// Variants of ${target.sym.module.name}'s procs, tested against the baselines in ${moduleFile.split("/").pop()}.\n`;
    const body = input.body
      .replace(/\s+$/, "")
      .split("\n")
      .map((l) => (l.trim() === "" ? "" : /^\s/.test(l) ? l : `    ${l}`));
    const sep = head.endsWith("\n") ? "\n" : "\n\n";
    const text = `${head}${sep}~proc ${target.sym.decl.path.join(".")}|${tag} {\n${body.join("\n")}\n}\n`;
    const line = text.split("\n").length - body.length - 2;
    writeAtomic(sidecar, text);
    // The new proc must check and compile (the event's Debug harness, which its smoke test
    // reuses from the build cache); otherwise the sidecar is put back as it was, so a broken
    // proposal never breaks later builds of the program or of the event's harness.
    const putBack = () => {
      if (before === undefined) rmSync(sidecar, { force: true });
      else writeAtomic(sidecar, before);
    };
    const check = loadTarget(input.file, input.event);
    const found = check.ok ? findTag(check, tag) : undefined;
    if (!check.ok || !found?.ok) {
      putBack();
      return {
        ok: false as const,
        diagnostics: !check.ok ? check.diagnostics : found && !found.ok ? found.diagnostics : [],
      };
    }
    const built = await buildHarness(check, "Debug", input.signal);
    if (!built.ok && !built.shapeError) {
      putBack();
      return { ok: false as const, diagnostics: built.diagnostics };
    }
    return { ok: true as const, event: target.sym.canonical, tag, sidecar, line };
  });
}

// ---------------------------------------------------------------------------------- remove

/**
 * Take a variant out of its sidecar (the module itself, holding the baseline, is never
 * edited). A selected variant is unselected first, so the build calls the baseline; its
 * evidence goes too.
 */
export async function removeVariant(
  input: Common & { event: string; tag: string },
): Promise<OpResult<{ event: string; tag: string; sidecar: string; unselected: boolean }>> {
  const target = loadTarget(input.file, input.event);
  if (!target.ok) return target;
  const t = findTag(target, input.tag);
  if (!t.ok) return t;
  const sidecar = sidecarOf(target.sym.module.file);
  if (t.proc.span.file !== sidecar)
    return {
      ok: false,
      diagnostics: [
        usage(
          "KORU078",
          `${t.tag} of ${target.sym.canonical} is written in ${t.proc.span.file}, not in its sidecar: tools remove only what they can add`,
          t.proc.span.file,
          "delete it by hand",
        ),
      ],
    };
  const { selection } = readSelection(target.workspace);
  const chosen = selection.selected[target.sym.canonical];
  const unselected = chosen !== undefined && canonicalTag(chosen) === canonicalTag(t.tag);
  // Unselect before the proc disappears: a selection naming a missing variant fails builds.
  if (unselected) await updateSelection(target.workspace, target.sym.canonical, null, t.tag);
  return withLock(sidecar, () => {
    // Read again under the lock: another tool may have written the sidecar since we loaded it.
    const now = loadTarget(input.file, input.event);
    const still = now.ok ? findTag(now, t.tag) : undefined;
    if (!now.ok || !still?.ok)
      return { ok: true as const, event: target.sym.canonical, tag: t.tag, sidecar, unselected };
    const text = readFileSync(sidecar, "utf8");
    const lines = text.split("\n");
    const first = still.proc.span.line - 1;
    const procLines = procText(now, still.proc).split("\n").length;
    // The comment lines directly above the proc belong to it, and one blank line before them.
    let start = first;
    while (start > 0 && /^\s*\/\//.test(lines[start - 1]) && !/^\s*\/\/.*\bVariants of\b/.test(lines[start - 1]))
      start--;
    if (start > 0 && lines[start - 1].trim() === "") start--;
    const rest = [...lines.slice(0, start), ...lines.slice(first + procLines)];
    const remaining = rest.join("\n");
    // Nothing but comments left: the sidecar goes, as if no variant had ever been proposed.
    if (remaining.split("\n").every((l) => l.trim() === "" || l.trim().startsWith("//")))
      rmSync(sidecar, { force: true });
    else writeAtomic(sidecar, remaining.endsWith("\n") ? remaining : `${remaining}\n`);
    rmSync(evidencePath(target.workspace, target.sym.canonical, t.tag), { force: true });
    return { ok: true as const, event: target.sym.canonical, tag: t.tag, sidecar, unselected };
  });
}
