// What OpenTelemetry costs per request. The gateway runs in a worker process (one per run, so an
// "off" run never shares a process with the OTel SDK) against the benchmark upstream; requests go
// through app.fetch (no client sockets: less noise on a busy machine); CPU is the worker's
// process.cpuUsage() over a fixed number of requests, including — with telemetry on — the batch
// exports of those requests' spans (flushed inside the window) to an OTLP/HTTP protobuf receiver
// in another process. Runs alternate off/on `rounds` times; medians are printed.
// Usage: node bench/tracing-overhead.ts [rounds=5] [requests=3000] [streams=300]
import { fork, spawn } from "node:child_process";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { GATEWAY_KEY } from "./contenders/contenders.ts";
import { openaiChat } from "./contenders/requests.ts";
import { cleanEnv, freePort, spawnNode, stopAll, waitFor200 } from "./lib/processes.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CONCURRENCY = 16;

interface RunResult {
  mode: "off" | "on";
  chatCpuUsPerReq: number;
  streamCpuUsPerStream: number;
  failures: number;
}

async function worker(mode: "off" | "on", upPort: number, receiverUrl: string, requests: number, streams: number): Promise<RunResult> {
  const { loadConfig } = await import("../src/config/config.ts");
  const { createRuntime } = await import("../src/dependencies.ts");
  const { createApp } = await import("../src/app.ts");
  const { createLogger } = await import("../src/logging/logger.ts");
  const env: Record<string, string> = {
    API_KEY: GATEWAY_KEY,
    HOST: "127.0.0.1",
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: `http://127.0.0.1:${upPort}`,
    AWS_ENDPOINT_URL_BEDROCK: `http://127.0.0.1:${upPort}`,
    DATABASE_URL: "none",
    LOG_LEVEL: "info",
    ...(mode === "on" ? { OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl } : {}),
  };
  // The SDK's credential chain reads these from the process environment, as in production.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: "AKIABENCHMARKDUMMY01",
    AWS_SECRET_ACCESS_KEY: "bench/dummy/secret/access/key",
    AWS_EC2_METADATA_DISABLED: "true",
  });
  // The access log is written (and discarded) as in production.
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const runtime = await createRuntime(loadConfig(env), createLogger("info", sink));
  const app = createApp(runtime.deps);
  await runtime.start();
  await runtime.deps.catalog.ready(10_000);
  let failures = 0;
  const one = async (stream: boolean) => {
    const res = await app.fetch(
      new Request("http://127.0.0.1/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${GATEWAY_KEY}`, "content-type": "application/json" },
        body: openaiChat(stream),
      }),
    );
    const body = await res.text();
    if (res.status !== 200 && failures++ === 0) process.stderr.write(`first failure: ${res.status} ${body.slice(0, 300)}\n`);
  };
  const load = async (n: number, stream: boolean) => {
    let left = n;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (left-- > 0) await one(stream);
      }),
    );
  };
  const measure = async (n: number, stream: boolean) => {
    await load(Math.min(500, n), stream); // warm-up (JIT, pools)
    await runtime.telemetry?.flush();
    const before = process.cpuUsage();
    await load(n, stream);
    await runtime.telemetry?.flush(); // the export of these requests' spans is part of their cost
    const used = process.cpuUsage(before);
    return (used.user + used.system) / n;
  };
  const chat = await measure(requests, false);
  const stream = await measure(streams, true);
  await runtime.stop();
  return { mode, chatCpuUsPerReq: chat, streamCpuUsPerStream: stream, failures };
}

if (process.argv[2] === "--worker") {
  const [, , , mode, up, rx, n, s] = process.argv;
  const result = await worker(mode as "off" | "on", Number(up), rx!, Number(n), Number(s));
  process.send!(result);
  process.exit(0);
}

const rounds = Number(process.argv[2] ?? 5);
const requests = Number(process.argv[3] ?? 3000);
const streams = Number(process.argv[4] ?? 300);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const upPort = await freePort();
spawnNode(["bench/upstream/bench-upstream.ts", String(upPort)], cleanEnv({}), ROOT);
await waitFor200({ url: `http://127.0.0.1:${upPort}/__bench/health`, method: "GET", headers: {} }, undefined, 10_000, 10);
await fetch(`http://127.0.0.1:${upPort}/__bench/config`, {
  method: "POST",
  body: JSON.stringify({ streamTokens: 100, tokenRate: 0, hold: false }),
});

// The receiver decodes every export (protobuf, official .proto definitions) in its own process.
const receiver = spawn(
  process.execPath,
  [
    "--input-type=module",
    "-e",
    `
  const { startOtlpReceiver } = await import(${JSON.stringify(new URL("../test/helpers/otlp-receiver.ts", import.meta.url).href)});
  const rx = await startOtlpReceiver();
  process.stdout.write(rx.url + "\\n");
  process.on("message", () => process.send({ spans: rx.spans.length, metrics: rx.requests.filter((r) => r.path === "/v1/metrics").length }));
`,
  ],
  { cwd: ROOT, stdio: ["ignore", "pipe", "inherit", "ipc"] },
);
const receiverUrl = await new Promise<string>((resolve) => receiver.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim())));

const results: RunResult[] = [];
try {
  for (let r = 0; r < rounds; r++) {
    for (const mode of ["off", "on"] as const) {
      const child = fork(
        fileURLToPath(import.meta.url),
        ["--worker", mode, String(upPort), receiverUrl, String(requests), String(streams)],
        { cwd: ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] },
      );
      const res = await new Promise<RunResult>((resolve, reject) => {
        child.once("message", (m) => resolve(m as RunResult));
        child.once("exit", (code) => code !== 0 && reject(new Error(`worker exited ${code}`)));
      });
      results.push(res);
      console.log(
        JSON.stringify({
          round: r + 1,
          ...res,
          chatCpuUsPerReq: Math.round(res.chatCpuUsPerReq),
          streamCpuUsPerStream: Math.round(res.streamCpuUsPerStream),
        }),
      );
    }
  }
  const pick = (mode: "off" | "on", k: "chatCpuUsPerReq" | "streamCpuUsPerStream") =>
    median(results.filter((x) => x.mode === mode).map((x) => x[k]));
  const received = await new Promise<{ spans: number; metrics: number }>((resolve) => {
    receiver.once("message", (m) => resolve(m as { spans: number; metrics: number }));
    receiver.send("count");
  });
  const chatOff = pick("off", "chatCpuUsPerReq");
  const chatOn = pick("on", "chatCpuUsPerReq");
  const streamOff = pick("off", "streamCpuUsPerStream");
  const streamOn = pick("on", "streamCpuUsPerStream");
  console.log(
    JSON.stringify(
      {
        rounds,
        requestsPerRun: requests,
        streamsPerRun: streams,
        streamTokens: 100,
        chatCpuUsPerReq: {
          off: Math.round(chatOff),
          on: Math.round(chatOn),
          added: Math.round(chatOn - chatOff),
          addedPct: +((100 * (chatOn - chatOff)) / chatOff).toFixed(1),
        },
        streamCpuUsPerStream: {
          off: Math.round(streamOff),
          on: Math.round(streamOn),
          added: Math.round(streamOn - streamOff),
          addedPct: +((100 * (streamOn - streamOff)) / streamOff).toFixed(1),
        },
        failures: results.reduce((a, x) => a + x.failures, 0),
        spansReceived: received.spans,
        metricExports: received.metrics,
      },
      null,
      2,
    ),
  );
} finally {
  receiver.kill("SIGKILL");
  stopAll();
}
