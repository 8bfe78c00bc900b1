// `npm run bench`: the benchmark upstream, every contender and the load generator, each in its
// own process on loopback; every scenario against every contender, several runs; medians, ratios
// and the issue's targets written to bench/results/<date>.json, a chart (SVG) and BENCHMARKS.md.
//
//   npm run bench                      full run (~10 minutes on 2 cores)
//   npm run bench -- --smoke           a few seconds: every figure produced, none meaningful
//   options: --runs N  --out DIR  --contenders a,b  --no-markdown
import { execFileSync, fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { healthTarget, measureColdStart } from "./cold-start.ts";
import { buildServer } from "../scripts/build-server.ts";
import { ensureE2eTool } from "../scripts/e2e-tools.ts";
import { CONTENDERS } from "./contenders/contenders.ts";
import type { Contender, ContenderName } from "./contenders/contenders.ts";
import type { Targets } from "./contenders/requests.ts";
import { describeMachine, loadAverage } from "./lib/machine.ts";
import { cleanEnv, freePort, spawnNode, stopAll, waitFor200 } from "./lib/processes.ts";
import type { Spawned } from "./lib/processes.ts";
import { rssKiB } from "./lib/proc-stats.ts";
import { median } from "./lib/stats.ts";
import type { HoldJob, HttpJob, HttpResult, LoadJob, StreamJob, StreamResult } from "./load/load-worker.ts";
import type { HttpTarget } from "./load/stream-client.ts";
import { aggregate, checkTargets } from "./report/aggregate.ts";
import type {
  ColdStartFigures,
  HttpFigures,
  HttpScenario,
  MemoryFigures,
  PerContender,
  RunFigures,
  StreamFigures,
} from "./report/figures.ts";
import { renderMarkdown, updateBenchmarksMd } from "./report/markdown.ts";
import { renderChart } from "./report/svg-chart.ts";
import { FULL, SMOKE } from "./settings.ts";
import type { Settings } from "./settings.ts";
import { TOKEN_MARKER } from "./upstream/canned-responses.ts";
import type { UpstreamConfig } from "./upstream/bench-upstream.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** SUT_ROOT=/other/checkout runs the gateway contender from another checkout (a before/after run: `npm run build` there first). */
const SUT_ROOT = process.env.SUT_ROOT;
/** GATEWAY_NODE_FLAGS="--max-semi-space-size=16" runs the gateway contender with those Node flags (what a flag costs in CPU and saves in memory). */
const GATEWAY_NODE_FLAGS = (process.env.GATEWAY_NODE_FLAGS ?? "").split(" ").filter(Boolean);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const T0 = performance.now();
const log = (msg: string) => process.stderr.write(`bench [${((performance.now() - T0) / 1000).toFixed(1)}s]: ${msg}\n`);

/** Which commit the gateway contender ran (and whether its checkout had local changes). */
function gatewayBuild(root: string): { root: string; commit: string } {
  try {
    const commit = execFileSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["-C", root, "status", "--porcelain", "--untracked-files=no", "src"], { encoding: "utf8" }).trim();
    return { root, commit: dirty ? `${commit}+changes` : commit };
  } catch {
    return { root, commit: "unknown" };
  }
}

// ---- the load process --------------------------------------------------------------------------

class LoadProcess {
  private readonly child: ChildProcess;

  constructor() {
    this.child = fork(join(ROOT, "bench/load/load-worker.ts"), [], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  }

  run<T>(job: LoadJob): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error("the load process exited"));
      this.child.once("exit", onExit);
      this.child.once("message", (m: { ok: boolean; value?: T; error?: string }) => {
        this.child.off("exit", onExit);
        if (m.ok) resolve(m.value as T);
        else reject(new Error(`load process: ${m.error}`));
      });
      this.child.send(job);
    });
  }

  stop(): void {
    this.child.kill("SIGKILL");
  }
}

// ---- contenders --------------------------------------------------------------------------------

interface Running {
  contender: Contender;
  proc?: Spawned;
  /** The process whose CPU and memory count as this contender's (the upstream for direct). */
  pid: number;
  targets: Targets;
}

async function startContender(c: Contender, upstream: { port: number; pid: number }): Promise<Running> {
  if (!c.spawn) return { contender: c, pid: upstream.pid, targets: c.targets(`http://127.0.0.1:${upstream.port}`, upstream.port) };
  const port = await freePort();
  const gateway = c.name === "gateway";
  const proc = c.spawn(upstream.port, port, gateway && SUT_ROOT ? SUT_ROOT : ROOT, gateway ? GATEWAY_NODE_FLAGS : []);
  const targets = c.targets(`http://127.0.0.1:${port}`, upstream.port);
  // Ready = a chat completion answers 200 (for the gateway: the model catalog has loaded).
  await waitFor200(targets.chat, proc, 30_000, 20);
  return { contender: c, proc, pid: proc.pid, targets };
}

