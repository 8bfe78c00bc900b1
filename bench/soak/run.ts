// `npm run soak`: a bounded soak-and-chaos run on loopback that stops by itself.
//
//   node bench/soak/run.ts [--minutes 10] [--streams 1000] [--rate 50] [--shutdown-timeout 10s]
//                          [--cycles 1] [--snapshots] [--keep]
//
// The gateway (node src/main.ts, SQLite store in a fresh data folder) runs against the Bedrock test
// double in a process of its own. Long streams (about a minute each, every front door) are kept
// open at --streams and re-opened as they end; mixed load (chat, embeddings, messages, responses,
// streamed and not) runs at --rate requests/s. Phases, as shares of --minutes:
//   warm-up 12% (streams ramp up) · steady 25% · throttle 10% (30% of upstream calls answer
//   ThrottlingException) · mid-stream 10% (20% of streams get a ModelStreamErrorException) ·
//   aborts 10% (30% of requests dropped by the client at a random moment) · outage 10% (upstream
//   killed, back 10 s later) · settle 23% · then SIGTERM with every long stream still open (they
//   outlive SHUTDOWN_TIMEOUT) and a restart on the same data folder.
// --cycles N splits --minutes into N cycles of those phases (the warm-up only once): a long run that
// passes through the same chaos again shows whether memory keeps rising or has reached its size.
// The report: RSS and heap over time with their slope after warm-up, per-phase outcomes (errors,
// malformed streams, wrong answers, streams cut without a terminal event), recovery time after the
// outage, the drain's outcome, and usage records sent vs recorded. JSON in bench/results/.
// --snapshots starts the gateway with --heapsnapshot-signal and takes a heap snapshot after
// warm-up and before the shutdown (files in the run's folder; compare with bench/soak/heap-diff.ts).
import { fork, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { TEST_CREDENTIALS } from "../../test/fake-bedrock/fake-bedrock.ts";
import { freePort } from "../../test/helpers/free-port.ts";
import { cpuMs, rssKiB } from "../lib/proc-stats.ts";
import { newOutcome, send } from "./soak-client.ts";
import type { Call, Kind, Outcome, Target } from "./soak-client.ts";
import { memoryByCycle, schedule, trendAfterFirstCycle } from "./soak-schedule.ts";
import type { Stage } from "./soak-schedule.ts";
import { memoryTrend, round, tally } from "./soak-stats.ts";
import type { Sample } from "./soak-stats.ts";

const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    streams: { type: "string", default: "1000" },
    rate: { type: "string", default: "50" },
    "shutdown-timeout": { type: "string", default: "10s" },
    "stream-seconds": { type: "string", default: "60" },
    /** Passes through the phases (warm-up once): memory after the second pass vs the first. */
    cycles: { type: "string", default: "1" },
    snapshots: { type: "boolean", default: false },
    /** Extra Node flags for the gateway, e.g. "--max-semi-space-size=16" (memory experiments). */
    "node-flags": { type: "string", default: "" },
    /** Extra environment for the gateway, e.g. "MALLOC_ARENA_MAX=2" (memory experiments). */
    "gateway-env": { type: "string", default: "" },
    keep: { type: "boolean", default: false },
  },
});
const MINUTES = Number(args.minutes);
const STREAMS = Number(args.streams);
const RATE = Number(args.rate);
const STREAM_S = Number(args["stream-seconds"]);
const TOTAL_MS = MINUTES * 60_000;
const ROOT = new URL("../../", import.meta.url).pathname;
const API_KEY = "sk-soak-static-key-0123456789";
const ADMIN = "soak-admin-key-0123456789abcdef";
const CYCLES = Number(args.cycles);
const PHASES = schedule(TOTAL_MS, CYCLES);
/** A phase's label ("throttle", "throttle #2") or "shutdown". */
type Phase = string;

const runDir = mkdtempSync(join(tmpdir(), "bgw-soak-"));
const dataDir = join(runDir, "data");
mkdirSync(dataDir);
const t0 = Date.now();
const since = () => (Date.now() - t0) / 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => process.stdout.write(`[${since().toFixed(0).padStart(4)} s] ${msg}\n`);

