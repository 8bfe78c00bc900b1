// RPM, TPM and budgets end to end: enforced before Bedrock is called, OpenAI's 429 shapes and
// x-ratelimit-* headers on every response of a limited key, TPM reconciled with real usage.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI from "openai";
import { text } from "./fake-bedrock/fake-bedrock.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { chatBody, createKey } from "./helpers/store-keys.ts";

const NOVA = "us.amazon.nova-lite-v1:0";
const SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

describe("limits through the gateway", () => {
  let gw: TestGateway;
  const chat = (key: string, body: string, headers: Record<string, string> = {}) =>
    gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
      body,
    });

  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  it("enforces RPM with OpenAI's headers on every response and a 429 the SDK understands", async () => {
    const k = await createKey(gw, { name: "rpm", rpm: 2 });
    const first = await chat(k.secret, chatBody(NOVA, "hi"));
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("x-ratelimit-limit-requests"), "2");
    assert.equal(first.headers.get("x-ratelimit-remaining-requests"), "1");
    assert.match(first.headers.get("x-ratelimit-reset-requests")!, /^\d+(\.\d+)?(ms|s)$/);
    assert.equal(first.headers.get("x-ratelimit-limit-tokens"), null, "no TPM configured");
    const models = await gw.request("/v1/models", { headers: { authorization: `Bearer ${k.secret}` } });
    assert.equal(models.headers.get("x-ratelimit-remaining-requests"), "1", "listing models takes nothing but shows the state");
    assert.equal((await chat(k.secret, chatBody(NOVA, "hi"))).headers.get("x-ratelimit-remaining-requests"), "0");

    const calls = gw.fake.calls("Converse").length;
    const limited = await chat(k.secret, chatBody(NOVA, "hi"));
    assert.equal(limited.status, 429);
    assert.equal(gw.fake.calls("Converse").length, calls, "refused before Bedrock");
    const retryAfter = Number(limited.headers.get("retry-after"));
    assert.ok(retryAfter >= 29 && retryAfter <= 30, String(retryAfter));
    assert.equal(limited.headers.get("x-ratelimit-remaining-requests"), "0");
    assert.equal(limited.headers.get("x-should-retry"), "true");
    const body: any = await limited.json();
    assert.deepEqual(openaiSchemaErrors("ErrorResponse", body), []);
    assert.equal(body.error.type, "rate_limit_error");
    assert.equal(body.error.code, "rate_limit_exceeded");
    assert.match(body.error.message, /requests per minute \(RPM\): limit 2/);

    const sdk = new OpenAI({ baseURL: gw.baseURL, apiKey: k.secret, maxRetries: 0 });
    await assert.rejects(sdk.chat.completions.create({ model: NOVA, messages: [{ role: "user", content: "x" }] }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.RateLimitError);
      assert.equal(e.code, "rate_limit_exceeded");
      return true;
    });
  });

  it("leaves unrestricted keys (the static key, a store key without limits) without rate-limit headers", async () => {
    const res = await gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chatBody(NOVA, "hi"),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-ratelimit-limit-requests"), null);
    const k = await createKey(gw, { name: "free" });
    assert.equal((await chat(k.secret, chatBody(NOVA, "hi"))).headers.get("x-ratelimit-limit-requests"), null);
  });

  it("estimates TPM before the call and reconciles with real usage after it", async () => {
    const k = await createKey(gw, { name: "tpm", tpm: 1000 });
    gw.fake.setDefault({ content: [text("ok")], usage: { inputTokens: 10, outputTokens: 5 } });
    // ≈ 600 input tokens estimated + max_tokens 300 reserved; only 15 really used.
    const big = "word ".repeat(480);
    const a = await chat(k.secret, chatBody(NOVA, big, { max_tokens: 300 }));
    assert.equal(a.status, 200);
    assert.equal(a.headers.get("x-ratelimit-limit-tokens"), "1000");
    const remainingAfterReserve = Number(a.headers.get("x-ratelimit-remaining-tokens"));
    assert.ok(remainingAfterReserve < 150, String(remainingAfterReserve));
    // After reconciliation the key has its tokens back, so the same request passes again at once.
    const b = await chat(k.secret, chatBody(NOVA, big, { max_tokens: 300 }));
    assert.equal(b.status, 200);

    // A request whose prompt alone is larger than the TPM can never pass: not retryable.
    const tooBig = await chat(k.secret, chatBody(NOVA, "word ".repeat(1000)));
    assert.equal(tooBig.status, 429);
    assert.equal(tooBig.headers.get("x-should-retry"), "false");
    assert.match(((await tooBig.json()) as any).error.message, /Request too large/);
  });

  it("charges a long answer after the fact: the key is in debt until the bucket refills", async () => {
    const k = await createKey(gw, { name: "debt", tpm: 600 });
    gw.fake.setDefault({ content: [text("long")], usage: { inputTokens: 10, outputTokens: 1500 } });
    assert.equal((await chat(k.secret, chatBody(NOVA, "write a lot"))).status, 200);
    await new Promise((r) => setTimeout(r, 50));
    const next = await chat(k.secret, chatBody(NOVA, "again"));
    assert.equal(next.status, 429);
    const err: any = await next.json();
    assert.match(err.error.message, /tokens per minute \(TPM\)/);
    assert.equal(next.headers.get("x-ratelimit-remaining-tokens"), "0");
    assert.ok(Number(next.headers.get("retry-after")) > 60, "debt of ~900 tokens at 600/min");
  });

  it("reconciles streams when they end", async () => {
    const k = await createKey(gw, { name: "stream-tpm", tpm: 2000 });
    gw.fake.setDefault({ content: [text("streamed answer")], usage: { inputTokens: 10, outputTokens: 1900 }, stream: { textChunk: 4 } });
    const res = await chat(k.secret, chatBody(NOVA, "stream please", { stream: true }));
    assert.equal(res.status, 200);
    assert.ok((await res.text()).endsWith("data: [DONE]\n\n"));
    await new Promise((r) => setTimeout(r, 50));
    const models = await gw.request("/v1/models", { headers: { authorization: `Bearer ${k.secret}` } });
    assert.ok(Number(models.headers.get("x-ratelimit-remaining-tokens")) < 200, models.headers.get("x-ratelimit-remaining-tokens")!);
  });

  it("enforces budgets with insufficient_quota once the period's spend is reached", async () => {
    const k = await createKey(gw, { name: "budget", budget: { usd: 0.01, period: "day" } });
    // Claude Sonnet 4.5 through the US profile: 1,000 in + 1,000 out = $0.0198 > $0.01.
    gw.fake.setDefault({ content: [text("pricey")], usage: { inputTokens: 1000, outputTokens: 1000 } });
    assert.equal((await chat(k.secret, chatBody(SONNET, "hi"))).status, 200);
    await new Promise((r) => setTimeout(r, 50));
    const calls = gw.fake.calls("Converse").length;
    const over = await chat(k.secret, chatBody(SONNET, "hi"));
    assert.equal(over.status, 429);
    assert.equal(gw.fake.calls("Converse").length, calls, "refused before Bedrock");
    assert.equal(over.headers.get("x-should-retry"), "false", "the OpenAI SDK must not sleep until tomorrow");
    assert.ok(Number(over.headers.get("retry-after")) > 0);
    const body: any = await over.json();
    assert.equal(body.error.type, "insufficient_quota");
    assert.equal(body.error.code, "insufficient_quota");
    assert.match(body.error.message, /0\.01 USD per day/);
    const sdk = new OpenAI({ baseURL: gw.baseURL, apiKey: k.secret });
    const started = Date.now();
    await assert.rejects(
      sdk.chat.completions.create({ model: SONNET, messages: [{ role: "user", content: "x" }] }),
      (e: unknown) => e instanceof OpenAI.RateLimitError && e.code === "insufficient_quota",
    );
    assert.ok(Date.now() - started < 2000, "the SDK does not retry");
    // Raising the budget lets the key through again.
    await gw.runtime.deps.keys!.update(k.id, { budget: { usd: 100, period: "day" } });
  });

  it("sees the budget spent by earlier requests of the period, across restarts (from the store)", async () => {
    const k = await createKey(gw, { name: "budget-history", budget: { usd: 0.5, period: "month" } });
    await gw.runtime.deps.store!.insertUsage([
      {
        ts: Date.now() - 1000,
        requestId: "old",
        keyId: k.id,
        endpoint: "chat.completions",
        model: SONNET,
        bedrockModel: SONNET,
        baseModel: "anthropic.claude-sonnet-4-5-20250929-v1:0",
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        latencyMs: 1,
        ttftMs: null,
        status: 200,
        stream: false,
        aborted: false,
        errorType: null,
        costUsd: 0.6,
        abortReason: null,
        usageEstimated: false,
      },
    ]);
    const res = await chat(k.secret, chatBody(NOVA, "hi"));
    assert.equal(res.status, 429);
    assert.equal(((await res.json()) as any).error.code, "insufficient_quota");
  });
});

