// The load generator process. The orchestrator forks it once and sends it one job at a time over
// IPC; it runs the job (autocannon for request/response load, the small stream client for
// streams) and answers with the figures, plus the CPU time the watched processes (the proxy under
// test, the upstream) spent during exactly the measured interval.
import autocannon from "autocannon";
import { cpuOf } from "../lib/proc-stats.ts";
import { percentile, Samples } from "../lib/stats.ts";
import { runPaced } from "./paced-client.ts";
import { HeldStreams, runStreams } from "./stream-client.ts";
import type { HttpTarget, StreamStat } from "./stream-client.ts";

/** Request/response load: autocannon, as fast as possible (closed loop); or evenly spaced at `rate`. */
export interface HttpJob {
  op: "http";
  target: HttpTarget;
  connections: number;
  durationS: number;
  /** Stop after this many requests instead of after durationS. */
  amount?: number;
  /** Fixed offered load, evenly spaced (requests per second over all connections); unset = as fast as possible. */
  rate?: number;
  watch: number[];
}

export interface StreamJob {
  op: "stream";
  target: HttpTarget;
  marker: string;
  concurrency: number;
  streams: number;
  /** Tokens a complete stream carries. */
  expectedTokens: number;
  /** Keep starting streams for at least this long (ms). */
  minDurationMs?: number;
  timeoutMs: number;
  watch: number[];
}

export interface HoldJob {
  op: "hold";
  target: HttpTarget;
  marker: string;
  count: number;
  batch: number;
  timeoutMs: number;
}

export type LoadJob = HttpJob | StreamJob | HoldJob | { op: "release" } | { op: "exit" };

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

export interface HttpResult {
  ok: number;
  non2xx: number;
  errors: number;
  durationS: number;
  rps: number;
  latencyMs: LatencySummary;
  /** CPU ms spent by each watched process during the run. */
  cpuMs: number[];
}

export interface StreamResult {
  streams: number;
  failed: number;
  incomplete: number;
  wallMs: number;
  ttftMs: LatencySummary;
  totalMs: LatencySummary;
  /** Tokens per second per stream, after the first token (median). */
  tokensPerSecond: number;
  cpuMs: number[];
  firstError?: string;
}

function summarise(s: Samples): LatencySummary {
  const sorted = s.sorted();
  let sum = 0;
  for (const v of sorted) sum += v;
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), mean: sum / sorted.length };
}

async function runHttp(job: HttpJob): Promise<HttpResult> {
  if (job.rate) {
    let before: number[] = [];
    const r = await runPaced(job.target, job.connections, job.rate, job.durationS, () => (before = cpuOf(job.watch)));
    const after = cpuOf(job.watch);
    return {
      ok: r.ok,
      non2xx: r.non2xx,
      errors: r.errors,
      durationS: r.durationS,
      rps: r.ok / r.durationS,
      latencyMs: summarise(r.latencies),
      cpuMs: after.map((v, i) => v - before[i]!),
    };
  }
  const latencies = new Samples();
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let cpuBefore: number[] = [];
  let started = 0;
  let lastResponse = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.target.url,
        method: job.target.method,
        headers: job.target.headers,
        body: job.target.body,
        connections: job.connections,
        duration: job.durationS,
        ...(job.amount ? { amount: job.amount } : {}),
        timeout: 30,
        // autocannon notices the end of a run only at its sampling tick (1 s by default).
        sampleInt: 50,
      },
      (err, res) => (err ? reject(err as Error) : resolve(res)),
    );
    instance.on("start", () => {
      started = performance.now();
      cpuBefore = cpuOf(job.watch);
    });
    // autocannon's own histogram has 1 ms resolution; keep the exact times for sub-ms overheads.
    instance.on("response", (_client, status, _bytes, ms) => {
      lastResponse = performance.now();
      if (status >= 200 && status < 300) {
        ok++;
        latencies.push(ms);
      } else non2xx++;
    });
    instance.on("reqError", () => errors++);
  });
  const cpuAfter = cpuOf(job.watch);
  // From the start to the last answer: the idle wait for autocannon's tick is not part of the run.
  const durationS = started && lastResponse > started ? (lastResponse - started) / 1000 : result.duration;
  return {
    ok,
    non2xx,
    errors,
    durationS,
    rps: ok / durationS,
    latencyMs: summarise(latencies),
    cpuMs: cpuAfter.map((v, i) => v - cpuBefore[i]!),
  };
}

async function runStreamJob(job: StreamJob): Promise<StreamResult> {
  const before = cpuOf(job.watch);
  const { stats, wallMs } = await runStreams(job.target, job.marker, job.concurrency, job.streams, job.timeoutMs, job.minDurationMs);
  const after = cpuOf(job.watch);
  const good = stats.filter((s) => s.status === 200 && !s.error);
  const complete = good.filter((s) => s.tokens === job.expectedTokens);
  const ttft = new Samples();
  const total = new Samples();
  const rates: number[] = [];
  for (const s of complete) {
    ttft.push(s.ttftMs);
    total.push(s.totalMs);
    if (s.totalMs > s.ttftMs) rates.push((s.tokens - 1) / ((s.totalMs - s.ttftMs) / 1000));
  }
  rates.sort((a, b) => a - b);
  const bad: StreamStat | undefined = stats.find((s) => s.status !== 200 || s.error);
  return {
    streams: complete.length,
    failed: stats.length - good.length,
    incomplete: good.length - complete.length,
    wallMs,
    ttftMs: summarise(ttft),
    totalMs: summarise(total),
    tokensPerSecond: rates.length ? percentile(rates, 50) : NaN,
    cpuMs: after.map((v, i) => v - before[i]!),
    ...(bad ? { firstError: bad.error ?? `status ${bad.status}` } : {}),
  };
}

const held = new HeldStreams();

process.on("message", (job: LoadJob) => {
  const reply = (value: unknown) => process.send!({ ok: true, value });
  const fail = (err: unknown) => process.send!({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  switch (job.op) {
    case "http":
      runHttp(job).then(reply, fail);
      return;
    case "stream":
      runStreamJob(job).then(reply, fail);
      return;
    case "hold":
      held.hold(job.target, job.marker, job.count, job.batch, job.timeoutMs).then(reply, fail);
      return;
    case "release":
      held.release();
      reply(null);
      return;
    case "exit":
      process.exit(0);
  }
});
