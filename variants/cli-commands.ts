// `koruc variants <command> ...`: argument parsing and rendering over the variant operations.
// Exit codes: 0 passed / done, 1 rejected or refused (the reason on stderr), 2 usage or build error.
import { existsSync, readFileSync } from "node:fs";
import { type Diagnostic, render } from "../compiler/index.js";
import { benchVariant, listVariants, type Progress, reviewVariant, testVariant } from "./operations.js";
import { revertVariant, selectVariant } from "./select.js";
import { proposeVariant, removeVariant } from "./sidecar-ops.js";

export const VARIANTS_HELP = `koruc variants - propose, test, benchmark and select proc variants

Usage:
  koruc variants propose <file.kz> <event> <tag> <body.zig|->   write a variant into the sidecar
  koruc variants test <file.kz> <event> <tag> [--seed N] [--cases N] [--bench] [--json]
  koruc variants bench <file.kz> <event> <tag> [--pairs N] [--json]
  koruc variants review <file.kz> <event> <tag>                  the evidence as Markdown
  koruc variants list <file.kz> [<event>] [--json]
  koruc variants select <file.kz> <event> <tag> [--force]        the build calls the variant
  koruc variants revert <file.kz> <event>                        the build calls the baseline
  koruc variants remove <file.kz> <event> <tag>                  take the variant out of the sidecar

<event> is the event's name (blur) or canonical name (blur:blur); <tag> is zig(name) or name.
Exit code: 0 passed or done, 1 rejected or refused (reason on stderr), 2 usage or build error.
`;

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

function parse(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const [k, v] = a.slice(2).split("=", 2);
      if (v !== undefined) flags.set(k, v);
      else if (["seed", "cases", "pairs"].includes(k) && i + 1 < argv.length) flags.set(k, argv[++i]);
      else flags.set(k, true);
    } else positional.push(a);
  }
  return { positional, flags };
}

