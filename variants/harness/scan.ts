// Static scan of a variant's Zig: what a variant must not do to look faster or to pass
// (read clocks or the environment, keep state between calls, start threads, run assembly,
// call the baseline or the harness). Findings reject the variant with the reason.
import type { ProcDecl } from "../../compiler/index.js";

export interface ScanFinding {
  rule: string;
  line: number;
  text: string;
  why: string;
}

const RULES: { rule: string; re: RegExp; why: string }[] = [
  {
    rule: "clock",
    re: /\bstd\.time\b|\bclock_gettime\b|\brdtsc\b|\bInstant\b|\bTimer\b/,
    why: "reads a clock: results or speed may depend on time, not input",
  },
  {
    rule: "environment",
    re: /\bgetenv\b|\bgetEnvVar|\bEnvMap\b|\bstd\.os\.environ\b|\bstd\.process\.(?:getEnv|args)/,
    why: "reads the environment or arguments",
  },
  {
    rule: "threads",
    re: /\bstd\.Thread\b|\bspawn\s*\(|\basync\b|\bawait\b|\bthreadlocal\b/,
    why: "starts threads or keeps thread-local state",
  },
  { rule: "inline_asm", re: /\basm\b\s*(?:volatile\b)?\s*\(/, why: "inline assembly escapes every check" },
  {
    rule: "syscall",
    re: /\bstd\.(?:posix|os\.linux|fs|net|process)\b|\bsyscall\d?\s*\(/,
    why: "makes system calls (files, processes, network)",
  },
  {
    rule: "calls_baseline",
    re: /\bhandler(?:__[A-Za-z0-9_]*)?\s*\(|\b_default_handler\b/,
    why: "calls the baseline or another implementation instead of being one",
  },
  {
    rule: "calls_harness",
    re: /__koru_vh\b|__koru_harness|variant_harness|__koru_state\b|@import\s*\(\s*"builtin"\s*\)\s*\.\s*is_test/,
    why: "reaches into the test harness",
  },
];

/** `var` inside a nested `struct { ... }` of a function body is a static: state kept between calls. */
const STATIC_VAR = /struct\s*\{[^}]*\bvar\s+[A-Za-z_]/s;

export function scanVariant(
  proc: ProcDecl,
  opts: { moduleVars: string[]; baselineBody: string; sidecarHost: string[] },
): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const lines = proc.body.split("\n");
  lines.forEach((text, i) => {
    const code = text.replace(/\/\/.*$/, "");
    for (const r of RULES) {
      if (r.re.test(code)) findings.push({ rule: r.rule, line: proc.bodyLine + i, text: text.trim(), why: r.why });
    }
  });
  if (STATIC_VAR.test(proc.body.replace(/\/\/.*$/gm, ""))) {
    const i = lines.findIndex((l) => /\bvar\s+[A-Za-z_]/.test(l) && /struct|^\s*var/.test(l));
    findings.push({
      rule: "static_state",
      line: proc.bodyLine + Math.max(0, i),
      text: lines[Math.max(0, i)].trim(),
      why: "keeps a static variable: results can depend on earlier calls (a cache)",
    });
  }
  // Module-level `var`s the baseline does not touch are state only the variant keeps.
  for (const name of opts.moduleVars) {
    const re = new RegExp(`(?<![A-Za-z0-9_.])${name}(?![A-Za-z0-9_])`);
    if (re.test(proc.body) && !re.test(opts.baselineBody)) {
      const i = lines.findIndex((l) => re.test(l));
      findings.push({
        rule: "mutable_global",
        line: proc.bodyLine + i,
        text: lines[i].trim(),
        why: `uses the module variable '${name}', which the baseline never touches (hidden state)`,
      });
    }
  }
  for (const host of opts.sidecarHost) {
    if (/^\s*(?:pub\s+)?var\s/.test(host) || /\bthreadlocal\b/.test(host)) {
      findings.push({
        rule: "mutable_global",
        line: 0,
        text: host.trim(),
        why: "the sidecar declares a mutable global",
      });
    }
  }
  return findings;
}
