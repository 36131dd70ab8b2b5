// From edge counts to the layout of one switch: arms by frequency, rare arms cold, the
// dominant arm likely.
import type { ArmHint, EventSymbol, SwitchPlan } from "../../compiler/index.js";
import type { EdgeCounts } from "./profile.js";

/** An arm taken in less than this share of its switch's results is cold. */
export const COLD_SHARE = 0.01;
/** The hottest arm is likely only when it takes at least this share (else it is no prediction). */
export const LIKELY_SHARE = 0.5;

/**
 * The plan of the switch on `sym`'s result whose branches continue into `destinations`, or
 * undefined when the run never saw that switch (the emitter then writes it as without PGO).
 * Counts are per edge (source, branch, destination): two sites of one event whose branches
 * continue into the same events share their counts.
 */
export function planSwitch(
  profile: EdgeCounts,
  sym: EventSymbol,
  destinations: ReadonlyMap<string, string | null>,
): SwitchPlan | undefined {
  const branches = profile.bySource.get(sym.canonical);
  if (!branches) return undefined;
  const counts = sym.decl.branches.map((b, index) => {
    const dests = branches.get(b.name);
    const exact = dests?.get(destinations.get(b.name) ?? "");
    // The site's own edge when the run recorded it, else every edge of the branch.
    const count = exact ?? [...(dests?.values() ?? [])].reduce((a, n) => a + n, 0);
    return { name: b.name, count, index };
  });
  const total = counts.reduce((a, c) => a + c.count, 0);
  if (total === 0) return undefined;
  const order = [...counts].sort((x, y) => y.count - x.count || x.index - y.index);
  const hints = new Map<string, ArmHint>();
  for (const c of counts) if (c.count / total < COLD_SHARE) hints.set(c.name, "cold");
  const [top, second] = order;
  if (top.count / total >= LIKELY_SHARE && (!second || top.count > second.count)) hints.set(top.name, "likely");
  return { order: order.map((c) => c.name), hints };
}