// ------------------------------------------------------------------------------------ processes

const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

const upstreamPort = await freePort();
let upstream!: ChildProcess;
async function startUpstream(): Promise<void> {
  upstream = fork(join(ROOT, "bench/soak/soak-upstream.ts"), [], {
    env: { PATH: process.env.PATH, SOAK_UPSTREAM_PORT: String(upstreamPort) },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  children.add(upstream);
  await once(upstream, "message");
}
function steer(mode: { throttle?: number; midStreamErrors?: number }): void {
  if (upstream.connected) upstream.send(mode);
}

const gatewayPort = await freePort();
const target: Target = { host: "127.0.0.1", port: gatewayPort, apiKey: API_KEY };
let gateway!: ChildProcess;
async function startGateway(logName: string): Promise<void> {
  const out = openSync(join(runDir, logName), "a");
  const flags = [...(args.snapshots ? ["--heapsnapshot-signal=SIGUSR2"] : []), ...args["node-flags"].split(" ").filter(Boolean)];
  gateway = spawn(process.execPath, [...flags, join(ROOT, "src/main.ts")], {
    cwd: runDir,
    env: {
      PATH: process.env.PATH,
      PORT: String(gatewayPort),
      HOST: "127.0.0.1",
      API_KEY,
      ADMIN_API_KEY: ADMIN,
      DATA_DIR: dataDir,
      SHUTDOWN_TIMEOUT: args["shutdown-timeout"],
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: `http://127.0.0.1:${upstreamPort}`,
      AWS_ENDPOINT_URL_BEDROCK: `http://127.0.0.1:${upstreamPort}`,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: "true",
      LOG_LEVEL: "info",
      ...Object.fromEntries(
        args["gateway-env"]
          .split(" ")
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
      ),
    },
    stdio: ["ignore", out, out],
  });
  children.add(gateway);
  for (let i = 0; i < 1000; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${gatewayPort}/health`)).ok) return;
    } catch {
      await sleep(20);
    }
  }
  throw new Error(`the gateway did not start (see ${join(runDir, logName)})`);
}

// ------------------------------------------------------------------------------------ load

let phase: Phase = "warm-up";
/** What the current phase does to the load (the same in every cycle). */
let stage: Stage | "shutdown" = "warm-up";
let seq = 0;
const outcomes = new Map<Phase, Outcome[]>();
const pending = new Set<Promise<Outcome>>();
/** The outcome of each request in flight, as it stands (status once its headers arrived). */
const progress = new Map<Promise<Outcome>, Outcome>();
const abortShare = () => (stage === "aborts" ? 0.3 : 0);

function launch(call: Omit<Call, "id">, onEnd?: (o: Outcome) => void): Promise<Outcome> {
  const id = `soak-${++seq}`;
  const startedIn = phase;
  const abortAfterMs = Math.random() < abortShare() ? Math.floor(Math.random() * (call.stream ? 3000 : 300)) : undefined;
  const full = { ...call, id, abortAfterMs };
  const out = newOutcome(full);
  const p = send(target, full, out);
  pending.add(p);
  progress.set(p, out);
  void p.then((o) => {
    pending.delete(p);
    progress.delete(p);
    (outcomes.get(startedIn) ?? outcomes.set(startedIn, []).get(startedIn)!).push(o);
    onEnd?.(o);
  });
  return p;
}

// Long streams: a fixed population, each re-opened when it ends (after a pause when it failed).
let keepStreams = true;
let openLong = 0;
const LONG_KINDS: Kind[] = ["chat", "messages", "responses"];
const longDelayMs = 400;
const longChars = () => Math.round(((STREAM_S * 1000) / longDelayMs) * (0.75 + Math.random() * 0.5)) * 8; // ±25%: no synchronised re-opens
const shutdownWatch = new Set<Promise<Outcome>>();
function openLongStream(slot: number): void {
  if (!keepStreams) return;
  openLong++;
  const p = launch({ kind: LONG_KINDS[slot % 3]!, stream: true, chars: longChars(), delayMs: longDelayMs }, (o) => {
    openLong--;
    if (!keepStreams) return;
    const failedFast = o.end !== "done" && o.endedAt - o.startedAt < 1000;
    setTimeout(() => openLongStream(slot), failedFast ? 1000 : 0);
  });
  shutdownWatch.add(p);
  void p.then(() => shutdownWatch.delete(p));
}

// Mixed load: paced at RATE per second.
const MIX: [number, Omit<Call, "id">][] = [
  [0.3, { kind: "chat", stream: false, chars: 64, delayMs: 0 }],
  [0.2, { kind: "chat", stream: true, chars: 160, delayMs: 20 }],
  [0.15, { kind: "embeddings", stream: false, chars: 0, delayMs: 0 }],
  [0.15, { kind: "messages", stream: true, chars: 160, delayMs: 20 }],
  [0.05, { kind: "messages", stream: false, chars: 64, delayMs: 0 }],
  [0.1, { kind: "responses", stream: true, chars: 160, delayMs: 20 }],
  [0.05, { kind: "responses", stream: false, chars: 64, delayMs: 0 }],
];
let mixing = true;
async function mixedLoad(): Promise<void> {
  const interval = 1000 / RATE;
  let next = Date.now();
  while (mixing) {
    let r = Math.random();
    const pick = MIX.find(([share]) => (r -= share) < 0)?.[1] ?? MIX[0]![1];
    void launch(pick);
    next += interval;
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    else if (wait < -1000) next = Date.now(); // the loop fell behind (machine busy): do not burst
  }
}

// ------------------------------------------------------------------------------------ sampling

const samples: Sample[] = [];
let heapScrapeFailures = 0;
let lastHeapScrapeError = "";
let sampling = true;
/** V8 heap used and committed, and memory outside the heap (Buffers), from the gateway's /metrics. */
async function heapFigures(): Promise<Pick<Sample, "heapUsedMB" | "heapTotalMB" | "externalMB" | "spacesMB"> | undefined> {
  try {
    // /metrics answers only with a key when one is configured (ADMIN_API_KEY here).
    const res = await fetch(`http://127.0.0.1:${gatewayPort}/metrics`, {
      headers: { authorization: `Bearer ${ADMIN}` },
      signal: AbortSignal.timeout(2000),
    });
    if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
    const text = await res.text();
    const get = (name: string) => {
      const m = new RegExp(`^bedrock_gateway_${name} (\\S+)$`, "m").exec(text);
      return m ? round(Number(m[1]) / 1_048_576) : undefined;
    };
    const spaces: Record<string, number> = {};
    for (const m of text.matchAll(/^bedrock_gateway_nodejs_heap_space_size_total_bytes\{space="(\w+)"\} (\S+)$/gm))
      spaces[m[1]!] = round(Number(m[2]) / 1_048_576);
    return {
      heapUsedMB: get("nodejs_heap_size_used_bytes"),
      heapTotalMB: get("nodejs_heap_size_total_bytes"),
      externalMB: get("nodejs_external_memory_bytes"),
      spacesMB: spaces,
    };
  } catch (err) {
    heapScrapeFailures++;
    lastHeapScrapeError = (err as Error).message;
    return undefined;
  }
}
async function sampleLoop(): Promise<void> {
  let n = 0;
  while (sampling) {
    try {
      const rssMB = rssKiB(gateway.pid!) / 1024;
      const heap = n++ % 3 === 0 ? await heapFigures() : undefined;
      samples.push({ t: round(since()), phase, rssMB: round(rssMB), ...heap, openStreams: openLong });
    } catch {
      // the process is between lives (outage of the gateway is not a phase; ignore)
    }
    await sleep(2000);
  }
}

