// Several replicas: two gateways sharing one PostgreSQL store and one Redis (real servers started
// here). Limits are shared, revocations and budgets reach the other replica within seconds, usage
// from both lands in one place, stored Responses are seen, chained and deleted through either;
// and a Redis outage fails open or closed as configured.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { text, thinking, toolUse } from "./fake-bedrock/fake-bedrock.ts";
import { startFakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";
import { startPostgres } from "./helpers/postgres-server.ts";
import type { PostgresServer } from "./helpers/postgres-server.ts";
import { startRedis } from "./helpers/redis-server.ts";
import type { RedisServer } from "./helpers/redis-server.ts";
import { chatBody } from "./helpers/store-keys.ts";

const ADMIN = "admin-scale-out-0123456789";
const NOVA = "us.amazon.nova-lite-v1:0";
const SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

async function until(check: () => Promise<boolean>, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("condition not met in time");
}

let pg: PostgresServer;
let redis: RedisServer;
let fake: FakeBedrock;
before(async () => {
  [pg, redis, fake] = await Promise.all([startPostgres(), startRedis(), startFakeBedrock()]);
});
after(async () => {
  pg.stop();
  await redis.stop();
  await fake.close();
});

describe("two replicas on PostgreSQL and Redis", () => {
  let a: TestGateway;
  let b: TestGateway;
  const admin = (gw: TestGateway, path: string, init: RequestInit = {}) =>
    gw.request(`/admin${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" } });
  const chat = (gw: TestGateway, key: string, body = chatBody(NOVA, "hi")) =>
    gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body,
    });
  const newKey = async (body: unknown) => (await (await admin(a, "/keys", { method: "POST", body: JSON.stringify(body) })).json()) as any;

  before(async () => {
    const url = await pg.createDatabase("replicas");
    const env = { DATABASE_URL: url, REDIS_URL: redis.url, ADMIN_API_KEY: ADMIN, KEY_CACHE_TTL: "200ms", USAGE_FLUSH_INTERVAL: "100ms" };
    a = await startGateway({ fake, env });
    b = await startGateway({ fake, env });
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  it("share one RPM budget per key", async () => {
    const k = await newKey({ name: "shared-rpm", rpm: 4 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await chat(i % 2 ? a : b, k.secret)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
    const res = await chat(a, k.secret);
    assert.equal(res.headers.get("x-ratelimit-remaining-requests"), "0");
  });

  it("share TPM, reconciled by whichever replica served the request", async () => {
    const k = await newKey({ name: "shared-tpm", tpm: 1000 });
    fake.setDefault({ content: [text("long")], usage: { inputTokens: 10, outputTokens: 1500 } });
    try {
      assert.equal((await chat(a, k.secret)).status, 200);
      await new Promise((r) => setTimeout(r, 50));
      const other = await chat(b, k.secret);
      assert.equal(other.status, 429, "replica B sees the debt A's request left");
    } finally {
      fake.reset();
    }
  });

  it("see a key created, changed and revoked on the other replica within the cache TTL", async () => {
    const k = await newKey({ name: "cross" });
    assert.equal((await b.request("/v1/models", { headers: { authorization: `Bearer ${k.secret}` } })).status, 200);
    await admin(b, `/keys/${k.id}`, { method: "PATCH", body: JSON.stringify({ models: ["anthropic.*"] }) });
    await until(async () => (await chat(a, k.secret)).status === 403, 3000);
    await admin(b, `/keys/${k.id}/revoke`, { method: "POST" });
    await until(async () => (await a.request("/v1/models", { headers: { authorization: `Bearer ${k.secret}` } })).status === 401, 3000);
  });

  it("write usage from both replicas to one store, and enforce a budget across them", async () => {
    const k = await newKey({ name: "budget", budget: "0.03/day" });
    fake.setDefault({ content: [text("pricey")], usage: { inputTokens: 1000, outputTokens: 1000 } }); // $0.0198 each
    let served = 0;
    const spend = async (gw: TestGateway) => {
      const status = (await chat(gw, k.secret, chatBody(SONNET, "x"))).status;
      if (status === 200) served++;
      return status;
    };
    try {
      assert.equal(await spend(a), 200);
      assert.equal(await spend(b), 200);
      // Each replica flushes within 100 ms and re-reads spend within 200 ms: soon over budget
      // everywhere (a request or two may slip through meanwhile; the README says so).
      await until(async () => (await spend(a)) === 429, 3000);
      await until(async () => (await spend(b)) === 429, 3000);
      assert.ok(served <= 4, `at most two requests over budget, got ${served} served`);
    } finally {
      fake.reset();
    }
    await a.runtime.usage!.flush();
    await b.runtime.usage!.flush();
    const report: any = await (await admin(b, `/usage?group_by=key&key=${k.id}`)).json();
    assert.equal(report.data[0].group, k.id);
    assert.equal(report.totals.requests - report.totals.errors, served, "every served request, from either replica, is in the one store");
    assert.ok(Math.abs(report.totals.cost_usd - 0.0198 * served) < 1e-9, String(report.totals.cost_usd));
  });
});

describe("stored Responses on two replicas sharing PostgreSQL", () => {
  let a: TestGateway;
  let b: TestGateway;
  const client = (gw: TestGateway, key: string) => new OpenAI({ baseURL: gw.baseURL, apiKey: key, maxRetries: 0 });
  const weather = {
    type: "function" as const,
    name: "get_weather",
    parameters: { type: "object", properties: { city: { type: "string" } } },
    strict: false,
  };

  before(async () => {
    const url = await pg.createDatabase("responses_replicas");
    // No RESPONSES_ENCRYPTION_KEY: the replicas share the key the first one generated in the store.
    const env = { DATABASE_URL: url, ADMIN_API_KEY: ADMIN };
    a = await startGateway({ fake, env });
    b = await startGateway({ fake, env });
  });
  after(async () => {
    await a.close();
    await b.close();
    fake.reset();
  });

  it("are retrieved, chained (with signed thinking) and deleted through the other replica, and stay per key", async () => {
    assert.equal(a.runtime.deps.responses.store.kind, "postgres");
    const keys = a.runtime.deps.keys!;
    const [teamA, teamB] = await Promise.all([keys.create({ name: "team a" }), keys.create({ name: "team b" })]);
    const [onA, onB, otherOnA, otherOnB] = [
      client(a, teamA.secret),
      client(b, teamA.secret),
      client(a, teamB.secret),
      client(b, teamB.secret),
    ];

    fake.enqueue(
      { content: [thinking("Need the weather tool."), toolUse("get_weather", { city: "Oslo" })] },
      { content: [text("Cold in Oslo.")] },
    );
    const first = await onA.responses.create({ model: SONNET, input: "Weather in Oslo?", tools: [weather], reasoning: { effort: "low" } });
    assert.deepEqual(await onB.responses.retrieve(first.id), first);
    assert.deepEqual(
      (await onB.responses.inputItems.list(first.id)).data.map((i) => i.type),
      ["message"],
    );

    const call = first.output.find((o) => o.type === "function_call")!;
    const second = await onB.responses.create({
      model: SONNET,
      previous_response_id: first.id,
      tools: [weather],
      reasoning: { effort: "low" },
      input: [{ type: "function_call_output", call_id: call.call_id, output: "-5°C" }],
    });
    assert.equal(second.output_text, "Cold in Oslo.");
    const sent = fake.lastCall()!.body;
    assert.deepEqual(
      sent.messages.map((m: any) => [m.role, m.content.map((c: object) => Object.keys(c)[0])]),
      [
        ["user", ["text"]],
        ["assistant", ["reasoningContent", "toolUse"]],
        ["user", ["toolResult"]],
      ],
      "replica B sent the history replica A stored",
    );
    assert.equal(sent.messages[1].content[0].reasoningContent.reasoningText.text, "Need the weather tool.");

    for (const other of [otherOnA, otherOnB]) {
      await assert.rejects(other.responses.retrieve(first.id), OpenAI.NotFoundError);
      await assert.rejects(other.responses.delete(second.id), OpenAI.NotFoundError);
      await assert.rejects(
        other.responses.create({ model: SONNET, input: "go on", previous_response_id: second.id }),
        (e: unknown) => e instanceof OpenAI.NotFoundError && (e.error as { code?: string }).code === "previous_response_not_found",
      );
    }

    assert.deepEqual(await onB.responses.delete(first.id), { id: first.id, object: "response", deleted: true });
    await assert.rejects(onA.responses.retrieve(first.id), OpenAI.NotFoundError);
    assert.equal((await onA.responses.retrieve(second.id)).id, second.id, "the rest of the chain stays");
  });
});

describe("a Redis outage", () => {
  it("fails open by default: limited keys pass without rate-limit headers; static keys are unaffected", async () => {
    const own = await startRedis();
    const gw = await startGateway({ fake, env: { REDIS_URL: own.url, REDIS_TIMEOUT: "200ms" } });
    try {
      const k = await gw.runtime.deps.keys!.create({ name: "open", rpm: 100 });
      const chat = (key: string) =>
        gw.request("/v1/chat/completions", {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: chatBody(NOVA, "hi"),
        });
      assert.equal((await chat(k.secret)).headers.get("x-ratelimit-limit-requests"), "100");
      await own.stop();
      await new Promise((r) => setTimeout(r, 100));
      const res = await chat(k.secret);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("x-ratelimit-limit-requests"), null);
      assert.ok(gw.logs.some((l) => l.msg === "rate limiter unavailable: failing open"));
      assert.equal(
        (
          await gw.request("/v1/chat/completions", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: chatBody(NOVA, "hi"),
          })
        ).status,
        200,
      );
    } finally {
      await gw.close();
      await own.stop();
    }
  });

  it("fails closed with 503 when told to", async () => {
    const own = await startRedis();
    const gw = await startGateway({ fake, env: { REDIS_URL: own.url, REDIS_TIMEOUT: "200ms", RATE_LIMIT_FAIL_MODE: "closed" } });
    try {
      const k = await gw.runtime.deps.keys!.create({ name: "closed", rpm: 100 });
      await own.stop();
      await new Promise((r) => setTimeout(r, 100));
      const res = await gw.request("/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${k.secret}`, "content-type": "application/json" },
        body: chatBody(NOVA, "hi"),
      });
      assert.equal(res.status, 503);
      assert.equal(res.headers.get("x-should-retry"), "true");
      assert.equal(((await res.json()) as any).error.code, "rate_limiter_unavailable");
      await own.restart();
      await new Promise((r) => setTimeout(r, 100));
      await until(
        async () =>
          (
            await gw.request("/v1/chat/completions", {
              method: "POST",
              headers: { authorization: `Bearer ${k.secret}`, "content-type": "application/json" },
              body: chatBody(NOVA, "hi"),
            })
          ).status === 200,
        8000,
      );
    } finally {
      await gw.close();
      await own.stop();
    }
  });
});
