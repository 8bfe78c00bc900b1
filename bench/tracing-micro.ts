// The CPU that telemetry itself adds to one chat request, without the rest of the gateway: a
// server span, a GenAI span through tracedRuntime around a Bedrock runtime that answers at once,
// the GenAI metrics, batch export and OTLP/HTTP protobuf serialisation to a receiver in another
// process. Complements bench/tracing-overhead.ts, whose whole-gateway A/B on a busy machine
// carries more noise than this difference. Usage: node bench/tracing-micro.ts [requests=20000]
import { spawn } from "node:child_process";
import type { BedrockRuntime } from "../src/bedrock/runtime-client.ts";
import type { ConverseRequest, ConverseResponse } from "../src/bedrock/converse-types.ts";
import { loadConfig } from "../src/config/config.ts";
import { startTelemetry } from "../src/telemetry/telemetry.ts";

const N = Number(process.argv[2] ?? 20_000);
const receiver = spawn(
  process.execPath,
  [
    "--input-type=module",
    "-e",
    `
  const { startOtlpReceiver } = await import(${JSON.stringify(new URL("../test/helpers/otlp-receiver.ts", import.meta.url).href)});
  const rx = await startOtlpReceiver();
  process.stdout.write(rx.url + "\\n");
  process.on("message", () => process.send(rx.spans.length));
`,
  ],
  { stdio: ["ignore", "pipe", "inherit", "ipc"] },
);
const url = await new Promise<string>((resolve) => receiver.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim())));

const answer: ConverseResponse = {
  output: { message: { role: "assistant", content: [{ text: "hi" }] } },
  stopReason: "end_turn",
  usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
};
const bare: BedrockRuntime = {
  converse: () => Promise.resolve(answer),
  converseStream: () => Promise.reject(new Error("unused")),
  invokeModel: () => Promise.reject(new Error("unused")),
  countTokens: () => Promise.resolve(0),
};
const request: ConverseRequest = {
  messages: [{ role: "user", content: [{ text: "hello" }] }],
  inferenceConfig: { maxTokens: 100, temperature: 0.5 },
};
const headers = new Headers({ "user-agent": "bench", "content-type": "application/json" });

// A queue that holds a whole measured run, so no span is dropped (dropping would look cheaper);
// batches of 2,048 keep the exports few enough for the exporter's concurrency limit at flush.
const telemetry = await startTelemetry(
  loadConfig({
    API_KEY: "k",
    OTEL_EXPORTER_OTLP_ENDPOINT: url,
    OTEL_BSP_MAX_QUEUE_SIZE: String(4 * N),
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "2048",
    OTEL_BSP_SCHEDULE_DELAY: "100",
  }).telemetry!,
  { version: "bench" },
);
const traced = telemetry.traceRuntime(bare, { endpoint: "https://bedrock-runtime.us-east-1.amazonaws.com", region: "us-east-1" });
const scope = { keyId: () => "key_0123456789ab", endpoint: () => "chat.completions" };

async function withTelemetry(): Promise<void> {
  const span = telemetry.requests!.start(
    {
      method: "POST",
      path: "/v1/chat/completions",
      scheme: "http",
      host: "127.0.0.1",
      port: 8080,
      userAgent: "bench",
      clientAddress: "127.0.0.1",
      requestId: "req_bench",
      headers,
    },
    scope,
  );
  await span.run(() => traced.converse("anthropic.claude-3-haiku-20240307-v1:0", request, {}));
  span.end({
    status: 200,
    route: "/v1/chat/completions",
    keyId: "key_0123456789ab",
    endpoint: "chat.completions",
    errorType: undefined,
    aborted: false,
  });
}
const without = async () => void (await bare.converse("anthropic.claude-3-haiku-20240307-v1:0", request, {}));

async function measure(fn: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 2000; i++) await fn();
  await telemetry.flush().catch((err: unknown) => console.error(`flush: ${String(err)}`));
  const before = process.cpuUsage();
  for (let i = 0; i < N; i++) await fn();
  await telemetry.flush().catch((err: unknown) => console.error(`flush: ${String(err)}`));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / N;
}

const rounds: { on: number; off: number }[] = [];
for (let r = 0; r < 3; r++) rounds.push({ off: await measure(without), on: await measure(withTelemetry) });
const spans = await new Promise<number>((resolve) => {
  receiver.once("message", (m) => resolve(m as number));
  receiver.send("count");
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
const added = median(rounds.map((x) => x.on - x.off));
console.log(
  JSON.stringify({
    requests: N,
    rounds: rounds.map((x) => ({ off: +x.off.toFixed(2), on: +x.on.toFixed(2) })),
    addedCpuUsPerRequest: +added.toFixed(1),
    spansReceived: spans,
    spansExpected: 3 * 2 * (N + 2000),
  }),
);
await telemetry.shutdown();
receiver.kill("SIGKILL");
