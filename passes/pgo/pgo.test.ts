// The `pgo` pass on real run records (stats.json files in a workspace's .koru/runs/), through
// the real pipeline and emitter; building and running is in test/passes/pgo.e2e.test.ts.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileSource, type PassEvent } from "../../compiler/index.js";
import { pgoInsertion } from "./index.js";

const SOURCE = readFileSync(new URL("../../bench/pgo/branchy.kz", import.meta.url), "utf8");
const root = mkdtempSync(join(tmpdir(), "koru-pgo-"));
const file = join(root, "branchy.kz");
writeFileSync(file, SOURCE);
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Edge = [branch: string, count: number, destination?: string];
function record(runId: string, edges: Edge[], source = "branchy:tick"): string {
  const dir = join(root, ".koru", "runs", runId);
  mkdirSync(dir, { recursive: true });
  const list = edges.map(([branch, count, destination]) => ({
    source,
    branch,
    destination: destination ?? (branch === "done" ? "std.io:print.ln" : source),
    count,
    total_ns: 0,
    self_ns: 0,
  }));
  writeFileSync(join(dir, "stats.json"), JSON.stringify({ run_id: runId, wall_ns: 1, edges: list }));
  return runId;
}

function emit(runId?: string, onPass?: (e: PassEvent) => void) {
  return compileSource(SOURCE, file, {
    ...(runId !== undefined ? { insert: [pgoInsertion(runId, root)] } : {}),
    ...(onPass ? { onPass } : {}),
  });
}

/** The arms of the switch on tick's result, in order, each with its hint (or "-"). */
function tickArms(zig: string): string[] {
  const start = zig.indexOf("switch (result_3)");
  const body = zig.slice(start, zig.indexOf("\n            }\n", start));
  return [...body.matchAll(/^ {24}(\.\w+|else) => [^\n]*\n {28}(@branchHint\(\.(\w+)\);)?/gm)].map(
    (m) => `${m[1]}${m[3] ? `:${m[3]}` : ""}`,
  );
}

const typical: Edge[] = [
  ["overflow", 98],
  ["reseed", 429],
  ["odd", 4439],
  ["even", 95034],
  ["done", 1],
];

describe("the pgo pass", () => {
  const plain = emit();

  it("changes nothing without a profile: no hint, arms in declaration order", () => {
    expect(plain.ok).toBe(true);
    expect(plain.zig).not.toContain("@branchHint");
    expect(tickArms(plain.zig!)).toEqual([".overflow", ".reseed", ".odd", ".even", ".done"]);
  });

  it("orders arms by count, marks the rare ones cold and the dominant one likely", () => {
    const r = emit(record("typical", typical));
    expect(r.diagnostics).toEqual([]);
    expect(tickArms(r.zig!)).toEqual([".even:likely", ".odd", ".reseed:cold", ".overflow:cold", ".done:cold"]);
  });

  it("cold is under 1% of the switch's count; likely needs half of it", () => {
    const r = emit(
      record("even-split", [
        ["overflow", 1],
        ["reseed", 99],
        ["odd", 4900],
        ["even", 5000],
        ["done", 0],
      ]),
    );
    // reseed is 0.99%: cold; overflow 0.01%: cold; done never taken: cold; even is 50%: likely.
    expect(tickArms(r.zig!)).toEqual([".even:likely", ".odd", ".reseed:cold", ".overflow:cold", ".done:cold"]);
    const flat = emit(
      record("flat", [
        ["overflow", 30],
        ["reseed", 30],
        ["odd", 20],
        ["even", 20],
        ["done", 1],
      ]),
    );
    expect(tickArms(flat.zig!)).toEqual([".overflow", ".reseed", ".odd", ".even", ".done:cold"]);
  });

  it("keeps the Zig byte for byte when the run never saw the program's switches", () => {
    const r = emit(record("other-program", [["ok", 10]], "elsewhere:event"));
    expect(r.ok).toBe(true);
    expect(r.zig).toBe(plain.zig);
  });

  it("is reported as a pass, just before emit", () => {
    const events: PassEvent[] = [];
    emit(record("reported", typical), (e) => events.push(e));
    const starts = events.filter((e) => e.type === "pass_start").map((e) => e.pass);
    expect(starts.slice(-3)).toEqual(["variant_select", "pgo", "emit"]);
    expect(events.some((e) => e.type === "pass_done" && e.pass === "pgo" && typeof e.duration_ms === "number")).toBe(
      true,
    );
  });

  it("refuses a run without stats, a malformed one and an id that is not a run id, as PASS009", () => {
    mkdirSync(join(root, ".koru", "runs", "broken"), { recursive: true });
    writeFileSync(join(root, ".koru", "runs", "broken", "stats.json"), "{ not json");
    for (const [id, why] of [
      ["missing", "has no stats.json"],
      ["broken", "not valid JSON"],
      ["../../etc", "invalid run id"],
    ]) {
      const r = emit(id);
      expect(r.ok).toBe(false);
      expect(r.zig).toBeUndefined();
      expect(r.diagnostics.map((d) => d.code)).toEqual(["PASS009"]);
      expect(r.diagnostics[0].message).toContain(why);
    }
  });
});