describe("limits on the Anthropic Messages endpoint", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());
  const messages = (key: string, model: string) =>
    gw.request("/v1/messages", {
      method: "POST",
      headers: { "x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json", authorization: "" },
      body: JSON.stringify({ model, max_tokens: 100, messages: [{ role: "user", content: "hi" }] }),
    });

  it("applies the same allow-list, RPM and usage, in Anthropic's error shape", async () => {
    const k = await createKey(gw, { name: "claude-code", models: ["anthropic.*"], rpm: 2 });
    const ok = await messages(k.secret, SONNET);
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal(ok.headers.get("x-ratelimit-remaining-requests"), "1");
    const denied = await messages(k.secret, NOVA);
    assert.equal(denied.status, 403);
    const body: any = await denied.json();
    assert.equal(body.type, "error");
    assert.equal(body.error.type, "permission_error");
    assert.match(body.error.message, /us\.amazon\.nova-lite-v1:0/);
    assert.equal((await messages(k.secret, SONNET)).status, 200);
    const limited = await messages(k.secret, SONNET);
    assert.equal(limited.status, 429);
    assert.equal(((await limited.json()) as any).error.type, "rate_limit_error");
    assert.ok(Number(limited.headers.get("retry-after")) > 0);
    await gw.runtime.usage!.flush();
    const rows = await gw.runtime.deps.store!.usageSummary({ from: 0, to: Date.now() + 1000, groupBy: "key", keyId: k.id });
    assert.equal(rows[0]!.requests, 4);
    assert.equal(rows[0]!.errors, 2);
    const records = await gw.runtime.deps.store!.usageRecords({ from: 0, to: Date.now() + 1000, keyId: k.id });
    assert.ok(records.every((r) => r.endpoint === "messages"));
  });
});