// ------------------------------------------------------------------------------------ run

log(
  `soak: ${MINUTES} min${CYCLES > 1 ? ` in ${CYCLES} cycles` : ""}, ${STREAMS} long streams (~${STREAM_S} s each), ${RATE} req/s mixed; run folder ${runDir}`,
);
await startUpstream();
await startGateway("gateway.log");
void sampleLoop();
const idleRssMB = rssKiB(gateway.pid!) / 1024;
void mixedLoad();

const upstreamBacks: { cycle: number; killedAt: number; back: number }[] = [];
const phaseEdges: { phase: string; cycle: number; stage: Stage | "shutdown"; atS: number }[] = [];
let rssWithStreams: number | undefined;
for (const { cycle, stage: next, label, durationMs } of PHASES) {
  phase = label;
  stage = next;
  phaseEdges.push({ phase: label, cycle, stage: next, atS: round(since()) });
  const ends = Date.now() + durationMs;
  log(`phase ${label}`);
  steer({ throttle: next === "throttle" ? 0.3 : 0, midStreamErrors: next === "mid-stream" ? 0.2 : 0 });
  if (next === "warm-up") {
    // Ramp the long streams over the first half of the warm-up.
    const step = durationMs / 2 / STREAMS;
    for (let i = 0; i < STREAMS; i++) {
      openLongStream(i);
      await sleep(step);
    }
  }
  if (next === "steady" && cycle === 1) {
    await sleep(Math.min(20_000, durationMs / 2));
    rssWithStreams = rssKiB(gateway.pid!) / 1024;
    if (args.snapshots) gateway.kill("SIGUSR2");
  }
  if (next === "outage") {
    upstream.kill("SIGKILL");
    const killedAt = Date.now();
    log("upstream killed");
    await sleep(10_000);
    await startUpstream();
    const back = Date.now();
    log("upstream back");
    upstreamBacks.push({ cycle, killedAt, back });
  }
  await sleep(Math.max(0, ends - Date.now()));
}

