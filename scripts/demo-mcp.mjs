#!/usr/bin/env node
// The main job: a scripted agent drives koru-mcp through the SDK's Client over stdio, on a copy
// of a bundled example: analyze -> hotspots -> the optimize_hotspot prompt -> propose the variant
// that ships with the example (as an agent would have written it) -> test -> benchmark ->
// review -> select -> rebuild -> run, then prints a report. The example folder is never modified.
// The example is examples/nbody when it ships a variant for its hot event, else examples/blur.
// Usage: node scripts/demo-mcp.mjs [nbody|blur] [program argument]
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The bundled examples and the variant text each ships (the first that exists wins). */
const EXAMPLES = [
  // nbody's sidecar holds the variant an agent wrote for `advance`; the demo proposes its text anew.
  { name: "nbody", arg: "200000", variants: ["nbody.variants.kz"] },
  { name: "blur", arg: "200", variants: ["proposals/simd16.zig"] },
];
const wanted = process.argv[2];
const chosen =
  EXAMPLES.find((e) => e.name === wanted) ??
  EXAMPLES.find((e) => e.variants.some((v) => existsSync(join(root, "examples", e.name, v)))) ??
  EXAMPLES[0];
const steps = process.argv[3] ?? chosen.arg;
const example = join(root, "examples", chosen.name);
const say = (text) => process.stdout.write(`${text}\n`);
const indent = (text, n = 4) =>
  text
    .split("\n")
    .map((l) => `${" ".repeat(n)}${l}`)
    .join("\n");

/** The variant an agent wrote for the hot event: a file shipped with the example. */
function shippedVariant() {
  const file = chosen.variants.find((v) => existsSync(join(example, v)));
  return file ? { file, text: readFileSync(join(example, file), "utf8") } : undefined;
}

const ws = mkdtempSync(join(tmpdir(), "koru-mcp-demo-"));
for (const name of readdirSync(example)) {
  // A sidecar the agent is about to write must not be there already.
  if (!name.endsWith(".variants.kz") && name !== "koru.variants.json")
    cpSync(join(example, name), join(ws, name), { recursive: true });
}

const transport = new StdioClientTransport({
  command: process.execPath,
  args: [join(root, "dist", "mcp", "main.js"), "--root", ws, "--no-watch"],
  // The SDK passes a child only a short list of variables (PATH, HOME, ...): KORU_ZIG must reach
  // the server, or a Zig given that way is not found.
  env: { ...process.env },
  stderr: "ignore",
});
const client = new Client({ name: "koru-demo-agent", version: "1.0.0" });
await client.connect(transport);
const { tools } = await client.listTools();
const has = (name) => tools.some((t) => t.name === name);
say(`== koru-mcp demo: a scripted agent optimizes examples/${chosen.name} over MCP (stdio)`);
say(
  `agent: connected to ${client.getServerVersion()?.name} ${client.getServerVersion()?.version}, ${tools.length} tools, workspace ${ws}`,
);

let lastProgress = "";
async function tool(name, args, quiet = false) {
  const r = await client.callTool({ name, arguments: args }, undefined, {
    timeout: 1_800_000,
    resetTimeoutOnProgress: true,
    onprogress: (p) => {
      if (!quiet && p.message && p.message !== lastProgress) {
        lastProgress = p.message;
        say(`    … ${p.message}`);
      }
    },
  });
  if (r.isError) throw new Error(`${name}: ${r.content.map((c) => c.text).join(" ")}`);
  return r.structuredContent;
}

