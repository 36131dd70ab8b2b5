#!/usr/bin/env node
// A small reference agent for the CCP pipe:
//   koruc --ccp app.kz | node examples/agents/hotspot-agent.mjs | koruc --accept-commands=stdin app.kz
// It reads the compiler's events. For the hottest event it asks the compiler to describe the
// program's events and to repeat the hotspot analysis; when it has a faster proc for that event
// (proposals/<event>.zig beside this file, as an agent would have written it), it proposes it
// as a variant, asks for the property test and the benchmark, and asks to select it: the
// compiler refuses the selection unless the evidence says the variant passes and is faster.
// Its log goes to stderr; stdout carries only commands.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const PROPOSALS = join(dirname(fileURLToPath(import.meta.url)), "proposals");

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
  const name = top.event_name.split(":").pop();
  const proposal = join(PROPOSALS, `${name}.zig`);
  if (top.optimization_candidates.some((c) => c.strategy === "variant") && existsSync(proposal)) {
    const tag = "zig(agent_1)";
    process.stderr.write(`agent: proposing ${tag} for ${top.event_name} from ${proposal}\n`);
    send({ cmd: "add_variant", id: "propose", event: top.event_name, tag, body: readFileSync(proposal, "utf8") });
    send({ cmd: "test_variant", id: "test", event: top.event_name, tag, bench: true });
    send({ cmd: "select_variant", id: "select", event: top.event_name, tag });
  }
}
send({ cmd: "exit", id: "bye" });
