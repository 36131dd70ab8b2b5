#!/usr/bin/env node
// Formatter conformance on upstream's regression inputs: for every tests/regression/**/input.kz
// of an upstream checkout that our parser accepts, checks that parse(print(ast)) equals the AST
// (positions aside), that formatting is idempotent and that every comment survives.
// The checkout is only read. Not part of CI.
//
// Usage: node dist/scripts/format-corpus.js <upstream checkout> [--verbose]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseModule } from "../compiler/parse.js";
import { commentStart } from "../compiler/scan.js";
import { formatSource, printModule, sameAst } from "../passes/print/index.js";

function inputs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return inputs(p);
    return name === "input.kz" ? [p] : [];
  });
}

/** Every `//` comment (outside string literals) as written, trailing spaces aside. */
function commentsOf(source: string): string[] {
  return source.split(/\r?\n/).flatMap((line) => {
    const at = commentStart(line);
    return at < 0 ? [] : [line.slice(at).trimEnd()];
  });
}

function main(argv: string[]): number {
  const checkout = argv.find((a) => !a.startsWith("-"));
  const verbose = argv.includes("--verbose");
  if (!checkout) {
    process.stderr.write("usage: format-corpus <upstream checkout> [--verbose]\n");
    return 2;
  }
  const files = inputs(join(checkout, "tests", "regression")).sort();
  let accepted = 0;
  let roundTrip = 0;
  let idempotent = 0;
  let commentsKept = 0;
  for (const file of files) {
    const source = readFileSync(file, "utf8");
    const parsed = parseModule(source, file, "input");
    if (parsed.diagnostics.some((d) => d.level === "error")) continue;
    accepted++;
    const printed = printModule(parsed.module);
    const again = parseModule(printed, file, "input");
    const ok = !again.diagnostics.some((d) => d.level === "error") && sameAst(parsed.module.items, again.module.items);
    if (ok) roundTrip++;
    else if (verbose) process.stdout.write(`ROUND TRIP FAIL ${file}\n`);
    const once = formatSource(source, file).text ?? "";
    if (formatSource(once, file).text === once) idempotent++;
    else if (verbose) process.stdout.write(`NOT IDEMPOTENT ${file}\n`);
    if (commentsOf(source).every((c) => once.includes(c))) commentsKept++;
    else if (verbose) process.stdout.write(`COMMENT LOST ${file}\n`);
  }
  process.stdout.write(
    `${files.length} inputs, ${accepted} accepted by our parser: ${roundTrip} round-trip, ` +
      `${idempotent} format idempotently, ${commentsKept} keep every comment\n`,
  );
  return roundTrip === accepted && idempotent === accepted ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
