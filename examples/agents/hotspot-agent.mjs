#!/usr/bin/env node
// A small reference agent for the CCP pipe:
//   koruc --ccp app.kz | node examples/agents/hotspot-agent.mjs | koruc --accept-commands=stdin app.kz
// It reads the compiler's events, and for the hottest event asks the compiler to describe
// the program's events and to repeat the hotspot analysis of that run; then it says exit.
// Its log goes to stderr; stdout carries only commands.
import { createInterface } from "node:readline";

const hotspots = [];
let runId;
let failed = false;
for await (const line of createInterface({ input: process.stdin })) {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    continue; // Not a protocol line; the compiler never sends these on stdout.
  }
  if (msg.type === "run_done") runId = msg.run_id;
  if (msg.type === "compile_failed") failed = true;
  if (msg.type === "hotspot_detected") hotspots.push(msg.data);
}

const send = (cmd) => process.stdout.write(`${JSON.stringify(cmd)}\n`);
if (failed || !runId) {
  process.stderr.write("agent: the program did not compile or run; nothing to optimize\n");
} else if (hotspots.length === 0) {
  process.stderr.write(`agent: run ${runId} has no hotspot above the threshold\n`);
} else {
  const top = hotspots[0];
  const best = top.optimization_candidates[0];
  process.stderr.write(
    `agent: hottest event ${top.event_name} (${(top.share * 100).toFixed(1)}% of the run); best candidate ${best?.strategy} saving ~${best?.estimated_gain_ms} ms\n`,
  );
  send({ cmd: "list_events", id: "events", module: top.event_name.split(":")[0] });
  send({ cmd: "hotspots", id: "again", run_id: runId, limit: 3 });
}
send({ cmd: "exit", id: "bye" });
