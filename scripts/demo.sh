#!/usr/bin/env bash
# The main job: compile and run a Koru program, then the agent loop on a bundled example:
#   koruc --ccp nbody.kz | agent | koruc --accept-commands=stdin nbody.kz
set -euo pipefail
cd "$(dirname "$0")/.."
koruc="node dist/cli/koruc.js"

echo "== koruc run examples/hello/hello.kz"
$koruc run examples/hello/hello.kz

echo
# The agent writes a variant sidecar and evidence: work on a copy, never on the repository's files.
ws="$(mktemp -d)"
cp examples/nbody/nbody.kz "$ws/nbody.kz"
echo "== koruc --ccp nbody.kz | hotspot-agent | koruc --accept-commands=stdin nbody.kz   (in $ws)"
echo "   (compiles nbody instrumented with ReleaseFast, runs 200,000 steps, finds the hot event;"
echo "    the agent asks the compiler to describe the program and to repeat the analysis, then"
echo "    proposes a variant of the hot event, has it tested and benchmarked, and asks to select it)"
$koruc --ccp "$ws/nbody.kz" -O ReleaseFast -- 200000 \
  | node examples/agents/hotspot-agent.mjs \
  | $koruc --accept-commands=stdin "$ws/nbody.kz" \
  | node -e '
    const rl = require("node:readline").createInterface({ input: process.stdin });
    rl.on("line", (line) => {
      const m = JSON.parse(line);
      if (m.type === "events") console.log(`compiler: ${m.events.length} events: ${m.events.map((e) => `${e.event} (${e.implementation})`).join(", ")}`);
      else if (m.type === "hotspot_detected") {
        const d = m.data;
        console.log(`compiler: hotspot ${d.event_name}: ${d.call_count} calls, ${(d.share * 100).toFixed(1)}% of the run`);
        for (const c of d.optimization_candidates) console.log(`  candidate ${c.strategy}: ~${c.estimated_gain_ms.toFixed(2)} ms, confidence ${c.confidence}`);
      } else if (m.type === "variant_added") console.log(`compiler: variant ${m.tag} of ${m.event} written to ${m.file}:${m.line}`);
      else if (m.type === "progress" && m.id === "test") console.log(`compiler: ${m.message}`);
      else if (m.type === "variant_tested") console.log(`compiler: verdict ${m.verdict} for ${m.tag}: ${m.message}`);
      else if (m.type === "variant_selected") console.log(`compiler: ${m.event} now calls ${m.tag}; the baseline stays compiled`);
      else if (m.type === "error" && (m.id === "select" || m.id === "test" || m.id === "propose")) console.log(`compiler: ${m.id} refused: ${m.message}`);
      else if (m.type === "exit") console.log("compiler: exit");
    });'
