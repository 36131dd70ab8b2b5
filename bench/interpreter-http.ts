// The interpreter over HTTP: wrk against examples/interpreter-server (ReleaseFast) on
// loopback, `POST /eval` with the nested add vs the compiled `GET /` route of the same
// server, alternated rounds, medians. Prints req/s and latency for both and the
// interpreter's penalty (GET req/s over eval req/s, and eval's server CPU per request over
// GET's, which the machine's load does not skew; target <= 1.1x).
// Usage: node dist/bench/interpreter-http.js [rounds=5] [seconds=3] [connections=50] [threads=2]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../compiler/modules.js";
import { type ProcessResult, runProcess, type SpawnedProcess } from "../compiler/toolchain/process.js";

const [rounds, seconds, connections, threads] = [5, 3, 50, 2].map((d, i) => Number(process.argv[2 + i] ?? d));
const root = packageRoot();
const NESTED_ADD = "~add(a: 3, b: 4)\n| sum s |> add(a: s, b: 10)\n    | sum s2 |> result { value: s2 }";

interface WrkRun {
  rps: number;
  /** Server CPU time (user + system) per request, in microseconds. */
  cpuUs: number;
  avgMs: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function ms(text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text ?? "");
  if (!m) return Number.NaN;
  return Number(m[1]) * (m[2] === "us" ? 0.001 : m[2] === "s" ? 1000 : 1);
}

/** CPU time (user + system) of process `pid` so far, in microseconds (Linux /proc). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  // utime and stime are fields 14 and 15 of the stat line, in clock ticks (100 per second).
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function wrk(pid: number, url: string, script?: string): Promise<WrkRun> {
  const cpu0 = cpuOf(pid);
  const args = [
    `-t${threads}`,
    `-c${connections}`,
    `-d${seconds}s`,
    "--latency",
    ...(script ? ["-s", script] : []),
    url,
  ];
  const r = await runProcess("wrk", args, { timeoutMs: (seconds + 30) * 1000 });
  if (r.exitCode !== 0) throw new Error(`wrk failed: ${r.spawnError ?? r.stderr}`);
  const out = r.stdout;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const cpuUs = (cpuOf(pid) - cpu0) / Math.max(1, requests);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    cpuUs,
    avgMs: ms(/Latency\s+(\S+)/.exec(out)?.[1]),
    p50Ms: ms(/50%\s+(\S+)/.exec(out)?.[1]),
    p99Ms: ms(/99%\s+(\S+)/.exec(out)?.[1]),
    errors: Number(errors?.[1] ?? 0) + (socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "koru-bench-http-"));
  let server: SpawnedProcess | undefined;
  let exited: Promise<ProcessResult> | undefined;
  try {
    const exe = join(work, "interpreter-server");
    const koruc = join(root, "dist", "cli", "koruc.js");
    const source = join(root, "examples", "interpreter-server", "main.kz");
    const built = await runProcess(process.execPath, [koruc, "build", source, "-O", "ReleaseFast", "-o", exe], {
      timeoutMs: 300_000,
    });
    if (built.exitCode !== 0) throw new Error(`koruc build failed:\n${built.stdout}${built.stderr}`);
    const script = join(work, "post_add.lua");
    writeFileSync(
      script,
      `wrk.method = "POST"\nwrk.body = ${JSON.stringify(NESTED_ADD)}\nwrk.headers["Content-Type"] = "text/plain"\n`,
    );
    const port = await new Promise<number>((resolve, reject) => {
      exited = runProcess(exe, [], {
        env: { ORISHA_PORT: "0", ORISHA_HOST: "127.0.0.1" },
        onSpawn: (child) => {
          server = child;
          let text = "";
          child.stderr?.on("data", (c: Buffer) => {
            text += c.toString();
            const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
            if (m) resolve(Number(m[1]));
          });
        },
      });
      void exited.then((r) => reject(new Error(`server exited: ${r.exitCode} ${r.stderr}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const check = await fetch(`${base}/eval`, { method: "POST", body: NESTED_ADD });
    console.log(`POST /eval answers ${check.status} ${await check.text()}`);
    const runs: Record<"get" | "eval", WrkRun[]> = { get: [], eval: [] };
    const pid = server!.pid!;
    for (let i = 0; i < rounds; i++) {
      runs.get.push(await wrk(pid, `${base}/`));
      runs.eval.push(await wrk(pid, `${base}/eval`, script));
    }
    console.log(`wrk -t${threads} -c${connections} -d${seconds}s on loopback, ${rounds} alternated rounds (medians)`);
    const row = (name: string, xs: WrkRun[]) =>
      console.log(
        `  ${name.padEnd(22)} ${median(xs.map((x) => x.rps))
          .toFixed(0)
          .padStart(8)} req/s   latency avg ${median(xs.map((x) => x.avgMs)).toFixed(3)} ms, ` +
          `p50 ${median(xs.map((x) => x.p50Ms)).toFixed(3)} ms, p99 ${median(xs.map((x) => x.p99Ms)).toFixed(3)} ms, ` +
          `server CPU ${median(xs.map((x) => x.cpuUs)).toFixed(1)} us/request, errors ${xs.reduce((a, x) => a + x.errors, 0)}`,
      );
    row("GET / (compiled)", runs.get);
    row("POST /eval nested add", runs.eval);
    // Each round's eval run is compared with the GET run just before it (the machine's load drifts).
    const penalty = median(runs.get.map((g, i) => g.rps / runs.eval[i].rps));
    const cpuPenalty = median(runs.get.map((g, i) => runs.eval[i].cpuUs / g.cpuUs));
    console.log(
      `interpreter penalty: ${penalty.toFixed(3)}x in req/s, ${cpuPenalty.toFixed(3)}x in server CPU per request (target <= 1.1x)`,
    );
  } finally {
    server?.kill("SIGTERM");
    await exited?.catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