const report = {};
try {
  say(`\nagent -> analyze {optimize: ReleaseFast, args: [${steps}]}`);
  const analysis = await tool("analyze", { optimize: "ReleaseFast", args: [steps], min_share: 0 });
  if (!analysis.ok) throw new Error(`analyze failed: ${JSON.stringify(analysis.diagnostics)}`);
  say(`  run ${analysis.run_id}: ${analysis.wall_ms.toFixed(0)} ms`);
  for (const h of analysis.hotspots.slice(0, 3)) {
    say(`  hotspot #${h.rank} ${h.event_name}: ${(h.share * 100).toFixed(1)}% of the run, ${h.call_count} calls`);
  }

  say(`\nagent -> get_hotspots {run_id: ${analysis.run_id}, limit: 1}`);
  const hot = (await tool("get_hotspots", { run_id: analysis.run_id, limit: 1, min_share: 0 })).hotspots[0];
  if (!hot) throw new Error("no hotspot found");
  report.hotspot = hot;
  say(`  top: ${hot.event_name} (${hot.kind}); best candidate: ${hot.optimization_candidates[0]?.strategy ?? "none"}`);

  say(`\nagent -> prompts/get optimize_hotspot {event: ${hot.event_name}}`);
  const prompt = await client.getPrompt({
    name: "optimize_hotspot",
    arguments: { event: hot.event_name, run_id: analysis.run_id },
  });
  const promptText = prompt.messages[0].content.text;
  say(indent(promptText.split("\n").slice(0, 6).join("\n")));
  say(`    … (${promptText.split("\n").length} lines: shape, baseline, figures, the rules a variant must satisfy)`);

  say(`\nagent -> run {optimize: ReleaseFast, args: [${steps}]} (baseline output)`);
  const before = await tool("run", { optimize: "ReleaseFast", args: [steps] }, true);
  say(indent(before.stdout.trim() || before.stderr.trim()));

  const variant = shippedVariant();
  if (!has("propose_variant")) {
    report.skipped = "this build of koru-mcp has no variant tools yet (variants/ has not landed)";
  } else if (!variant) {
    report.skipped = `examples/${chosen.name} ships no variant text for the agent to propose`;
  } else {
    const event = hot.event_name;
    say(`\nagent -> propose_variant {event: ${event}, source: <${variant.file}>}`);
    const proposed = await tool("propose_variant", { event, source: variant.text });
    const tag = proposed.tag;
    say(`  wrote ${proposed.file} (tag ${tag}); the baseline is untouched`);

    say(`\nagent -> test_variant {event: ${event}, tag: ${tag}}`);
    const tested = await tool("test_variant", { event, tag });
    tested.summary = tested.passed
      ? `passed ${tested.cases} cases (${tested.edge_cases} edge cases), identical results`
      : `rejected: ${tested.reasons.join("; ")}`;
    say(`  ${tested.summary}`);
    report.test = tested;

    say(`\nagent -> benchmark_variant {event: ${event}, tag: ${tag}}`);
    const bench = await tool("benchmark_variant", { event, tag });
    say(
      `  speedup ${bench.speedup.toFixed(2)}x (95% CI ${bench.ci_low.toFixed(2)}-${bench.ci_high.toFixed(2)}): ${bench.reason}`,
    );
    report.bench = bench;

    say(`\nagent -> review_variant {event: ${event}, tag: ${tag}}`);
    const review = await tool("review_variant", { event, tag });
    say(indent(review.verdict_line ?? review.markdown.split("\n").slice(0, 4).join("\n")));
    report.review = review;

    report.accepted = tested.passed && bench.faster && bench.verdict === "accepted";
    if (report.accepted) {
      say(`\nagent -> select_variant {event: ${event}, tag: ${tag}}`);
      await tool("select_variant", { event, tag });
      say(`\nagent -> run {optimize: ReleaseFast, args: [${steps}]} (rebuilt with the variant)`);
      const after = await tool("run", { optimize: "ReleaseFast", args: [steps] }, true);
      say(indent(after.stdout.trim() || after.stderr.trim()));
      report.identical = after.stdout === before.stdout && after.stderr === before.stderr;
      report.after = after;
      report.before = before;
    }
  }
} finally {
  await client.close();
}

say(`\n== report`);
const h = report.hotspot;
say(
  `hotspot:  ${h.event_name}: ${(h.share * 100).toFixed(1)}% of the run, ${h.call_count} calls, ${h.self_ms.toFixed(1)} ms self time`,
);
if (report.skipped) {
  say(`variant:  not tried: ${report.skipped}`);
} else {
  say(`verdict:  ${report.accepted ? "accepted" : "rejected"}: ${report.test.summary}; ${report.bench.reason}`);
  say(
    `speedup:  ${report.bench.speedup.toFixed(2)}x (95% CI ${report.bench.ci_low.toFixed(2)}-${report.bench.ci_high.toFixed(2)}, variant vs baseline)`,
  );
  if (report.identical !== undefined) {
    say(`output:   ${report.identical ? "identical" : "DIFFERENT"} before and after selecting the variant`);
    say(`run time: ${report.before.wall_ms.toFixed(0)} ms -> ${report.after.wall_ms.toFixed(0)} ms (whole program)`);
  }
}
if (existsSync(ws)) rmSync(ws, { recursive: true, force: true });
