// Which variant each event's build calls: `koru.variants.json` at the workspace root, a map
// from canonical event name (`input:blur`) to a variant tag. Absent or empty: every baseline.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Diagnostic, error } from "./diagnostics.js";
import type { EmitHooks } from "./emit/program.js";
import type { Symbols } from "./symbols.js";
import { findVariant } from "./variant-tags.js";
import { findWorkspace } from "./workspace.js";

export const SELECTION_FILE = "koru.variants.json";

export interface VariantSelection {
  /** Canonical event name → selected tag. */
  selected: Record<string, string>;
}

export function selectionPath(workspace: string): string {
  return join(workspace, SELECTION_FILE);
}

/** Read the selection; a malformed file is a diagnostic, never a crash. */
export function readSelection(workspace: string): { selection: VariantSelection; diagnostics: Diagnostic[] } {
  const file = selectionPath(workspace);
  const empty = { selection: { selected: {} }, diagnostics: [] };
  if (!existsSync(file)) return empty;
  try {
    const json = JSON.parse(readFileSync(file, "utf8")) as unknown;
    const selected = (json as { selected?: unknown })?.selected;
    if (typeof selected !== "object" || selected === null || Array.isArray(selected))
      throw new Error('expected {"selected": {"module:event": "tag"}}');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(selected)) if (typeof v === "string") out[k] = v;
    return { selection: { selected: out }, diagnostics: [] };
  } catch (e) {
    return {
      ...empty,
      diagnostics: [
        error("KORU075", `malformed ${SELECTION_FILE}: ${(e as Error).message}`, { file, line: 1, col: 1 }),
      ],
    };
  }
}

/** The emitter hook that makes builds call the selected variants of the entry file's workspace. */
export function variantSelectionHooks(
  entryFile: string,
  symbols: Symbols,
): { hooks: EmitHooks; diagnostics: Diagnostic[] } {
  const workspace = findWorkspace(entryFile);
  const { selection, diagnostics } = readSelection(workspace);
  const file = selectionPath(workspace);
  for (const [event, tag] of Object.entries(selection.selected)) {
    const sym = symbols.events.get(event);
    // Selections for events this program does not contain belong to other programs of the workspace.
    if (!sym) continue;
    if (!findVariant(sym.variants, tag).ok) {
      diagnostics.push(
        error(
          "KORU074",
          `${SELECTION_FILE} selects variant '${tag}' of '${event}', which has no such variant`,
          { file, line: 1, col: 1 },
          {
            hint: "add the variant to the module's .variants.kz, or revert the selection",
          },
        ),
      );
    }
  }
  const hooks: EmitHooks = Object.keys(selection.selected).length
    ? { selectedVariant: (canonical) => selection.selected[canonical] }
    : {};
  return { hooks, diagnostics };
}