// ---- scenarios ---------------------------------------------------------------------------------

async function configureUpstream(port: number, cfg: Partial<UpstreamConfig>): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/__bench/config`, { method: "POST", body: JSON.stringify(cfg) });
  if (!res.ok) throw new Error(`upstream config failed: ${res.status}`);
  await res.arrayBuffer();
}

function httpFigures(r: HttpResult): HttpFigures {
  return {
    requests: r.ok,
    failures: r.non2xx + r.errors,
    rps: r.rps,
    p50: r.latencyMs.p50,
    p90: r.latencyMs.p90,
    p99: r.latencyMs.p99,
    cpuMsPerReq: r.cpuMs[0]! / r.ok,
    upstreamCpuMsPerReq: r.cpuMs[1]! / r.ok,
  };
}

function streamFigures(r: StreamResult): StreamFigures {
  return {
    streams: r.streams,
    failures: r.failed + r.incomplete,
    ttftP50: r.ttftMs.p50,
    ttftP90: r.ttftMs.p90,
    totalP50: r.totalMs.p50,
    tokensPerSecond: r.tokensPerSecond,
    streamsPerSecond: r.streams / (r.wallMs / 1000),
    cpuMsPerStream: r.cpuMs[0]! / r.streams,
    upstreamCpuMsPerStream: r.cpuMs[1]! / r.streams,
  };
}

interface HttpLoad {
  connections: number;
  durationS: number;
  amount?: number;
  rate?: number;
}

async function httpScenario(load: LoadProcess, target: HttpTarget, watch: number[], l: HttpLoad, warmupS: number): Promise<HttpFigures> {
  const job = (d: number, amount?: number): HttpJob => ({
    op: "http",
    target,
    connections: l.connections,
    durationS: d,
    watch,
    ...(amount ? { amount } : {}),
    ...(l.rate ? { rate: l.rate } : {}),
  });
  if (warmupS > 0) await load.run<HttpResult>(job(warmupS));
  return httpFigures(await load.run<HttpResult>(job(l.durationS, l.amount)));
}

async function streamScenario(
  load: LoadProcess,
  target: HttpTarget,
  watch: number[],
  concurrency: number,
  streams: number,
  tokens: number,
  minDurationS = 0,
): Promise<StreamFigures> {
  const job: StreamJob = {
    op: "stream",
    target,
    marker: TOKEN_MARKER,
    concurrency,
    streams,
    expectedTokens: tokens,
    timeoutMs: 60_000,
    watch,
    minDurationMs: minDurationS * 1000,
  };
  return streamFigures(await load.run<StreamResult>(job));
}

/** Contender order rotates between runs so that none is always measured first or last. */
const rotate = <T>(xs: T[], by: number): T[] => xs.map((_, i) => xs[(i + by) % xs.length]!);

async function oneRun(
  index: number,
  s: Settings,
  load: LoadProcess,
  running: Running[],
  upstream: { port: number; pid: number },
): Promise<RunFigures> {
  const fig: RunFigures = { http: {}, stream: {}, loadAverage: loadAverage() };
  const order = rotate(running, index);
  const name = (r: Running) => r.contender.name;
  const watch = (r: Running) => [r.pid, upstream.pid];

  await configureUpstream(upstream.port, { streamTokens: s.streamBurst.tokens, tokenRate: 0, hold: false });
  for (const c of s.chat.concurrencies) {
    const id = `chat-c${c}` as HttpScenario;
    fig.http[id] = {};
    for (const r of order) {
      fig.http[id][name(r)] = await httpScenario(load, r.targets.chat, watch(r), { ...s.chat, connections: c }, s.chat.warmupS);
      log(`run ${index + 1} ${id} ${name(r)}: ${Math.round(fig.http[id][name(r)]!.rps)} req/s`);
    }
  }
  fig.http["chat-rate64"] = {};
  for (const r of order) {
    fig.http["chat-rate64"][name(r)] = await httpScenario(load, r.targets.chat, watch(r), s.fixedRate, s.chat.warmupS);
  }
  fig.http.embeddings = {};
  for (const r of order) {
    if (!r.targets.embeddings) continue;
    fig.http.embeddings[name(r)] = await httpScenario(load, r.targets.embeddings, watch(r), s.embeddings, s.chat.warmupS);
  }

  fig.stream["stream-burst"] = {};
  for (const r of order) {
    fig.stream["stream-burst"][name(r)] = await streamScenario(
      load,
      r.targets.stream,
      watch(r),
      s.streamBurst.concurrency,
      s.streamBurst.streams,
      s.streamBurst.tokens,
      s.streamBurst.minDurationS,
    );
  }
  await configureUpstream(upstream.port, { streamTokens: s.streamPaced.tokens, tokenRate: s.streamPaced.tokenRate, hold: false });
  fig.stream["stream-paced"] = {};
  for (const r of order) {
    fig.stream["stream-paced"][name(r)] = await streamScenario(
      load,
      r.targets.stream,
      watch(r),
      1,
      s.streamPaced.streams,
      s.streamPaced.tokens,
    );
    log(`run ${index + 1} stream-paced ${name(r)}: TTFT p50 ${fig.stream["stream-paced"][name(r)]!.ttftP50.toFixed(2)} ms`);
  }
  return fig;
}

async function memoryScenario(
  s: Settings,
  load: LoadProcess,
  contenders: Contender[],
  running: Running[],
  upstream: { port: number; pid: number },
): Promise<PerContender<Record<string, MemoryFigures>>> {
  const out: PerContender<Record<string, MemoryFigures>> = {};
  for (const c of contenders) {
    if (!c.spawn) continue; // direct has no process in between
    const byCount: Record<string, MemoryFigures> = (out[c.name] = {});
    for (const count of s.memory.counts) {
      let r = running.find((x) => x.contender.name === c.name)!;
      if (s.memory.freshProcess) {
        r = await startContender(c, upstream);
        // Warm the process as a running service would be: JIT, pools, a few streams.
        await configureUpstream(upstream.port, { streamTokens: 50, tokenRate: 0, hold: false });
        await load.run<HttpResult>({ op: "http", target: r.targets.chat, connections: 16, durationS: 1, amount: 2000, watch: [] });
        await load.run<StreamResult>({
          op: "stream",
          target: r.targets.stream,
          marker: TOKEN_MARKER,
          concurrency: 16,
          streams: 64,
          expectedTokens: 50,
          timeoutMs: 30_000,
          watch: [],
        });
      }
      await configureUpstream(upstream.port, { streamTokens: 50, tokenRate: 0, hold: true });
      await sleep(s.memory.settleMs);
      const baseline = rssKiB(r.pid);
      const held = await load.run<{ opened: number; failed: number; errors: string[] }>({
        op: "hold",
        target: r.targets.stream,
        marker: TOKEN_MARKER,
        count,
        batch: s.memory.batch,
        timeoutMs: 60_000,
      } satisfies HoldJob);
      await sleep(s.memory.settleMs);
      const rss = rssKiB(r.pid);
      await load.run({ op: "release" });
      if (s.memory.freshProcess) await r.proc!.stop();
      const fig: MemoryFigures = (byCount[String(count)] = {
        streams: count,
        opened: held.opened,
        failures: held.failed,
        baselineMiB: baseline / 1024,
        rssMiB: rss / 1024,
        kbPerStream: held.opened ? (rss - baseline) / held.opened : NaN,
      });
      log(
        `memory ${c.name} ${count} streams: ${fig.kbPerStream.toFixed(1)} KB/stream${held.failed ? ` (${held.failed} failed: ${held.errors.join("; ")})` : ""}`,
      );
      await sleep(s.memory.settleMs / 3);
    }
  }
  await configureUpstream(upstream.port, { hold: false, tokenRate: 0 });
  return out;
}

async function coldStartScenario(s: Settings, contenders: Contender[], upstreamPort: number): Promise<PerContender<ColdStartFigures>> {
  const out: PerContender<ColdStartFigures> = {};
  for (const c of contenders) {
    if (!c.spawn) continue;
    const chatOf = (base: string) => c.targets(base, upstreamPort).chat;
    // One uncounted start fills the OS page cache and Node's compile cache, as any restart would find them.
    if (s.coldStart.warmup) await measureColdStart(c, upstreamPort, 1, chatOf);
    const chat = await measureColdStart(c, upstreamPort, s.coldStart.runs, chatOf);
    const fig: ColdStartFigures = { chatMs: median(chat), chatAllMs: chat.map(Math.round) };
    if (c.name === "gateway") {
      const health = await measureColdStart(c, upstreamPort, s.coldStart.runs, healthTarget);
      fig.healthMs = median(health);
      fig.healthAllMs = health.map(Math.round);
    }
    out[c.name] = fig;
    log(
      `cold start ${c.name}: ${Math.round(fig.chatMs)} ms to the first chat completion${fig.healthMs ? `, ${Math.round(fig.healthMs)} ms to /health` : ""}`,
    );
  }
  return out;
}

// ---- main --------------------------------------------------------------------------------------

export async function runBenchmark(s: Settings, opts: { outDir: string; markdown: boolean; only?: ContenderName[] }) {
  const contenders = CONTENDERS.filter((c) => !opts.only || opts.only.includes(c.name));
  // Portkey is not a dependency of the project: the pinned version is installed on first use.
  if (contenders.some((c) => c.name === "portkey")) await ensureE2eTool("portkey");
  // The gateway runs as the container runs it: the server bundle, rebuilt from the sources now.
  if (SUT_ROOT) log(`gateway from ${SUT_ROOT} (its own build)`);
  if (GATEWAY_NODE_FLAGS.length) log(`gateway node flags: ${GATEWAY_NODE_FLAGS.join(" ")}`);
  else await buildServer();
  const started = new Date();
  const loadStart = loadAverage();
  log(
    `load average ${loadStart.join(" ")}${loadStart[0]! > 1.5 && !s.smoke ? " (busy machine: absolute figures will be noisy; ratios travel better)" : ""}`,
  );
  const upPort = await freePort();
  const upProc = spawnNode(["bench/upstream/bench-upstream.ts", String(upPort)], cleanEnv({}), ROOT);
  const upstream = { port: upPort, pid: upProc.pid };
  const load = new LoadProcess();
  try {
    await waitFor200({ url: `http://127.0.0.1:${upPort}/__bench/health`, method: "GET", headers: {} }, upProc, 10_000, 10);
    const running = await Promise.all(contenders.map((c) => startContender(c, upstream)));
    log(`contenders ready: ${running.map((r) => r.contender.name).join(", ")}`);
    const runs: RunFigures[] = [];
    for (let i = 0; i < s.runs; i++) runs.push(await oneRun(i, s, load, running, upstream));
    log("timed scenarios done");
    // Memory is measured on fresh processes (full run) or on the running ones (smoke).
    if (s.memory.freshProcess) for (const r of running) await r.proc?.stop();
    const memory = await memoryScenario(s, load, contenders, running, upstream);
    for (const r of running) await r.proc?.stop();
    const coldStart = await coldStartScenario(s, contenders, upPort);
    const agg = aggregate(runs);
    const result = {
      date: started.toISOString(),
      smoke: s.smoke,
      machine: describeMachine(ROOT),
      gateway: { ...gatewayBuild(SUT_ROOT ?? ROOT), nodeFlags: GATEWAY_NODE_FLAGS.join(" ") },
      loadAverage: { start: loadStart, perRun: runs.map((r) => r.loadAverage), end: loadAverage() },
      settings: s,
      contenders: contenders.map((c) => ({ name: c.name, label: c.label, what: c.what })),
      medians: { http: agg.http, stream: agg.stream },
      ratios: agg.ratios,
      memory,
      coldStart,
      targets: checkTargets(agg, memory, coldStart, s.memory.counts),
      runs,
    };
    mkdirSync(opts.outDir, { recursive: true });
    const stamp = started.toISOString().slice(0, 19).replaceAll(":", "-");
    const jsonPath = join(opts.outDir, `${stamp}.json`);
    writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    const chartName = `${stamp}.svg`;
    writeFileSync(join(opts.outDir, chartName), renderChart(result));
    const md = renderMarkdown(result, `bench/results/${chartName}`, `bench/results/${stamp}.json`);
    if (opts.markdown) updateBenchmarksMd(join(ROOT, "BENCHMARKS.md"), md);
    process.stdout.write(`${md}\n`);
    log(`results: ${jsonPath}`);
    return { result, jsonPath };
  } finally {
    load.stop();
    stopAll();
  }
}

export type BenchResult = Awaited<ReturnType<typeof runBenchmark>>["result"];

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      smoke: { type: "boolean", default: false },
      runs: { type: "string" },
      out: { type: "string" },
      contenders: { type: "string" },
      "no-markdown": { type: "boolean", default: false },
    },
  });
  const settings: Settings = { ...(values.smoke ? SMOKE : FULL) };
  if (values.runs) settings.runs = Number(values.runs);
  const outDir = values.out ?? (values.smoke ? join(tmpdir(), "bedrock-gateway-bench") : join(ROOT, "bench/results"));
  process.on("SIGINT", () => {
    stopAll();
    process.exit(130);
  });
  await runBenchmark(settings, {
    outDir,
    markdown: !values.smoke && !values["no-markdown"],
    ...(values.contenders ? { only: values.contenders.split(",") as ContenderName[] } : {}),
  });
}