describe("limits on the Responses API", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  it("applies the allow-list and RPM before Bedrock, and records usage", async () => {
    const k = await createKey(gw, { name: "codex", models: ["anthropic.*"], rpm: 1 });
    const create = (model: string) =>
      gw.request("/v1/responses", {
        method: "POST",
        headers: { authorization: `Bearer ${k.secret}`, "content-type": "application/json" },
        body: JSON.stringify({ model, input: "hi", store: false }),
      });
    const denied = await create(NOVA);
    assert.equal(denied.status, 403);
    assert.equal(((await denied.json()) as any).error.code, "permission_denied");
    const ok = await create(SONNET);
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal(ok.headers.get("x-ratelimit-remaining-requests"), "0");
    const calls = gw.fake.calls("Converse").length;
    assert.equal((await create(SONNET)).status, 429);
    assert.equal(gw.fake.calls("Converse").length, calls);
    await gw.runtime.usage!.flush();
    const records = await gw.runtime.deps.store!.usageRecords({ from: 0, to: Date.now() + 1000, keyId: k.id });
    assert.deepEqual(
      records.map((r) => [r.endpoint, r.status]),
      [
        ["responses", 403],
        ["responses", 200],
        ["responses", 429],
      ],
    );
    assert.ok(records[1]!.costUsd! > 0);
  });
});
