// Reads what an instrumented program writes on its record fd. The program can write
// there too (by mistake or on purpose), so nothing is trusted: every line is checked
// against the schema and against the sites the compiler instrumented; summary lines must
// carry the run's key (which the recorder hides from the program's environment); an edge
// reported twice and anything after the summary are refused. Refused lines are counted.
import type { Site } from "../compiler/instrument.js";
import { type EdgeStats, EdgeStatsRecord, RecorderSummaryRecord, TransitionRecord } from "./records.js";

export type RecorderSummary = Omit<ReturnType<typeof RecorderSummaryRecord.parse>, "type" | "id" | "run_id">;

export interface RecordReaderOptions {
  /** The run key passed in KORU_CCP_KEY; `edge_stats` and `recorder_summary` must echo it. */
  key?: string;
  /** Edges the recorder can report; when given, others are refused. */
  sites?: readonly Site[];
  /** A valid `transition` line, as the program wrote it. */
  onTransition: (line: string) => void;
  /** A valid `edge_stats` or `recorder_summary` record, key removed. */
  onRecord: (record: Record<string, unknown>) => void;
}

const TRANSITION_TAIL = /^,"timestamp":\d{1,16},"timestamp_ns":\d{1,20},"duration_ns":\d{1,20}\}$/;

export class RecordReader {
  readonly edges: EdgeStats[] = [];
  summary: RecorderSummary | undefined;
  /** Valid transition lines received. */
  transitions = 0;
  rejected = 0;
  private readonly prefixes: Set<string> | undefined;
  /** Edge -> how many sites report it (two invocation sites can share an edge). */
  private readonly edgeKeys: Map<string, number> | undefined;
  private readonly seenEdges = new Map<string, number>();

  constructor(private readonly opts: RecordReaderOptions) {
    if (opts.sites) {
      this.prefixes = new Set();
      this.edgeKeys = new Map();
      for (const s of opts.sites) {
        this.prefixes.add(
          `{"type":"transition","source":${JSON.stringify(s.source)},"branch":${JSON.stringify(s.branch)},` +
            `"destination":${s.destination === null ? "null" : JSON.stringify(s.destination)}`,
        );
        this.edgeKeys.set(edgeKey(s), (this.edgeKeys.get(edgeKey(s)) ?? 0) + 1);
      }
    }
  }

  line(line: string): void {
    if (line.length === 0) return;
    // Nothing follows the recorder's summary: later lines are the program's.
    if (this.summary) return this.reject();
    if (this.prefixes && line.startsWith('{"type":"transition"')) {
      // Fast path for millions of lines: a known prefix and the recorder's exact tail.
      const cut = line.indexOf(',"timestamp":');
      if (cut > 0 && this.prefixes.has(line.slice(0, cut)) && TRANSITION_TAIL.test(line.slice(cut))) {
        return this.transition(line);
      }
    }
    let rec: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return this.reject();
      rec = parsed as Record<string, unknown>;
    } catch {
      return this.reject(); // a torn line from a killed program, or the program's own bytes
    }
    if (rec.type === "transition") {
      const t = TransitionRecord.safeParse(rec);
      if (!t.success || !this.known(t.data)) return this.reject();
      return this.transition(line);
    }
    if (rec.type !== "edge_stats" && rec.type !== "recorder_summary") return this.reject();
    if (this.opts.key !== undefined && rec.key !== this.opts.key) return this.reject();
    const { key: _key, ...clean } = rec;
    if (rec.type === "edge_stats") {
      const e = EdgeStatsRecord.safeParse(clean);
      if (!e.success || "id" in clean || "run_id" in clean || !this.known(e.data)) return this.reject();
      const k = edgeKey(e.data);
      const seen = this.seenEdges.get(k) ?? 0;
      if (seen >= (this.edgeKeys?.get(k) ?? 1)) return this.reject();
      this.seenEdges.set(k, seen + 1);
      const { type: _t, ...edge } = e.data;
      this.edges.push(edge as EdgeStats);
      this.opts.onRecord(clean);
      return;
    }
    const s = RecorderSummaryRecord.safeParse(clean);
    if (!s.success || "id" in clean || "run_id" in clean) return this.reject();
    const { type: _t, ...summary } = s.data;
    this.summary = summary as RecorderSummary;
    this.opts.onRecord(clean);
  }

  private transition(line: string): void {
    this.transitions++;
    this.opts.onTransition(line);
  }

  private known(e: { source: string; branch: string; destination: string | null }): boolean {
    return !this.edgeKeys || this.edgeKeys.has(edgeKey(e));
  }

  private reject(): void {
    this.rejected++;
  }
}

function edgeKey(e: { source: string; branch: string; destination: string | null }): string {
  return JSON.stringify([e.source, e.branch, e.destination]);
}
