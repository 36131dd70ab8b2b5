import { describe, expect, it } from "vitest";
import { RecordReader } from "./record-reader.js";

const sites = [
  { source: "app:tick", branch: "next", destination: "app:tick", invocation: 0 },
  { source: "app:tick", branch: "done", destination: null, invocation: 0 },
  { source: "app:print", branch: "", destination: null, invocation: 2 },
  { source: "app:print", branch: "", destination: null, invocation: 3 },
];

function reader() {
  const transitions: string[] = [];
  const records: Record<string, unknown>[] = [];
  const r = new RecordReader({
    key: "k1",
    sites,
    onTransition: (l) => transitions.push(l),
    onRecord: (x) => records.push(x),
  });
  return { r, transitions, records };
}

const edge = (extra: Record<string, unknown>) =>
  JSON.stringify({
    type: "edge_stats",
    source: "app:tick",
    branch: "next",
    destination: "app:tick",
    count: 3,
    total_ns: 9,
    self_ns: 9,
    ...extra,
  });
const summary = (extra: Record<string, unknown>) =>
  JSON.stringify({
    type: "recorder_summary",
    transitions_written: 1,
    transitions_dropped: 0,
    cap: 5,
    wall_ns: 1,
    threads: 1,
    ...extra,
  });

describe("record reader", () => {
  it("accepts the recorder's lines and strips the key", () => {
    const { r, transitions, records } = reader();
    r.line(
      '{"type":"transition","source":"app:tick","branch":"next","destination":"app:tick","timestamp":1,"timestamp_ns":2,"duration_ns":3}',
    );
    r.line(edge({ key: "k1" }));
    r.line(summary({ key: "k1", mode: "timing" }));
    expect(transitions).toHaveLength(1);
    expect(r.edges).toEqual([
      { source: "app:tick", branch: "next", destination: "app:tick", count: 3, total_ns: 9, self_ns: 9 },
    ]);
    expect(records.every((x) => !("key" in x))).toBe(true);
    expect(r.summary?.mode).toBe("timing");
    expect(r.rejected).toBe(0);
  });

  it("refuses unknown edges, missing or wrong keys, schema errors, repeats, and anything after the summary", () => {
    const { r, transitions } = reader();
    const bad = [
      edge({}), // no key
      edge({ key: "k2" }),
      edge({ key: "k1", source: "app:fake" }),
      edge({ key: "k1", count: -1 }),
      '{"type":"transition","source":"app:fake","branch":"x","destination":null,"timestamp":1,"timestamp_ns":2}',
      '{"type":"transition","source":5}',
      '{"type":"program_output","stream":"stdout","text":"x"}',
      "[1,2]",
      "garbage",
    ];
    for (const l of bad) r.line(l);
    r.line(edge({ key: "k1" }));
    r.line(edge({ key: "k1" })); // one site: a second report of the edge is forged
    r.line(summary({ key: "k1" }));
    r.line(edge({ key: "k1", branch: "done", destination: null }));
    r.line(summary({ key: "k1" }));
    expect(transitions).toHaveLength(0);
    expect(r.edges).toHaveLength(1);
    expect(r.rejected).toBe(bad.length + 3);
  });

  it("allows an edge as many times as it has sites", () => {
    const { r } = reader();
    const print = (k: string) =>
      JSON.stringify({
        type: "edge_stats",
        source: "app:print",
        branch: "",
        destination: null,
        count: 1,
        total_ns: 1,
        self_ns: 1,
        key: k,
      });
    for (let i = 0; i < 3; i++) r.line(print("k1"));
    expect(r.edges).toHaveLength(2);
    expect(r.rejected).toBe(1);
  });
});