// Shutdown with every long stream open: stop the mixed load, let its requests end, then SIGTERM.
phase = "shutdown";
stage = "shutdown";
phaseEdges.push({ phase: "shutdown", cycle: CYCLES, stage: "shutdown", atS: round(since()) });
mixing = false;
keepStreams = false;
if (args.snapshots) {
  gateway.kill("SIGUSR2");
  await sleep(5000);
}
const mixedLeft = [...pending].filter((p) => !shutdownWatch.has(p));
await Promise.race([Promise.all(mixedLeft), sleep(10_000)]);
const gatewayCpuMs = cpuMs(gateway.pid!);
// Streams whose response had started: the ones the gateway must end. (A connection still waiting
// to be accepted when the listener closes is refused, not drained.)
const openAtSignal = [...shutdownWatch].filter((p) => progress.get(p)!.status !== 0);
const atSignal = openAtSignal.map((p) => progress.get(p)!); // filled in by send() as they end
const connectingAtSignal = shutdownWatch.size - openAtSignal.length;
log(`SIGTERM with ${openAtSignal.length} long streams open (${connectingAtSignal} more not yet accepted)`);
const exited = once(gateway, "exit");
const signalledAt = Date.now();
gateway.kill("SIGTERM");
const [exitCode] = (await Promise.race([exited, sleep(60_000).then(() => [null])])) as [number | null];
const drainMs = Date.now() - signalledAt;
// A stream the gateway ended settles on the client at once; bound the wait all the same.
await Promise.race([Promise.all(openAtSignal), sleep(5_000)]);
const unsettled = atSignal.filter((o) => o.endedAt === 0).length;
sampling = false;
const shutdownTally = tally(atSignal);
log(`gateway exited ${exitCode} after ${drainMs} ms`);
await Promise.race([Promise.all([...pending]), sleep(5000)]);
if (exitCode === null) {
  gateway.kill("SIGKILL");
  throw new Error("the gateway did not exit within 60 s of SIGTERM");
}

// Recovery (each outage): how soon after the upstream's return a request succeeded, and how many
// failed after it — until the next cycle's first phase that injects failures (its throttling).
const recoveries = upstreamBacks.map(({ cycle, killedAt, back }) => {
  const nextChaos = phaseEdges.find((e) => e.cycle > cycle && e.stage === "throttle");
  const until = nextChaos ? t0 + nextChaos.atS * 1000 : signalledAt;
  const after = [...outcomes.values()].flat().filter((o) => o.startedAt >= back && o.endedAt < until);
  const successes = after.filter((o) => o.end === "done").map((o) => o.endedAt - back);
  return {
    cycle,
    downMs: back - killedAt,
    firstSuccessMs: successes.length ? Math.min(...successes) : undefined,
    failuresAfterReturn: after.filter((o) => o.end !== "done" && o.end !== "aborted").length,
  };
});
const recovery = recoveries[0];

