// OpenTelemetry end to end: the real gateway (real Bedrock client against the test double), real
// OpenAI / Anthropic SDK clients, and an in-process OTLP/HTTP receiver decoding what the OTel
// exporters really send (protobuf with the official .proto definitions, and JSON).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { text, toolUse } from "./fake-bedrock/fake-bedrock.ts";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";
import { startOtlpReceiver } from "./helpers/otlp-receiver.ts";
import type { OtlpReceiver, ReceivedSpan } from "./helpers/otlp-receiver.ts";

const NOVA = "amazon.nova-lite-v1:0";
const SERVER = 2;
const CLIENT = 3;
const STATUS_ERROR = 2;
const CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN = "00f067aa0ba902b7";

const chat = (gw: TestGateway, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  gw.request("/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: NOVA, ...body }),
  });

/** Spans of one request: the server span whose request id the gateway echoed, and its children. */
async function spansOf(
  rx: OtlpReceiver,
  gw: TestGateway,
  requestId: string,
  children = 1,
): Promise<{ server: ReceivedSpan; genai: ReceivedSpan[] }> {
  await gw.runtime.telemetry!.flush();
  let server: ReceivedSpan | undefined;
  await rx.waitForSpans((spans) => {
    server = spans.find((s) => s.kind === SERVER && s.attributes["bedrock_gateway.request_id"] === requestId);
    return server !== undefined && spans.filter((s) => s.parentSpanId === server!.spanId).length >= children;
  });
  return { server: server!, genai: rx.spans.filter((s) => s.parentSpanId === server!.spanId) };
}

async function accessLine(gw: TestGateway, requestId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 300; i++) {
    const line = gw.logs.find((l) => l.msg === "request" && l.requestId === requestId);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("no access line");
}

