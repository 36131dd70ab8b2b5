#!/usr/bin/env bash
# The main job: compile and run a Koru program, then the agent loop on a bundled example:
#   koruc --ccp nbody.kz | agent | koruc --accept-commands=stdin nbody.kz
set -euo pipefail
cd "$(dirname "$0")/.."
koruc="node dist/cli/koruc.js"

echo "== koruc run examples/hello/hello.kz"
$koruc run examples/hello/hello.kz

echo
echo "== koruc --ccp examples/nbody/nbody.kz | hotspot-agent | koruc --accept-commands=stdin examples/nbody/nbody.kz"
echo "   (compiles nbody instrumented with ReleaseFast, runs 200,000 steps, finds the hot event;"
echo "    the agent asks the compiler to describe the program and to repeat the analysis)"
$koruc --ccp examples/nbody/nbody.kz -O ReleaseFast -- 200000 \
  | node examples/agents/hotspot-agent.mjs \
  | $koruc --accept-commands=stdin examples/nbody/nbody.kz \
  | node -e '
    const rl = require("node:readline").createInterface({ input: process.stdin });
    rl.on("line", (line) => {
      const m = JSON.parse(line);
      if (m.type === "events") console.log(`compiler: ${m.events.length} events: ${m.events.map((e) => `${e.event} (${e.implementation})`).join(", ")}`);
      else if (m.type === "hotspot_detected") {
        const d = m.data;
        console.log(`compiler: hotspot ${d.event_name}: ${d.call_count} calls, ${(d.share * 100).toFixed(1)}% of the run`);
        for (const c of d.optimization_candidates) console.log(`  candidate ${c.strategy}: ~${c.estimated_gain_ms.toFixed(2)} ms, confidence ${c.confidence}`);
      } else if (m.type === "exit") console.log("compiler: exit");
    });'
