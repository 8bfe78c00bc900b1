// Profile a contender's hot path (the gateway by default): the benchmark upstream, the contender
// under `node --cpu-prof`, and load from a separate process. Prints CPU ms per request or stream
// (from /proc, as the benchmark counts it), the functions and packages with the most self time,
// and writes the .cpuprofile (Chrome DevTools, speedscope) and a flame graph SVG next to it.
// Usage: node bench/profile.ts [chat|stream|paced|embeddings] [seconds] [connections] [contender] [rate]
// stream: 500-token streams at zero latency; paced: the same at 1,000 tokens/s (rate: tokens/s).
//        PROFILE=0 node bench/profile.ts ...   measures CPU per request without the profiler
//        SUT_ROOT=/path/to/other/checkout ...   runs the contender from another checkout (A/B; run
//        `npm run build` there first: the gateway contender runs its server bundle)
//        SUT_ENV='{"LOG_LEVEL":"warn"}' ...     extra environment for the gateway
// rate: a fixed offered load in requests per second (steadier CPU figures on a busy machine).
import { fork } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureE2eTool } from "../scripts/e2e-tools.ts";
import { CONTENDERS } from "./contenders/contenders.ts";
import type { ContenderName } from "./contenders/contenders.ts";
import { cleanEnv, freePort, spawnNode, stopAll, waitFor200 } from "./lib/processes.ts";
import type { HttpResult, LoadJob, StreamResult } from "./load/load-worker.ts";
import { flameGraph, topSelfTime } from "./report/cpu-profile.ts";
import type { CpuProfile } from "./report/cpu-profile.ts";
import { TOKEN_MARKER } from "./upstream/canned-responses.ts";
import { buildServer } from "../scripts/build-server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const scenario = process.argv[2] ?? "chat";
const seconds = Number(process.argv[3] ?? 10);
const connections = Number(process.argv[4] ?? 16);
const name = (process.argv[5] ?? "gateway") as ContenderName;
const rate = process.argv[6] ? Number(process.argv[6]) : undefined;
const profile = process.env.PROFILE !== "0";
const dir = join(ROOT, "bench/results/tmp", `profile-${name}-${scenario}-${Date.now()}`);
mkdirSync(dir, { recursive: true });

if (!process.env.SUT_ROOT) await buildServer();
const upPort = await freePort();
const up = spawnNode(["bench/upstream/bench-upstream.ts", String(upPort)], cleanEnv({}), ROOT);
const load = fork(join(ROOT, "bench/load/load-worker.ts"), [], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
const run = <T>(job: LoadJob) =>
  new Promise<T>((resolve, reject) => {
    load.once("message", (m: { ok: boolean; value?: T; error?: string }) => (m.ok ? resolve(m.value as T) : reject(new Error(m.error))));
    load.send(job);
  });

try {
  await waitFor200({ url: `http://127.0.0.1:${upPort}/__bench/health`, method: "GET", headers: {} }, up, 10_000, 10);
  if (name === "portkey") await ensureE2eTool("portkey"); // not a dependency: installed on first use
  const contender = CONTENDERS.find((c) => c.name === name && c.spawn)!;
  const port = await freePort();
  const proc = contender.spawn!(
    upPort,
    port,
    process.env.SUT_ROOT ?? ROOT,
    profile ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [],
    JSON.parse(process.env.SUT_ENV ?? "{}") as Record<string, string>,
  );
  const targets = contender.targets(`http://127.0.0.1:${port}`, upPort);
  await waitFor200(targets.chat, proc, 30_000, 20);
  const watch = [proc.pid, up.pid];

  if (scenario === "stream" || scenario === "paced") {
    const tokenRate = scenario === "paced" ? (rate ?? 1000) : 0;
    await fetch(`http://127.0.0.1:${upPort}/__bench/config`, {
      method: "POST",
      body: JSON.stringify({ streamTokens: 500, tokenRate, hold: false }),
    });
    const streams =
      scenario === "paced"
        ? Math.max(connections, Math.round((seconds * connections * tokenRate) / 500))
        : Math.max(50, Math.round(seconds * 150));
    await run<StreamResult>({
      op: "stream",
      target: targets.stream,
      marker: TOKEN_MARKER,
      concurrency: connections,
      streams: scenario === "paced" ? connections : 100,
      expectedTokens: 500,
      timeoutMs: 60_000,
      watch: [],
    });
    const r = await run<StreamResult>({
      op: "stream",
      target: targets.stream,
      marker: TOKEN_MARKER,
      concurrency: connections,
      streams,
      expectedTokens: 500,
      timeoutMs: 60_000,
      watch,
    });
    console.log(
      JSON.stringify({
        scenario,
        streams: r.streams,
        failed: r.failed + r.incomplete,
        ttftP50: +r.ttftMs.p50.toFixed(3),
        streamsPerSecond: Math.round(r.streams / (r.wallMs / 1000)),
        cpuMsPerStream: +(r.cpuMs[0]! / r.streams).toFixed(3),
        upstreamCpuMsPerStream: +(r.cpuMs[1]! / r.streams).toFixed(3),
      }),
    );
  } else {
    const target = scenario === "embeddings" ? targets.embeddings! : targets.chat;
    await run<HttpResult>({ op: "http", target, connections, durationS: 2, watch: [] });
    const r = await run<HttpResult>({ op: "http", target, connections, durationS: seconds, watch, ...(rate ? { rate } : {}) });
    console.log(
      JSON.stringify({
        scenario,
        connections,
        requests: r.ok,
        failures: r.non2xx + r.errors,
        rps: Math.round(r.rps),
        p50: +r.latencyMs.p50.toFixed(3),
        p99: +r.latencyMs.p99.toFixed(3),
        cpuMsPerReq: +(r.cpuMs[0]! / r.ok).toFixed(4),
        upstreamCpuMsPerReq: +(r.cpuMs[1]! / r.ok).toFixed(4),
      }),
    );
  }

  if (profile) {
    // SIGTERM: the gateway drains and exits normally, which is when V8 writes the profile.
    proc.child.kill("SIGTERM");
    await new Promise((r) => proc.child.once("exit", r));
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error(`no profile written in ${dir} (the process must exit on SIGTERM)`);
    const p = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    const top = topSelfTime(p, 40);
    console.log(`\nCPU ${top.totalMs.toFixed(0)} ms (idle ${top.idleMs.toFixed(0)} ms). Self time by owner:`);
    for (const r of top.byOwner.slice(0, 25))
      console.log(`${(r.share * 100).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(6)} ms  ${r.name}`);
    console.log("\nSelf time by function:");
    for (const r of top.byFunction) console.log(`${(r.share * 100).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(6)} ms  ${r.name}`);
    writeFileSync(join(dir, "flame.svg"), flameGraph(p, `${name}, ${scenario}, ${connections} connections`));
    console.log(`\nprofile: ${join(dir, file)}\nflame graph: ${join(dir, "flame.svg")}`);
  }
} finally {
  load.kill("SIGKILL");
  stopAll();
}