describe("OpenTelemetry traces (OTLP/HTTP protobuf, the default protocol)", () => {
  let rx: OtlpReceiver;
  let gw: TestGateway;
  before(async () => {
    rx = await startOtlpReceiver();
    gw = await startGateway({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_SERVICE_NAME: "gw-under-test",
        OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=test,team=ml%20platform",
        OTEL_BSP_SCHEDULE_DELAY: "50",
        UPSTREAM_RETRY_MAX_TIME: "5s",
      },
    });
  });
  after(async () => {
    await gw.close();
    await rx.close();
  });

  it("continues the client's trace: server span → GenAI client span with the conventions' attributes", async () => {
    gw.fake.enqueue({
      content: [text("Paris is the capital.")],
      usage: { inputTokens: 12, outputTokens: 5, cacheReadInputTokens: 3, cacheWriteInputTokens: 4 },
    });
    const res = await chat(
      gw,
      {
        messages: [{ role: "user", content: "What is the capital of France? SECRET-PROMPT-TEXT" }],
        max_tokens: 64,
        temperature: 0.3,
        top_p: 0.9,
      },
      { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`, tracestate: "vendor=abc" },
    );
    assert.equal(res.status, 200);
    const requestId = res.headers.get("x-request-id")!;
    const { server, genai } = await spansOf(rx, gw, requestId);

    assert.equal(server.traceId, CLIENT_TRACE, "the client's trace continues");
    assert.equal(server.parentSpanId, CLIENT_SPAN);
    assert.equal(server.name, "POST /v1/chat/completions");
    assert.equal(server.attributes["http.request.method"], "POST");
    assert.equal(server.attributes["http.route"], "/v1/chat/completions");
    assert.equal(server.attributes["http.response.status_code"], 200);
    assert.equal(server.attributes["bedrock_gateway.endpoint"], "chat.completions");
    const keyId = String(server.attributes["bedrock_gateway.key_id"]);
    assert.ok(keyId.length > 0 && !keyId.includes(TEST_API_KEY), "the key's id, never the key");
    assert.equal(server.status.code, 0);

    assert.equal(genai.length, 1);
    const span = genai[0]!;
    assert.equal(span.kind, CLIENT);
    assert.equal(span.traceId, CLIENT_TRACE);
    assert.equal(span.name, `chat ${NOVA}`);
    const a = span.attributes;
    assert.equal(a["gen_ai.operation.name"], "chat");
    assert.equal(a["gen_ai.provider.name"], "aws.bedrock");
    assert.equal(a["gen_ai.system"], "aws.bedrock");
    assert.equal(a["gen_ai.request.model"], NOVA);
    assert.equal(a["gen_ai.response.model"], NOVA);
    assert.equal(a["gen_ai.request.max_tokens"], 64);
    assert.equal(a["gen_ai.request.temperature"], 0.3);
    assert.equal(a["gen_ai.request.top_p"], 0.9);
    assert.equal(a["gen_ai.request.stream"], false);
    assert.deepEqual(a["gen_ai.response.finish_reasons"], ["end_turn"]);
    // The conventions count cached tokens in input_tokens; Bedrock reports them apart.
    assert.equal(a["gen_ai.usage.input_tokens"], 12 + 3 + 4);
    assert.equal(a["gen_ai.usage.output_tokens"], 5);
    assert.equal(a["gen_ai.usage.cache_read.input_tokens"], 3);
    assert.equal(a["gen_ai.usage.cache_creation.input_tokens"], 4);
    assert.equal(a["server.address"], "127.0.0.1");
    assert.equal(a["server.port"], Number(new URL(gw.fake.url).port));
    assert.equal(a["cloud.region"], gw.fake.region);
    assert.equal(a["bedrock_gateway.key_id"], server.attributes["bedrock_gateway.key_id"]);
    assert.equal(a["bedrock_gateway.endpoint"], "chat.completions");
    assert.equal(a["error.type"], undefined);
    assert.ok(
      span.startTimeUnixNano >= server.startTimeUnixNano && span.endTimeUnixNano <= server.endTimeUnixNano,
      "the call lies inside the request",
    );

    assert.equal(span.resource["service.name"], "gw-under-test");
    assert.equal(span.resource["service.version"], JSON.parse(await (await gw.request("/health")).text()).version);
    assert.equal(span.resource["deployment.environment.name"], "test");
    assert.equal(span.resource.team, "ml platform");
    assert.ok(rx.requests.every((r) => r.contentType === "application/x-protobuf"));

    // Logs and traces join: the access line carries the server span's ids.
    const line = await accessLine(gw, requestId);
    assert.equal(line.trace_id, CLIENT_TRACE);
    assert.equal(line.span_id, server.spanId);
  });

  it("exports no message content by default, and never the client's key", async () => {
    gw.fake.enqueue({ content: [text("ANSWER-TEXT-NOT-EXPORTED")] });
    const res = await chat(gw, {
      messages: [
        { role: "system", content: "SYSTEM-TEXT-NOT-EXPORTED" },
        { role: "user", content: "PROMPT-TEXT-NOT-EXPORTED" },
      ],
    });
    const { genai } = await spansOf(rx, gw, res.headers.get("x-request-id")!);
    for (const k of ["gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions"])
      assert.equal(genai[0]!.attributes[k], undefined, k);
    const raw = rx.rawText();
    for (const secret of [
      "PROMPT-TEXT-NOT-EXPORTED",
      "ANSWER-TEXT-NOT-EXPORTED",
      "SYSTEM-TEXT-NOT-EXPORTED",
      "SECRET-PROMPT-TEXT",
      TEST_API_KEY,
    ])
      assert.ok(!raw.includes(secret), secret);
  });

  it("a streaming span ends with the stream: first-chunk event, finish reason and usage from the stream's events", async () => {
    gw.fake.enqueue({
      content: [text("one two three four five six")],
      usage: { inputTokens: 8, outputTokens: 6 },
      stream: { textChunk: 4, delayMs: 15 },
    });
    const stream = await gw.openai.chat.completions
      .create({ model: NOVA, messages: [{ role: "user", content: "count" }], stream: true, max_tokens: 100 })
      .withResponse();
    let streamEnded = 0n;
    for await (const chunk of stream.data) void chunk;
    streamEnded = BigInt(Date.now()) * 1_000_000n;
    const { server, genai } = await spansOf(rx, gw, stream.response.headers.get("x-request-id")!);
    const span = genai[0]!;
    assert.equal(span.attributes["gen_ai.request.stream"], true);
    assert.deepEqual(span.attributes["gen_ai.response.finish_reasons"], ["end_turn"]);
    assert.equal(span.attributes["gen_ai.usage.input_tokens"], 8);
    assert.equal(span.attributes["gen_ai.usage.output_tokens"], 6);
    const first = span.events.find((e) => e.name === "first_chunk");
    assert.ok(first, "time to first token is an event");
    const ttfc = Number(span.attributes["gen_ai.response.time_to_first_chunk"]);
    assert.ok(ttfc > 0 && ttfc < 5);
    // The stream took ≥ 7 paced events × 15 ms: the span covers them, it did not end at the headers.
    assert.ok(
      span.endTimeUnixNano - first.timeUnixNano >= 60_000_000n,
      `span ended ${span.endTimeUnixNano - first.timeUnixNano} ns after the first chunk`,
    );
    assert.ok(span.endTimeUnixNano <= streamEnded + 50_000_000n);
    assert.ok(server.endTimeUnixNano >= span.endTimeUnixNano, "the server span ends after the stream");
    assert.equal(span.attributes["bedrock_gateway.aborted"], undefined, "a stream read to its end is not aborted");
    assert.equal(span.status.code, 0);
  });

  it("a stream the client abandons ends its span marked aborted", async () => {
    gw.fake.enqueue({ content: [text("0123456789".repeat(30))], stream: { textChunk: 5, delayMs: 30 } });
    const res = await chat(gw, { messages: [{ role: "user", content: "x" }], stream: true });
    const requestId = res.headers.get("x-request-id")!;
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    const { server, genai } = await spansOf(rx, gw, requestId);
    const span = genai[0]!;
    assert.equal(span.attributes["bedrock_gateway.aborted"], true);
    assert.equal(span.attributes["error.type"], "aborted");
    assert.equal(span.status.code, STATUS_ERROR);
    assert.equal(server.attributes["bedrock_gateway.aborted"], true);
  });

  it("a failed call carries error.type (Bedrock's exception) and error status; the 4xx server span is not an error", async () => {
    gw.fake.enqueue({
      error: { exception: "AccessDeniedException", message: "You don't have access to the model with the specified model ID." },
    });
    const res = await chat(gw, { messages: [{ role: "user", content: "x" }] });
    assert.equal(res.status, 403);
    const { server, genai } = await spansOf(rx, gw, res.headers.get("x-request-id")!);
    assert.equal(genai[0]!.attributes["error.type"], "AccessDeniedException");
    assert.equal(genai[0]!.status.code, STATUS_ERROR);
    assert.equal(server.attributes["http.response.status_code"], 403);
    assert.equal(server.status.code, 0, "4xx: the client's error, not the server's");
    assert.ok(server.attributes["bedrock_gateway.error_code"]);
  });

  it("a stream that fails midway ends its span with the stream's exception", async () => {
    gw.fake.enqueue({
      content: [text("partial answer that will break")],
      stream: { textChunk: 4, failAfter: { events: 4, exception: "ModelStreamErrorException", message: "The model stopped unexpectedly" } },
    });
    const res = await chat(gw, { messages: [{ role: "user", content: "x" }], stream: true });
    await res.text();
    const { genai } = await spansOf(rx, gw, res.headers.get("x-request-id")!);
    assert.equal(genai[0]!.attributes["error.type"], "ModelStreamErrorException");
    assert.equal(genai[0]!.status.code, STATUS_ERROR);
    assert.ok(
      genai[0]!.events.some((e) => e.name === "first_chunk"),
      "content had started",
    );
  });

  it("each retry is an event on the span", async () => {
    const throttle = { error: { exception: "ThrottlingException", message: "Too many requests, please wait before trying again." } };
    gw.fake.enqueue(throttle, throttle, { content: [text("finally")] });
    const res = await chat(gw, { messages: [{ role: "user", content: "x" }] });
    assert.equal(res.status, 200);
    const { genai } = await spansOf(rx, gw, res.headers.get("x-request-id")!);
    const retries = genai[0]!.events.filter((e) => e.name === "retry");
    assert.deepEqual(
      retries.map((e) => e.attributes["retry.attempt"]),
      [1, 2],
    );
    assert.ok(retries.every((e) => e.attributes["error.type"] === "ThrottlingException" && Number(e.attributes["retry.delay_ms"]) >= 0));
    assert.equal(genai[0]!.attributes["bedrock_gateway.retries"], 2);
    assert.equal(genai[0]!.status.code, 0);
    assert.equal((await accessLine(gw, res.headers.get("x-request-id")!)).retries, 2, "the route's own onRetry still runs");
  });

  it("n > 1 makes one GenAI span per Bedrock call, all children of the request", async () => {
    gw.fake.setDefault({ content: [text("same")] });
    try {
      const res = await chat(gw, { messages: [{ role: "user", content: "x" }], n: 3 });
      const { genai } = await spansOf(rx, gw, res.headers.get("x-request-id")!, 3);
      assert.equal(genai.length, 3);
      assert.equal(new Set(genai.map((s) => s.spanId)).size, 3);
    } finally {
      gw.fake.reset();
    }
  });

  it("InvokeModel calls are named by operation: embeddings, generate_content (images), rerank", async () => {
    const emb = await gw.openai.embeddings.create({ model: "amazon.titan-embed-text-v2:0", input: ["a", "b"] }).withResponse();
    const e = await spansOf(rx, gw, emb.response.headers.get("x-request-id")!, 2);
    assert.equal(e.genai.length, 2, "Titan takes one input per call: one span each");
    for (const s of e.genai) {
      assert.equal(s.name, "embeddings amazon.titan-embed-text-v2:0");
      assert.equal(s.attributes["gen_ai.operation.name"], "embeddings");
      assert.equal(typeof s.attributes["gen_ai.usage.input_tokens"], "number");
    }

    const img = await gw.request("/v1/images/generations", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "amazon.nova-canvas-v1:0", prompt: "a lighthouse" }),
    });
    assert.equal(img.status, 200);
    const i = await spansOf(rx, gw, img.headers.get("x-request-id")!);
    assert.equal(i.genai[0]!.name, "generate_content amazon.nova-canvas-v1:0");
    assert.equal(i.genai[0]!.attributes["gen_ai.output.type"], "image");

    const rr = await gw.request("/v1/rerank", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "cohere.rerank-v3-5:0", query: "capital?", documents: ["Paris", "Rome"] }),
    });
    assert.equal(rr.status, 200);
    const r = await spansOf(rx, gw, rr.headers.get("x-request-id")!);
    assert.equal(r.genai[0]!.attributes["gen_ai.operation.name"], "rerank");
  });

  it("the Anthropic Messages API is traced the same way (count_tokens too)", async () => {
    gw.fake.enqueue({ content: [text("Let me check."), toolUse("get_weather", { city: "Paris" })] });
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: TEST_API_KEY, maxRetries: 0 });
    const msg = await anthropic.messages
      .create({
        model: "anthropic.claude-3-haiku-20240307-v1:0",
        max_tokens: 256,
        messages: [{ role: "user", content: "weather?" }],
        tools: [{ name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
      })
      .withResponse();
    const { genai } = await spansOf(rx, gw, msg.response.headers.get("x-request-id")!);
    assert.equal(genai[0]!.attributes["gen_ai.operation.name"], "chat");
    assert.deepEqual(genai[0]!.attributes["gen_ai.response.finish_reasons"], ["tool_use"]);
    assert.equal(genai[0]!.attributes["bedrock_gateway.endpoint"], "messages");
  });

  it("requests that never reach Bedrock still get a server span (401, 404) and no GenAI span", async () => {
    const res = await gw.request("/v1/chat/completions", {
      method: "POST",
      noAuth: true,
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(res.status, 401);
    const missing = await gw.request("/v1/nothing-here");
    assert.equal(missing.status, 404);
    await gw.runtime.telemetry!.flush();
    const spans = await rx.waitForSpans((s) =>
      [res, missing].every((r) => s.some((x) => x.attributes["bedrock_gateway.request_id"] === r.headers.get("x-request-id"))),
    );
    const unauth = spans.find((s) => s.attributes["bedrock_gateway.request_id"] === res.headers.get("x-request-id"))!;
    assert.equal(unauth.attributes["http.response.status_code"], 401);
    assert.equal(rx.spans.filter((s) => s.parentSpanId === unauth.spanId).length, 0);
    const notFound = spans.find((s) => s.attributes["bedrock_gateway.request_id"] === missing.headers.get("x-request-id"))!;
    assert.equal(notFound.attributes["http.route"], undefined, "no route matched: the raw path is not a route");
    assert.equal(notFound.name, "GET");
  });

  it("a malformed or hostile traceparent starts a new trace instead of failing the request", async () => {
    for (const tp of [
      "garbage",
      `00-${"0".repeat(32)}-${CLIENT_SPAN}-01`,
      `ff-${CLIENT_TRACE}-${CLIENT_SPAN}-01`,
      `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01-${"x".repeat(5000)}`,
    ]) {
      gw.fake.enqueue({ content: [text("ok")] });
      const res = await chat(gw, { messages: [{ role: "user", content: "x" }] }, { traceparent: tp, tracestate: "a=b,".repeat(200) });
      assert.equal(res.status, 200, tp.slice(0, 40));
      const { server } = await spansOf(rx, gw, res.headers.get("x-request-id")!);
      assert.match(server.traceId, /^[0-9a-f]{32}$/);
      assert.notEqual(server.traceId, "0".repeat(32));
    }
  });

  it("exports the GenAI metrics: token usage, operation duration, time to first chunk", async () => {
    gw.fake.enqueue({ content: [text("metric stream")], usage: { inputTokens: 21, outputTokens: 4 }, stream: { textChunk: 3 } });
    const res = await chat(gw, { messages: [{ role: "user", content: "x" }], stream: true });
    await res.text();
    await gw.runtime.telemetry!.flush();
    const metrics = await rx.waitForMetrics((m) => m.some((x) => x.name === "gen_ai.client.operation.time_to_first_chunk"));
    const latest = (name: string) => metrics.filter((m) => m.name === name).at(-1)!;
    const tokens = latest("gen_ai.client.token.usage");
    assert.equal(tokens.kind, "histogram");
    assert.equal(tokens.unit, "{token}");
    const input = tokens.points.find(
      (p) => p.attributes["gen_ai.token.type"] === "input" && p.attributes["gen_ai.request.model"] === NOVA,
    )!;
    assert.ok(input.count! >= 1 && input.sum! >= 21);
    assert.equal(input.attributes["gen_ai.operation.name"], "chat");
    assert.equal(input.attributes["gen_ai.provider.name"], "aws.bedrock");
    assert.deepEqual(input.explicitBounds!.slice(0, 3), [1, 4, 16], "the conventions' advised buckets");
    const duration = latest("gen_ai.client.operation.duration");
    assert.equal(duration.unit, "s");
    assert.ok(
      duration.points.some((p) => p.attributes["error.type"] === "AccessDeniedException"),
      "failed calls are counted with error.type",
    );
    assert.ok(latest("gen_ai.client.operation.time_to_first_chunk").points.some((p) => p.count! >= 1));
    assert.equal(
      tokens.points.some((p) => "bedrock_gateway.key_id" in p.attributes),
      false,
      "no per-key cardinality in metrics",
    );
  });
});

describe("OpenTelemetry with OTLP/JSON, exporter headers and content capture on", () => {
  let rx: OtlpReceiver;
  let gw: TestGateway;
  const EXPORT_TOKEN = "otlp-export-token-must-not-leak";
  before(async () => {
    rx = await startOtlpReceiver();
    gw = await startGateway({
      env: {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${rx.url}/v1/traces`,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${EXPORT_TOKEN},x-team=gw`,
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "true",
        OTEL_BSP_SCHEDULE_DELAY: "50",
      },
    });
  });
  after(async () => {
    await gw.close();
    await rx.close();
  });

  it("records input, system and output messages as the conventions describe, sent as JSON with the configured headers", async () => {
    gw.fake.enqueue({ content: [text("Bonjour!"), toolUse("lookup", { q: "fr" }, "tool123")] });
    const res = await chat(gw, {
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Say hello in French" },
      ],
    });
    const { genai } = await spansOf(rx, gw, res.headers.get("x-request-id")!);
    const a = genai[0]!.attributes;
    assert.deepEqual(JSON.parse(String(a["gen_ai.input.messages"])), [
      { role: "user", parts: [{ type: "text", content: "Say hello in French" }] },
    ]);
    assert.deepEqual(JSON.parse(String(a["gen_ai.system_instructions"])), [{ type: "text", content: "Be brief." }]);
    assert.deepEqual(JSON.parse(String(a["gen_ai.output.messages"])), [
      {
        role: "assistant",
        parts: [
          { type: "text", content: "Bonjour!" },
          { type: "tool_call", id: "tool123", name: "lookup", arguments: { q: "fr" } },
        ],
        finish_reason: "tool_use",
      },
    ]);
    const exports = rx.requests.filter((r) => r.path === "/v1/traces");
    assert.ok(exports.length > 0 && exports.every((r) => r.contentType === "application/json"));
    assert.equal(exports[0]!.headers.authorization, `Bearer ${EXPORT_TOKEN}`);
    assert.equal(exports[0]!.headers["x-team"], "gw");
    assert.ok(!gw.logText().includes(EXPORT_TOKEN), "the exporter's credentials are never logged");
    assert.equal(
      rx.requests.some((r) => r.path === "/v1/metrics"),
      false,
      "only the traces endpoint was configured",
    );
  });

  it("assembles a streamed answer (text and tool input deltas) for gen_ai.output.messages", async () => {
    gw.fake.enqueue({
      content: [text("Streaming reply"), toolUse("lookup", { city: "Lyon" }, "tool456")],
      stream: { textChunk: 3, toolChunk: 4 },
    });
    const res = await chat(gw, { messages: [{ role: "user", content: "go" }], stream: true });
    await res.text();
    const { genai } = await spansOf(rx, gw, res.headers.get("x-request-id")!);
    assert.deepEqual(JSON.parse(String(genai[0]!.attributes["gen_ai.output.messages"])), [
      {
        role: "assistant",
        parts: [
          { type: "text", content: "Streaming reply" },
          { type: "tool_call", id: "tool456", name: "lookup", arguments: { city: "Lyon" } },
        ],
        finish_reason: "tool_use",
      },
    ]);
  });
});

describe("OpenTelemetry sampling", () => {
  let rx: OtlpReceiver;
  let gw: TestGateway;
  before(async () => {
    rx = await startOtlpReceiver();
    gw = await startGateway({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_METRICS_EXPORTER: "none",
        OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
        OTEL_TRACES_SAMPLER_ARG: "0",
        OTEL_BSP_SCHEDULE_DELAY: "50",
      },
    });
  });
  after(async () => {
    await gw.close();
    await rx.close();
  });

  it("follows the client's sampled flag; unsampled requests export nothing but still log their trace id", async () => {
    gw.fake.setDefault({ content: [text("ok")] });
    const unsampledTrace = "11111111111111111111111111111111";
    const off = await chat(gw, { messages: [{ role: "user", content: "x" }] }, { traceparent: `00-${unsampledTrace}-${CLIENT_SPAN}-00` });
    const root = await chat(gw, { messages: [{ role: "user", content: "x" }] }); // ratio 0: not sampled
    const on = await chat(gw, { messages: [{ role: "user", content: "x" }] }, { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` });
    gw.fake.reset();
    const sampled = await spansOf(rx, gw, on.headers.get("x-request-id")!);
    assert.equal(sampled.server.traceId, CLIENT_TRACE);
    await gw.runtime.telemetry!.flush();
    for (const r of [off, root])
      assert.equal(
        rx.spans.some((s) => s.attributes["bedrock_gateway.request_id"] === r.headers.get("x-request-id")),
        false,
      );
    assert.equal(
      rx.spans.some((s) => s.traceId === unsampledTrace),
      false,
    );
    assert.equal((await accessLine(gw, off.headers.get("x-request-id")!)).trace_id, unsampledTrace);
    assert.equal(
      rx.requests.some((r) => r.path === "/v1/metrics"),
      false,
      "OTEL_METRICS_EXPORTER=none",
    );
  });
});
