// CCP commands over the variant operations (variants/index.ts): add_variant, list_variants,
// test_variant (progress streamed), bench_variant, review_variant, select_variant,
// revert_variant, remove_variant. Loaded on first use, like the CLI loads its subcommands.
import type { Diagnostic } from "../compiler/index.js";
import type { Command } from "./commands.js";
import { diagnosticMessage } from "./messages.js";

type Send = (message: Record<string, unknown>) => void;
type VariantsModule = typeof import("../variants/index.js");
const VARIANTS = "../variants/index.js";

export type VariantCommand = Extract<
  Command,
  {
    cmd:
      | "add_variant"
      | "list_variants"
      | "test_variant"
      | "bench_variant"
      | "review_variant"
      | "select_variant"
      | "revert_variant"
      | "remove_variant";
  }
>;

export const VARIANT_COMMANDS = new Set([
  "add_variant",
  "list_variants",
  "test_variant",
  "bench_variant",
  "review_variant",
  "select_variant",
  "revert_variant",
  "remove_variant",
]);

/** A failed operation: its diagnostics, then a typed error for the command. */
export class VariantCommandError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Event names as the rest of the protocol gives them (hotspots, list_events): `nbody:advance`. */
function protocolName(event: string, _entry: string): string {
  return event;
}

export async function handleVariantCommand(
  cmd: VariantCommand,
  entry: string,
  reply: Send,
  signal?: AbortSignal,
): Promise<void> {
  const v = (await import(VARIANTS)) as VariantsModule;
  const fail = (diags: Diagnostic[]): never => {
    for (const d of diags) reply(diagnosticMessage(d));
    const refused = diags.some((d) => d.code === "KORU084");
    throw new VariantCommandError(diags[0]?.message ?? "failed", refused ? "refused" : "failed");
  };
  const onProgress = (p: { stage: string; message: string; done?: number; total?: number }) =>
    reply({
      type: "progress",
      stage: p.stage,
      message: p.message,
      ...(p.done !== undefined && p.total ? { fraction: Math.min(1, p.done / p.total) } : {}),
    });
  const common = { file: entry, onProgress, ...(signal ? { signal } : {}) };
  switch (cmd.cmd) {
    case "add_variant": {
      const r = await v.proposeVariant({ ...common, event: cmd.event, tag: cmd.tag, body: cmd.body });
      if (!r.ok) return fail(r.diagnostics);
      return reply({
        type: "variant_added",
        event: protocolName(r.event, entry),
        tag: r.tag,
        file: r.sidecar,
        line: r.line,
      });
    }
    case "list_variants": {
      const r = await v.listVariants({ ...common, ...(cmd.event ? { event: cmd.event } : {}) });
      if (!r.ok) return fail(r.diagnostics);
      const variants = r.variants.map((x) => ({
        event: protocolName(x.event, entry),
        tag: x.tag,
        file: x.file,
        line: x.line,
        status: x.status,
        selected: x.selected,
        ...(x.speedup ? { speedup: x.speedup } : {}),
      }));
      return reply({ type: "variants", variants });
    }
    case "test_variant": {
      const r = await v.testVariant({
        ...common,
        event: cmd.event,
        tag: cmd.tag,
        bench: cmd.bench ?? true,
        ...(cmd.seed !== undefined ? { seed: cmd.seed } : {}),
        ...(cmd.cases !== undefined ? { gateCases: cmd.cases } : {}),
      });
      if (!r.ok) return fail(r.diagnostics);
      return reply(testedMessage(r.evidence, r.evidencePath, entry));
    }
    case "bench_variant": {
      const r = await v.benchVariant({
        ...common,
        event: cmd.event,
        tag: cmd.tag,
        ...(cmd.pairs !== undefined ? { pairs: cmd.pairs } : {}),
      });
      if (!r.ok) return fail(r.diagnostics);
      if (r.evidence && r.evidencePath) return reply(testedMessage(r.evidence, r.evidencePath, entry));
      const b = r.bench;
      return reply({
        type: "variant_benched",
        event: cmd.event,
        tag: cmd.tag,
        faster: b.faster,
        speedup: b.speedup,
        ci_low: 1 / b.ciHigh,
        ci_high: 1 / b.ciLow,
        pairs: b.pairs.length,
      });
    }
    case "review_variant": {
      const r = await v.reviewVariant({ ...common, event: cmd.event, tag: cmd.tag });
      if (!r.ok) return fail(r.diagnostics);
      return reply({
        type: "variant_review",
        event: protocolName(r.evidence.event, entry),
        tag: r.evidence.tag,
        verdict: r.evidence.verdict,
        markdown: r.markdown,
      });
    }
    case "remove_variant": {
      const r = await v.removeVariant({ ...common, event: cmd.event, tag: cmd.tag });
      if (!r.ok) return fail(r.diagnostics);
      return reply({
        type: "variant_removed",
        event: protocolName(r.event, entry),
        tag: r.tag,
        file: r.sidecar,
        unselected: r.unselected,
      });
    }
    case "select_variant":
    case "revert_variant": {
      if (cmd.cmd === "revert_variant" || cmd.tag === null) {
        const r = await v.revertVariant({ ...common, event: cmd.event });
        if (!r.ok) return fail(r.diagnostics);
        return reply({
          type: "variant_selected",
          event: protocolName(r.event, entry),
          tag: null,
          previous: r.previous,
        });
      }
      const r = await v.selectVariant({
        ...common,
        event: cmd.event,
        tag: cmd.tag,
        ...(cmd.force ? { force: true } : {}),
      });
      if (!r.ok) return fail(r.diagnostics);
      return reply({ type: "variant_selected", event: protocolName(r.event, entry), tag: r.tag, previous: r.previous });
    }
  }
}

function testedMessage(
  ev: import("../variants/index.js").Evidence,
  path: string,
  entry: string,
): Record<string, unknown> {
  const cases = ev.tiers.reduce((n, t) => n + t.total, 0);
  const failures = ev.tiers.reduce((n, t) => n + t.failures, 0) + ev.incidents.length;
  const b = ev.bench;
  return {
    type: "variant_tested",
    event: protocolName(ev.event, entry),
    tag: ev.tag,
    passed: ev.verdict === "accepted" || ev.verdict === "passed_tests",
    verdict: ev.verdict,
    cases,
    failures,
    ...(b ? { speedup: b.speedup, ci_low: 1 / b.ciHigh, ci_high: 1 / b.ciLow } : {}),
    evidence: path,
    message: ev.reasons.join("; "),
  };
}
