// Resources: the workspace's sources, ASTs, runs, variants and evidence, read by URI. Large
// data (transitions) pages with `?cursor=`; tools point here with resource_link.
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describeScopes, renderVocabulary, type ScopeVocabulary } from "../ccp/index.js";
import { listRuns, readRunMeta, runDir } from "../ccp/run-records.js";
import { kzFiles, programJson } from "../compiler/index.js";
import { readEvidence } from "../variants/index.js";
import { findEvent, procText } from "./events.js";
import { describeEvents, parseProgram, runHotspots } from "./ops.js";
import type { Services } from "./services.js";
import { ToolError } from "./tool.js";
import { jobView } from "./tools/jobs.js";

export interface ResourceEntry {
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
}

export interface ResourceDef {
  name: string;
  title: string;
  description: string;
  mimeType: string;
  /** A fixed URI, or an RFC 6570 template. */
  uri: string;
  template: boolean;
  list?: (services: Services) => ResourceEntry[];
  read: (services: Services, uri: URL, vars: Record<string, string>) => Promise<string> | string;
}

const JSON_MIME = "application/json";
const TRANSITIONS_PAGE = 1000;
const MAX_RESOURCE_BYTES = 4 * 1024 * 1024;
const json = (v: unknown) => JSON.stringify(v, null, 2);

function param(vars: Record<string, string>, name: string): string {
  const v = vars[name];
  if (v === undefined) throw new ToolError(`missing ${name} in the URI`);
  return decodeURIComponent(Array.isArray(v) ? v.join(",") : v);
}

function runId(vars: Record<string, string>): string {
  const id = param(vars, "id");
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(id)) throw new ToolError(`invalid run id '${id}'`);
  return id;
}

function readBounded(path: string, what: string): string {
  if (!existsSync(path)) throw new ToolError(`${what} does not exist`);
  const size = statSync(path).size;
  if (size > MAX_RESOURCE_BYTES)
    throw new ToolError(`${what} is ${size} bytes, more than a resource carries; read it from disk`);
  return readFileSync(path, "utf8");
}

/** The flow interpreter's registered scopes of the default entry program. */
function scopes(services: Services): ScopeVocabulary[] {
  const entry = services.entry();
  const r = describeScopes(entry);
  if (!r.ok)
    throw new ToolError(`${services.rel(entry)} does not check: ${r.diagnostics[0]?.message ?? "errors"}; call check`);
  return r.scopes;
}