// Usage: every request that got a response (or was cut after reaching the gateway) has a record.
const all = [...outcomes.values()].flat();
const reached = all.filter((o) => o.status !== 0);
const db = new Database(join(dataDir, "gateway.db"), { readonly: true });
const recordedIds = new Set(
  (db.prepare("SELECT request_id FROM usage_records").all() as { request_id: string }[]).map((r) => r.request_id),
);
const cutRows = db
  .prepare("SELECT count(*) AS n, sum(output_tokens) AS output FROM usage_records WHERE abort_reason = 'shutdown'")
  .get() as { n: number; output: number | null };
db.close();
const missing = reached.filter((o) => !recordedIds.has(o.id));
const usage = {
  sentWithResponse: reached.length,
  recorded: recordedIds.size,
  missing: missing.length,
  missingByPhase: tally(missing),
  recordedWithoutResponse: all.filter((o) => o.status === 0 && recordedIds.has(o.id)).length,
  shutdownCutRecords: cutRows.n,
  shutdownCutOutputTokens: cutRows.output ?? 0,
};

// Restart on the same data folder: the gateway reports the same totals.
await startGateway("gateway-restart.log");
const report = (await (
  await fetch(`http://127.0.0.1:${gatewayPort}/admin/usage?group_by=key`, { headers: { authorization: `Bearer ${ADMIN}` } })
).json()) as { totals: { requests: number } };
const restartedTotals = report.totals.requests;
gateway.kill("SIGTERM");
await once(gateway, "exit");
upstream.disconnect();

// ------------------------------------------------------------------------------------ report

const warmEnd = phaseEdges.find((e) => e.stage === "steady")!.atS;
const outageEdge = phaseEdges.find((e) => e.stage === "outage")!.atS;
const settleEdge = phaseEdges.findLast((e) => e.stage === "settle")!.atS;
const beforeShutdown = samples.filter((s) => s.phase !== "shutdown");
const result = {
  at: new Date(t0).toISOString(),
  settings: {
    minutes: MINUTES,
    cycles: CYCLES,
    streams: STREAMS,
    rate: RATE,
    streamSeconds: STREAM_S,
    shutdownTimeout: args["shutdown-timeout"],
    nodeFlags: args["node-flags"],
    gatewayEnv: args["gateway-env"],
  },
  gatewayCpuMs,
  memory: {
    idleRssMB: round(idleRssMB),
    rssWithStreamsMB: rssWithStreams === undefined ? undefined : round(rssWithStreams),
    kbPerOpenStream: rssWithStreams === undefined ? undefined : Math.round(((rssWithStreams - idleRssMB) * 1024) / STREAMS),
    afterWarmUp: memoryTrend(beforeShutdown.filter((s) => s.t >= warmEnd)),
    beforeOutage: memoryTrend(beforeShutdown.filter((s) => s.t >= warmEnd && s.t < outageEdge)),
    settle: memoryTrend(beforeShutdown.filter((s) => s.t >= settleEdge + 30)),
    afterFirstCycle: trendAfterFirstCycle(beforeShutdown, phaseEdges),
    byCycle: memoryByCycle(
      beforeShutdown,
      phaseEdges.filter((e): e is typeof e & { stage: Stage } => e.stage !== "shutdown"),
    ),
  },
  phases: Object.fromEntries([...outcomes].map(([p, os]) => [p, tally(os)])),
  recovery,
  recoveries,
  shutdown: { exitCode, drainMs, openAtSignal: openAtSignal.length, connectingAtSignal, unsettled, ...shutdownTally },
  usage: { ...usage, restartedTotals },
  samples,
  phaseEdges,
};
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
const file = join(ROOT, `bench/results/soak-${result.at.replaceAll(":", "-").slice(0, 19)}.json`);
writeFileSync(file, JSON.stringify(result, null, 1));