function num(p: Parsed, k: string): number | undefined {
  const v = p.flags.get(k);
  if (v === undefined || v === true) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function printDiagnostics(diags: Diagnostic[]): void {
  for (const d of diags) {
    let lines: string[] | undefined;
    try {
      lines = existsSync(d.file) ? readFileSync(d.file, "utf8").split("\n") : undefined;
    } catch {
      lines = undefined;
    }
    process.stderr.write(`${render(d, lines)}\n`);
  }
}

/** A refusal is a verdict (exit 1); anything else that failed is usage or build (exit 2). */
const REFUSALS = new Set(["KORU084"]);

function failed(diags: Diagnostic[]): number {
  printDiagnostics(diags);
  return diags.every((d) => REFUSALS.has(d.code)) ? 1 : 2;
}

const progress = (p: Progress) => process.stderr.write(`  ${p.message}\n`);

export async function runVariantsCli(argv: string[]): Promise<number> {
  const p = parse(argv);
  const [cmd, file, event, tag, extra] = p.positional;
  const json = p.flags.has("json");
  const need = (n: number, what: string) => {
    if (p.positional.length < n) {
      process.stderr.write(`koruc variants ${cmd}: expected ${what}\n\n${VARIANTS_HELP}`);
      return false;
    }
    return true;
  };
  switch (cmd) {
    case "propose": {
      if (!need(5, "<file.kz> <event> <tag> <body.zig|->")) return 2;
      const body =
        extra === "-" ? readFileSync(0, "utf8") : existsSync(extra) ? readFileSync(extra, "utf8") : undefined;
      if (body === undefined) return usage(`cannot read the variant body '${extra}'`);
      const r = await proposeVariant({ file, event, tag, body });
      if (!r.ok) return failed(r.diagnostics);
      process.stdout.write(
        json ? `${JSON.stringify(r)}\n` : `${r.tag} of ${r.event} written to ${r.sidecar}:${r.line}\n`,
      );
      return 0;
    }
    case "test": {
      if (!need(4, "<file.kz> <event> <tag>")) return 2;
      const r = await testVariant({
        file,
        event,
        tag,
        bench: p.flags.has("bench"),
        ...(num(p, "seed") !== undefined ? { seed: num(p, "seed") } : {}),
        ...(num(p, "cases") !== undefined ? { gateCases: num(p, "cases") } : {}),
        onProgress: progress,
      });
      if (!r.ok) return failed(r.diagnostics);
      const ev = r.evidence;
      if (json) process.stdout.write(`${JSON.stringify(ev, null, 2)}\n`);
      else
        process.stdout.write(
          `${ev.tag} of ${ev.event}: ${ev.verdict}\n${ev.reasons.map((x) => `  ${x}`).join("\n")}\nevidence: ${r.evidencePath}\n`,
        );
      if (!r.passed)
        process.stderr.write(
          `${ev.verdict === "inconclusive" ? "inconclusive" : "rejected"}: ${ev.reasons.join("; ")}\n`,
        );
      return r.passed ? 0 : 1;
    }
    case "bench": {
      if (!need(4, "<file.kz> <event> <tag>")) return 2;
      const r = await benchVariant({
        file,
        event,
        tag,
        ...(num(p, "pairs") !== undefined ? { pairs: num(p, "pairs") } : {}),
        onProgress: progress,
      });
      if (!r.ok) return failed(r.diagnostics);
      const b = r.bench;
      if (json) process.stdout.write(`${JSON.stringify(r.evidence ?? b, null, 2)}\n`);
      else
        process.stdout.write(
          `variant/baseline time: median ${b.medianRatio.toFixed(3)}, 95% CI [${b.ciLow.toFixed(3)}, ${b.ciHigh.toFixed(3)}] over ${b.pairs.length} pairs: ` +
            `${b.faster ? `faster, ${b.speedup.toFixed(2)}x` : "not faster"}${b.suspect ? " (SUSPECT: over 10x)" : ""}\n` +
            (r.evidence
              ? `verdict: ${r.evidence.verdict}\nevidence: ${r.evidencePath}\n`
              : "no fresh evidence to fold this into: run 'koruc variants test' first\n"),
        );
      if (!b.faster || b.suspect)
        process.stderr.write(`rejected: ${b.faster ? "suspect speedup over 10x" : "not faster than the baseline"}\n`);
      return b.faster && !b.suspect ? 0 : 1;
    }
    case "review": {
      if (!need(4, "<file.kz> <event> <tag>")) return 2;
      const r = await reviewVariant({ file, event, tag });
      if (!r.ok) return failed(r.diagnostics);
      process.stdout.write(json ? `${JSON.stringify(r.evidence, null, 2)}\n` : `${r.markdown}\n`);
      return 0;
    }
    case "list": {
      if (!need(2, "<file.kz> [<event>]")) return 2;
      const r = await listVariants({ file, ...(event ? { event } : {}) });
      if (!r.ok) return failed(r.diagnostics);
      if (json) process.stdout.write(`${JSON.stringify(r.variants, null, 2)}\n`);
      else if (r.variants.length === 0) process.stdout.write("no variants\n");
      else
        for (const v of r.variants) {
          const speed = v.speedup ? ` ${v.speedup.toFixed(2)}x` : "";
          process.stdout.write(
            `${v.selected ? "*" : " "} ${v.event} ${v.tag}: ${v.verdict ?? "untested"}${v.stale ? " (stale)" : ""}${speed}  ${v.file}:${v.line}\n`,
          );
        }
      return 0;
    }
    case "select": {
      if (!need(4, "<file.kz> <event> <tag>")) return 2;
      const r = await selectVariant({ file, event, tag, force: p.flags.has("force") });
      if (!r.ok) return failed(r.diagnostics);
      process.stdout.write(
        `${r.event} now calls ${r.tag}${r.forced ? " (forced: its evidence does not pass)" : ""}; the baseline stays compiled\n`,
      );
      return 0;
    }
    case "remove": {
      if (!need(4, "<file.kz> <event> <tag>")) return 2;
      const r = await removeVariant({ file, event, tag });
      if (!r.ok) return failed(r.diagnostics);
      process.stdout.write(
        json
          ? `${JSON.stringify(r)}\n`
          : `${r.tag} of ${r.event} removed from ${r.sidecar}${r.unselected ? "; the build calls the baseline again" : ""}\n`,
      );
      return 0;
    }
    case "revert": {
      if (!need(3, "<file.kz> <event>")) return 2;
      const r = await revertVariant({ file, event });
      if (!r.ok) return failed(r.diagnostics);
      process.stdout.write(`${r.event} calls its baseline again${r.previous ? ` (was ${r.previous})` : ""}\n`);
      return 0;
    }
    case undefined:
    case "help":
    case "--help":
      process.stdout.write(VARIANTS_HELP);
      return cmd === undefined ? 2 : 0;
    default:
      return usage(`unknown command '${cmd}'`);
  }
}

function usage(msg: string): number {
  process.stderr.write(`koruc variants: ${msg}\n\n${VARIANTS_HELP}`);
  return 2;
}