export const RESOURCES: ResourceDef[] = [
  {
    name: "events",
    title: "Events",
    description: "Every event of the default entry program (as list_events reports them, unpaged).",
    mimeType: JSON_MIME,
    uri: "koru://events",
    template: false,
    read(services) {
      const entry = services.entry();
      const parsed = parseProgram(entry);
      if (!parsed.program) throw new ToolError(`${services.rel(entry)} does not parse`);
      return json(describeEvents(parsed.program, undefined, false).map((e) => ({ ...e, file: services.rel(e.file) })));
    },
  },
  {
    name: "source",
    title: "Koru source",
    description: "A .kz file of the workspace.",
    mimeType: "text/plain",
    uri: "koru://source/{+path}",
    template: true,
    list: (services) =>
      kzFiles(services.root).map((p) => ({
        uri: `koru://source/${encodeURI(p)}`,
        name: p,
        mimeType: "text/plain",
      })),
    read(services, _uri, vars) {
      const p = param(vars, "path");
      if (!p.endsWith(".kz")) throw new ToolError(`'${p}' is not a .kz file`);
      return readBounded(services.file(p, "source"), p);
    },
  },
  {
    name: "ast",
    title: "AST",
    description: "The AST of a .kz file (JSON; every node has a span), imports resolved.",
    mimeType: JSON_MIME,
    uri: "koru://ast/{+path}",
    template: true,
    read(services, _uri, vars) {
      const p = param(vars, "path");
      const file = services.file(p, "source");
      const parsed = parseProgram(file);
      if (!parsed.program) return json({ ast: null, diagnostics: parsed.diagnostics });
      return json(programJson(parsed.program));
    },
  },
  {
    name: "runs",
    title: "Runs",
    description: "Recorded runs, newest first: id, program, exit code, wall time.",
    mimeType: JSON_MIME,
    uri: "koru://runs",
    template: false,
    read(services) {
      return json(
        listRuns(services.root)
          .slice(0, 200)
          .map((id) => {
            const m = readRunMeta(services.root, id);
            return {
              run_id: id,
              program: m?.program,
              exit_code: m?.exit_code,
              wall_ms: m?.wall_ms,
              started_at: m?.started_at,
            };
          }),
      );
    },
  },
  {
    name: "run_meta",
    title: "Run metadata",
    description: "meta.json of a run: program, arguments, flags, optimize mode, exit code, times, versions.",
    mimeType: JSON_MIME,
    uri: "koru://runs/{id}/meta",
    template: true,
    list: (services) =>
      listRuns(services.root)
        .slice(0, 50)
        .map((id) => ({ uri: `koru://runs/${id}/meta`, name: `run ${id}`, mimeType: JSON_MIME })),
    read: (services, _uri, vars) => readBounded(join(runDir(services.root, runId(vars)), "meta.json"), "the run"),
  },
  {
    name: "run_hotspots",
    title: "Run hotspots",
    description:
      "Every event of a run with its share of the run's time and optimization candidates, largest first; and the run's statistics per transition (stats.json).",
    mimeType: JSON_MIME,
    uri: "koru://runs/{id}/hotspots",
    template: true,
    async read(services, _uri, vars) {
      const id = runId(vars);
      const stats = JSON.parse(readBounded(join(runDir(services.root, id), "stats.json"), "the run's statistics"));
      return json({ run_id: id, hotspots: await runHotspots(services, id, { minShare: 0, limit: 1000 }), stats });
    },
  },
  {
    name: "run_transitions",
    title: "Run transitions",
    description: `Raw transitions of a run, ${TRANSITIONS_PAGE} per page: JSON {transitions, next_cursor}; read the next page with ?cursor=<next_cursor>.`,
    mimeType: JSON_MIME,
    uri: "koru://runs/{id}/transitions{?cursor}",
    template: true,
    async read(services, uri, vars) {
      const file = join(runDir(services.root, runId(vars)), "transitions.jsonl");
      if (!existsSync(file)) throw new ToolError("the run recorded no transitions");
      const start = Number(uri.searchParams.get("cursor") ?? "0");
      if (!Number.isInteger(start) || start < 0) throw new ToolError("cursor must be a next_cursor value");
      const transitions: unknown[] = [];
      let n = 0;
      let more = false;
      const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
      for await (const line of lines) {
        if (n++ < start) continue;
        if (transitions.length >= TRANSITIONS_PAGE) {
          more = true;
          break;
        }
        try {
          transitions.push(JSON.parse(line));
        } catch {
          // A torn last line of a crashed program.
        }
      }
      lines.close();
      return json({ transitions, ...(more ? { next_cursor: String(start + TRANSITIONS_PAGE) } : {}) });
    },
  },
  {
    name: "run_trace",
    title: "Run trace",
    description: "The Chrome trace of a profiled run (trace.json), when the run was profiled.",
    mimeType: JSON_MIME,
    uri: "koru://runs/{id}/trace",
    template: true,
    read: (services, _uri, vars) =>
      readBounded(join(runDir(services.root, runId(vars)), "trace.json"), "the run's trace (profile the run)"),
  },
  {
    name: "variants",
    title: "Variants of an event",
    description: "An event's variants: tag, source, file and line, in the default entry program.",
    mimeType: JSON_MIME,
    uri: "koru://variants/{event}",
    template: true,
    read(services, _uri, vars) {
      const entry = services.entry();
      const parsed = parseProgram(entry);
      if (!parsed.program) throw new ToolError(`${services.rel(entry)} does not parse`);
      const sym = findEvent(parsed.program, param(vars, "event"));
      return json({
        event: sym.canonical,
        variants: [...sym.variants].map(([tag, p]) => ({
          tag,
          source: procText(sym, tag),
          file: services.rel(p.span.file),
          line: p.span.line,
        })),
      });
    },
  },
  {
    name: "evidence",
    title: "Variant evidence",
    description:
      "The evidence record of a variant's last test and benchmark (JSON): sources and hashes, seeds, cases per tier, " +
      "counterexamples, scan findings, benchmark samples and CI, verdict and reasons.",
    mimeType: JSON_MIME,
    uri: "koru://evidence/{event}/{tag}",
    template: true,
    read(services, _uri, vars) {
      const entry = services.entry();
      const parsed = parseProgram(entry);
      if (!parsed.program) throw new ToolError(`${services.rel(entry)} does not parse`);
      const event = findEvent(parsed.program, param(vars, "event")).canonical;
      const tag = param(vars, "tag");
      const evidence = readEvidence(services.root, event, tag.includes("(") ? tag : `zig(${tag})`);
      if (!evidence) throw new ToolError(`no evidence for ${tag} of ${event}: call test_variant first`);
      return json(evidence);
    },
  },
  {
    name: "scopes",
    title: "Flow interpreter scopes",
    description:
      "Every scope registered with ~std.runtime:register in the default entry program, as Markdown: the names flows " +
      "may call (aliases), their input shapes, branches and budget costs, and how to write a flow (for eval_flow).",
    mimeType: "text/markdown",
    uri: "koru://scopes",
    template: false,
    read: (services) => renderVocabulary(scopes(services)),
  },
  {
    name: "scope",
    title: "Flow interpreter scope",
    description: "The vocabulary of one registered scope: names, input shapes, branches, costs.",
    mimeType: JSON_MIME,
    uri: "koru://scopes/{scope}",
    template: true,
    list: (services) => {
      try {
        return scopes(services).map((s) => ({
          uri: `koru://scopes/${encodeURIComponent(s.scope)}`,
          name: `scope ${s.scope}`,
          mimeType: JSON_MIME,
        }));
      } catch {
        return [];
      }
    },
    read(services, _uri, vars) {
      const name = param(vars, "scope");
      const all = scopes(services);
      const scope = all.find((s) => s.scope === name);
      if (!scope)
        throw new ToolError(`no scope '${name}'; registered: ${all.map((s) => s.scope).join(", ") || "none"}`);
      return json(scope);
    },
  },
  {
    name: "job",
    title: "Background job",
    description: "State of a job started with start_job (as get_job reports it).",
    mimeType: JSON_MIME,
    uri: "koru://jobs/{id}",
    template: true,
    list: (services) =>
      services.jobs
        .list()
        .map((j) => ({ uri: `koru://jobs/${j.id}`, name: `job ${j.id} (${j.tool})`, mimeType: JSON_MIME })),
    read(services, _uri, vars) {
      const job = services.jobs.get(param(vars, "id"));
      if (!job) throw new ToolError("no such job");
      return json(jobView(job));
    },
  },
];
