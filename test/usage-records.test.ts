// Usage records and metrics, derived from the per-request fields every endpoint fills: one
// record per request (non-stream, stream, error, refused, aborted), priced, written in batches;
// GET /admin/usage totals; GET /metrics in Prometheus text format.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { text } from "./fake-bedrock/fake-bedrock.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";
import { parsePrometheus, sampleValue } from "./helpers/prometheus-text.ts";
import { chatBody, createKey, usageOf } from "./helpers/store-keys.ts";

const ADMIN = "admin-usage-key-0123456789";
const SONNET_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const SONNET_GLOBAL = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
const UNPRICED = "us.amazon.nova-2-lite-v1:0";
const close = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${a} ≈ ${b}`);

describe("usage records and metrics", () => {
  let gw: TestGateway;
  let key: { id: string; secret: string };
  const chat = (body: string, requestId: string, k = key.secret, signal?: AbortSignal) =>
    gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${k}`, "content-type": "application/json", "x-request-id": requestId },
      body,
      signal,
    });
  const metrics = async () =>
    parsePrometheus(await (await gw.request("/metrics", { headers: { authorization: `Bearer ${ADMIN}` } })).text());

  before(async () => {
    gw = await startGateway({ env: { ADMIN_API_KEY: ADMIN, USAGE_FLUSH_INTERVAL: "100ms" } });
    key = await createKey(gw, { name: "usage-team", rpm: 1000 });
  });
  after(() => gw.close());

  it("records a non-streamed request with tokens, latency and cost (geographic profile price)", async () => {
    gw.fake.enqueue({
      content: [text("hello")],
      usage: { inputTokens: 1200, outputTokens: 300, cacheReadInputTokens: 1000, cacheWriteInputTokens: 200 },
    });
    assert.equal((await chat(chatBody(SONNET_US, "hi"), "req-nonstream")).status, 200);
    const r = await usageOf(gw, "req-nonstream");
    assert.equal(r.keyId, key.id);
    assert.equal(r.endpoint, "chat.completions");
    assert.equal(r.model, SONNET_US);
    assert.equal(r.bedrockModel, SONNET_US);
    assert.equal(r.baseModel, "anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert.deepEqual([r.inputTokens, r.outputTokens, r.cacheReadTokens, r.cacheWriteTokens], [1200, 300, 1000, 200]);
    assert.equal(r.status, 200);
    assert.equal(r.stream, false);
    assert.equal(r.aborted, false);
    assert.ok(r.latencyMs > 0);
    assert.ok(Math.abs(r.ts - Date.now()) < 10_000);
    close(r.costUsd, (1200 * 3.3 + 300 * 16.5 + 1000 * 0.33 + 200 * 4.125) / 1e6);
  });

  it("prices the same tokens lower through the global profile", async () => {
    gw.fake.enqueue({ content: [text("hello")], usage: { inputTokens: 1000, outputTokens: 1000 } });
    await chat(chatBody(SONNET_GLOBAL, "hi"), "req-global");
    close((await usageOf(gw, "req-global")).costUsd, (1000 * 3 + 1000 * 15) / 1e6);
  });

  it("records a stream after it ends, with time to first token", async () => {
    gw.fake.enqueue({ content: [text("a streamed answer")], usage: { inputTokens: 20, outputTokens: 7 }, stream: { textChunk: 3 } });
    const res = await chat(chatBody(SONNET_US, "hi", { stream: true }), "req-stream");
    await res.text();
    const r = await usageOf(gw, "req-stream");
    assert.equal(r.stream, true);
    assert.equal(r.aborted, false);
    assert.deepEqual([r.inputTokens, r.outputTokens], [20, 7]);
    assert.ok(r.ttftMs !== null && r.ttftMs >= 0);
    assert.ok(r.costUsd! > 0);
  });

  it("records an aborted stream with the tokens seen so far", async () => {
    gw.fake.enqueue({ content: [text("x".repeat(400))], stream: { textChunk: 4, delayMs: 20 } });
    const ac = new AbortController();
    const res = await chat(chatBody(SONNET_US, "tell me a long story", { stream: true }), "req-aborted", key.secret, ac.signal);
    const reader = res.body!.getReader();
    let seen = "";
    while (seen.split("data:").length < 6) seen += new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    const r = await usageOf(gw, "req-aborted");
    assert.equal(r.stream, true);
    assert.equal(r.aborted, true);
    assert.ok(r.outputTokens > 0 && r.outputTokens < 100, String(r.outputTokens));
  });

  it("records failed and refused requests too", async () => {
    gw.fake.enqueue({ error: { exception: "ValidationException", message: "The model rejected this.", status: 400 } });
    assert.equal((await chat(chatBody(SONNET_US, "hi"), "req-error")).status, 400);
    const failed = await usageOf(gw, "req-error");
    assert.equal(failed.status, 400);
    assert.ok(failed.errorType);
    assert.equal(failed.inputTokens + failed.outputTokens, 0);
    assert.equal(failed.costUsd, 0);

    const limited = await createKey(gw, { name: "nova-only", models: ["us.amazon.nova-*"] });
    assert.equal((await chat(chatBody(SONNET_US, "hi"), "req-denied", limited.secret)).status, 403);
    const denied = await usageOf(gw, "req-denied");
    assert.equal(denied.status, 403);
    assert.equal(denied.errorType, "permission_denied");
    assert.equal(denied.keyId, limited.id);
  });

  it("records unknown prices as unknown (null), not zero", async () => {
    gw.fake.enqueue({ content: [text("hi")], usage: { inputTokens: 50, outputTokens: 5 } });
    await chat(chatBody(UNPRICED, "hi"), "req-unpriced");
    assert.equal((await usageOf(gw, "req-unpriced")).costUsd, null);
  });

  it("does not record requests that call no model", async () => {
    await gw.request("/v1/models", { headers: { authorization: `Bearer ${key.secret}`, "x-request-id": "req-models" } });
    await gw.runtime.usage!.flush();
    const all = await gw.runtime.deps.store!.usageRecords({ from: 0, to: Date.now() + 1000 });
    assert.ok(!all.some((r) => r.requestId === "req-models"));
  });

  it("reports totals by key, model and day at GET /admin/usage", async () => {
    await gw.runtime.usage!.flush();
    const get = async (q: string) => {
      const res = await gw.request(`/admin/usage${q}`, { headers: { authorization: `Bearer ${ADMIN}` } });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as any;
    };
    const byKey = await get("?group_by=key");
    assert.equal(byKey.object, "usage_report");
    const mine = byKey.data.find((r: any) => r.group === key.id);
    assert.equal(mine.name, "usage-team");
    assert.equal(mine.requests, 6);
    assert.equal(mine.errors, 1);
    assert.equal(mine.unpriced_requests, 1);
    assert.ok(mine.cost_usd > 0.02);
    assert.equal(
      byKey.totals.requests,
      byKey.data.reduce((a: number, r: any) => a + r.requests, 0),
    );
    const byModel = await get("?group_by=model");
    assert.ok(byModel.data.some((r: any) => r.group === SONNET_GLOBAL && r.requests === 1));
    const today = new Date().toISOString().slice(0, 10);
    const byDay = await get(`?group_by=day&from=${today}&to=${today}`);
    assert.deepEqual(
      byDay.data.map((r: any) => r.group),
      [today],
    );
    const oneKey = await get(`?group_by=model&key=${key.id}`);
    assert.equal(oneKey.totals.requests, 6);
    const bad = await gw.request("/admin/usage?group_by=team", { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(bad.status, 400);
    assert.equal((await gw.request("/admin/usage", { headers: { authorization: `Bearer ${key.secret}` } })).status, 401);
  });

  it("exposes Prometheus metrics: requests, errors, latency and TTFT histograms, tokens and cost by model and key", async () => {
    assert.equal((await gw.request("/metrics", { noAuth: true })).status, 401, "not public while a key guards it");
    const res = await gw.request("/metrics", { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(res.status, 200, "ADMIN_API_KEY reads /metrics");
    assert.match(res.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
    const m = await metrics();
    assert.ok(sampleValue(m, "bedrock_gateway_requests_total", { endpoint: "chat.completions", status: "200", key: key.id })! >= 4);
    assert.equal(sampleValue(m, "bedrock_gateway_errors_total", { endpoint: "chat.completions", type: "permission_denied" }), 1);
    assert.equal(sampleValue(m, "bedrock_gateway_tokens_total", { model: SONNET_GLOBAL, key: key.id, kind: "input" }), 1000);
    assert.equal(sampleValue(m, "bedrock_gateway_tokens_total", { model: SONNET_US, key: key.id, kind: "cache_read" }), 1000);
    const cost = sampleValue(m, "bedrock_gateway_cost_usd_total", { model: SONNET_GLOBAL, key: key.id })!;
    assert.ok(Math.abs(cost - 0.018) < 1e-9, String(cost));
    assert.equal(sampleValue(m, "bedrock_gateway_unpriced_requests_total", { model: UNPRICED }), 1);
    assert.ok(sampleValue(m, "bedrock_gateway_request_duration_seconds_count", { endpoint: "chat.completions" })! >= 6);
    assert.ok(m.some((s) => s.name === "bedrock_gateway_request_duration_seconds_bucket" && s.labels.le === "+Inf"));
    assert.ok(
      sampleValue(m, "bedrock_gateway_time_to_first_token_seconds_count", { endpoint: "chat.completions", model: SONNET_US })! >= 1,
    );
    assert.equal(sampleValue(m, "bedrock_gateway_streams_in_flight"), 0);
    assert.ok(sampleValue(m, "bedrock_gateway_requests_total", { endpoint: "other", status: "200" })! >= 1, "non-model requests count too");
    assert.ok(
      m.some((s) => s.name === "bedrock_gateway_process_cpu_user_seconds_total"),
      "process metrics",
    );
  });

  it("counts streams in flight and upstream retries", async () => {
    gw.fake.enqueue(
      { error: { exception: "ThrottlingException", message: "Too many requests", status: 429 } },
      { content: [text("slow stream")], stream: { textChunk: 1, delayMs: 30 } },
    );
    const res = await chat(chatBody(SONNET_US, "hi", { stream: true }), "req-inflight");
    const reader = res.body!.getReader();
    await reader.read();
    assert.equal(sampleValue(await metrics(), "bedrock_gateway_streams_in_flight"), 1);
    while (!(await reader.read()).done);
    await usageOf(gw, "req-inflight");
    const m = await metrics();
    assert.equal(sampleValue(m, "bedrock_gateway_streams_in_flight"), 0);
    assert.equal(sampleValue(m, "bedrock_gateway_upstream_retries_total", { model: SONNET_US }), 1);
  });
});

describe("metrics with METRICS_API_KEY", () => {
  it("requires the key", async () => {
    const gw = await startGateway({ env: { METRICS_API_KEY: "scrape-me" } });
    try {
      assert.equal((await gw.request("/metrics", { noAuth: true })).status, 401);
      assert.equal((await gw.request("/metrics")).status, 401, "a client key is not the metrics key");
      assert.equal((await gw.request("/metrics", { headers: { authorization: "Bearer scrape-me" } })).status, 200);
    } finally {
      await gw.close();
    }
  });
  it("can be switched off", async () => {
    const gw = await startGateway({ env: { ENABLE_METRICS: "false" } });
    try {
      assert.equal((await gw.request("/metrics", { noAuth: true })).status, 404);
    } finally {
      await gw.close();
    }
  });
});

describe("usage and limits on the other endpoints", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());
  const post = (path: string, key: string, body: unknown, requestId: string) =>
    gw.request(path, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "x-request-id": requestId },
      body: JSON.stringify(body),
    });

  it("embeddings: allow-listed, recorded and priced by input tokens", async () => {
    const k = await createKey(gw, { name: "embed", models: ["amazon.titan-embed-*"], rpm: 100 });
    const ok = await post(
      "/v1/embeddings",
      k.secret,
      { model: "amazon.titan-embed-text-v2:0", input: ["hello world", "second text"], encoding_format: "float" },
      "req-embed",
    );
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal(ok.headers.get("x-ratelimit-remaining-requests"), "99");
    const r = await usageOf(gw, "req-embed");
    assert.equal(r.endpoint, "embeddings");
    assert.ok(r.inputTokens > 0);
    close(r.costUsd, (r.inputTokens * 0.02) / 1e6);
    const denied = await post("/v1/embeddings", k.secret, { model: "cohere.embed-english-v3", input: "x" }, "req-embed-denied");
    assert.equal(denied.status, 403);
    assert.equal(((await denied.json()) as any).error.code, "permission_denied");
  });

  it("images: recorded with an unknown cost (not billed by tokens), not zero", async () => {
    const k = await createKey(gw, { name: "images" });
    const res = await post(
      "/v1/images/generations",
      k.secret,
      { model: "amazon.nova-canvas-v1:0", prompt: "a lighthouse at dawn", size: "1024x1024" },
      "req-image",
    );
    assert.equal(res.status, 200, await res.clone().text());
    const r = await usageOf(gw, "req-image");
    assert.equal(r.endpoint, "images.generations");
    assert.equal(r.costUsd, null);
  });
});