const m = result.memory;
const lines = [
  `## Soak ${result.at} — ${MINUTES} min${CYCLES > 1 ? ` (${CYCLES} cycles)` : ""}, ${STREAMS} streams, ${RATE} req/s`,
  "",
  `Gateway CPU before SIGTERM: ${Math.round(gatewayCpuMs / 1000)} s for ${all.length} requests (${round(gatewayCpuMs / all.length, 2)} ms per request, streams included)${args["node-flags"] ? `; node flags ${args["node-flags"]}` : ""}${args["gateway-env"] ? `; environment ${args["gateway-env"]}` : ""}`,
  `Memory: idle ${m.idleRssMB} MB → ${m.rssWithStreamsMB} MB with ${STREAMS} streams (~${m.kbPerOpenStream} KB per open stream)`,
  ...(["afterWarmUp", "beforeOutage", "settle", ...(CYCLES > 1 ? (["afterFirstCycle"] as const) : [])] as const).map((k) => {
    const t = m[k];
    return t
      ? `  ${k}: ${t.fromS}–${t.toS} s, RSS ${t.minRssMB}–${t.maxRssMB} MB (mean ${t.meanRssMB}), slope ${t.rssMBPerMin} MB/min = ${t.rssPctPer10Min}% per 10 min; heap ${t.heapMBPerMin ?? "?"} MB/min`
      : `  ${k}: too few samples`;
  }),
  ...(CYCLES > 1
    ? m.byCycle.map(
        (c) =>
          `  cycle ${c.cycle} (${c.fromS}–${c.toS} s): RSS max ${c.maxRssMB} MB (mean ${c.meanRssMB}), committed heap max ${c.maxHeapTotalMB ?? "?"} MB; raised the high-water mark by ${c.raisedHighWaterMB} MB`,
      )
    : []),
  "",
  "| phase | requests | done | errors | cut (no terminal event) | aborted | refused | malformed | wrong |",
  "|---|---|---|---|---|---|---|---|---|",
  ...Object.entries(result.phases).map(
    ([p, t]) =>
      `| ${p} | ${t.requests} | ${t.done} | ${
        Object.entries(t.errors)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ") || "0"
      } | ${t.cut} | ${t.aborted} | ${t.refused} | ${t.malformed} | ${t.wrong} |`,
  ),
  "",
  ...recoveries.map(
    (r) =>
      `Recovery after the upstream came back${CYCLES > 1 ? ` (cycle ${r.cycle})` : ""}: first success ${r.firstSuccessMs ?? "?"} ms; failures started after its return: ${r.failuresAfterReturn}`,
  ),
  `Shutdown: ${openAtSignal.length} long streams open at SIGTERM; ${shutdownTally.done} completed, terminal events ${JSON.stringify(shutdownTally.errors)}, cut without a terminal event ${shutdownTally.cut}, no end seen ${unsettled}, malformed ${shutdownTally.malformed}; exit ${exitCode} after ${drainMs} ms`,
  `Usage: ${usage.sentWithResponse} requests answered, ${usage.recorded} records, ${usage.missing} missing; ${usage.shutdownCutRecords} records marked shutdown (${usage.shutdownCutOutputTokens} output tokens); after restart /admin/usage counts ${restartedTotals}`,
  `JSON: ${file}`,
];
process.stdout.write(lines.join("\n") + "\n");
if (heapScrapeFailures)
  process.stdout.write(`heap figures missing from ${heapScrapeFailures} /metrics scrapes (last: ${lastHeapScrapeError})\n`);
const snapshots = readdirSync(runDir).filter((f) => f.endsWith(".heapsnapshot"));
if (snapshots.length) process.stdout.write(`heap snapshots: ${snapshots.map((f) => join(runDir, f)).join(", ")}\n`);
if (!args.keep && snapshots.length === 0) rmSync(runDir, { recursive: true, force: true });
process.exit(0);
