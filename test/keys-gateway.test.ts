// API keys end to end: the admin API (its own key), keys created there used by the OpenAI SDK,
// model allow-lists on /v1/models and on chat, revocation / disabling / expiry / rotation taking
// effect within KEY_CACHE_TTL, and the static API_KEY still working as an unrestricted key.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";

const ADMIN = "admin-key-for-tests-0123456789";

async function until(check: () => Promise<boolean>, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("condition not met in time");
}

describe("API keys through the gateway", () => {
  let gw: TestGateway;
  const admin = (path: string, init: RequestInit = {}) =>
    gw.request(`/admin${path}`, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json", ...(init.headers as Record<string, string>) },
    });
  const createKey = async (body: unknown) => {
    const res = await admin("/keys", { method: "POST", body: JSON.stringify(body) });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as any;
  };
  const client = (key: string) => new OpenAI({ baseURL: gw.baseURL, apiKey: key, maxRetries: 0 });

  before(async () => {
    gw = await startGateway({ env: { ADMIN_API_KEY: ADMIN, KEY_CACHE_TTL: "200ms", MODEL_ALIASES: "fast=amazon.nova-micro-v1:0" } });
  });
  after(() => gw.close());

  it("guards /admin/ with ADMIN_API_KEY only: client keys never get in", async () => {
    assert.equal((await gw.request("/admin/keys", { noAuth: true })).status, 401);
    const wrong = await gw.request("/admin/keys", { headers: { authorization: "Bearer nope" } });
    assert.equal(wrong.status, 401);
    assert.deepEqual(openaiSchemaErrors("ErrorResponse", await wrong.json()), []);
    assert.equal((await gw.request("/admin/keys")).status, 401, "the static client key is not an admin key");
    const k = await createKey({ name: "client" });
    assert.equal((await gw.request("/admin/keys", { headers: { authorization: `Bearer ${k.secret}` } })).status, 401);
    assert.equal((await admin("/keys")).status, 200);
    assert.equal((await admin("/nothing-here")).status, 404);
  });

  it("creates a key with its limits; the secret is shown once and never listed", async () => {
    const k = await createKey({
      name: "team-a",
      models: ["anthropic.*", "us.amazon.nova-*"],
      rpm: 60,
      tpm: 100000,
      budget: "50/month",
      expires_at: "2099-01-01",
      metadata: { team: "a", owner: "ana" },
    });
    assert.match(k.id, /^vk_[0-9a-f]{12}$/);
    assert.match(k.secret, /^sk-bgw-[0-9a-f]{12}-[0-9A-Za-z]{49}$/);
    assert.equal(k.status, "active");
    assert.deepEqual(k.budget, { usd: 50, period: "month" });
    assert.equal(k.expires_at, "2099-01-01T00:00:00.000Z");
    const shown: any = await (await admin(`/keys/${k.id}`)).json();
    assert.equal(shown.secret, undefined);
    assert.equal(shown.hint, `${k.secret.slice(0, 20)}…${k.secret.slice(-4)}`);
    const list = await (await admin("/keys")).text();
    assert.ok(!list.includes(k.secret) && !list.includes(k.secret.slice(20, 40)), "no secret in listings");
    assert.ok(!gw.logText().includes(k.secret.slice(20, 40)), "no secret in logs");
  });

  it("validates admin input in OpenAI's error shape", async () => {
    for (const body of [
      {},
      { name: "x", rpm: -1 },
      { name: "x", budget: "lots" },
      { name: "x", models: 5 },
      { name: "x", unknown: true },
    ]) {
      const res = await admin("/keys", { method: "POST", body: JSON.stringify(body) });
      assert.equal(res.status, 400, JSON.stringify(body));
      const err: any = await res.json();
      assert.equal(err.error.type, "invalid_request_error");
    }
    assert.equal((await admin("/keys/vk_ffffffffffff")).status, 404);
    assert.equal((await admin("/keys/not-an-id")).status, 404);
  });

  it("serves a store key to the OpenAI SDK; /v1/models shows only the allowed models", async () => {
    const k = await createKey({ name: "claude-and-us-nova", models: "anthropic.*,us.amazon.nova-*,fast" });
    const ids: string[] = [];
    const targets: string[] = [];
    // Aliases (built-in Claude names, MODEL_ALIASES) are listed as entries pointing at their target.
    for await (const m of client(k.secret).models.list())
      ("alias_for" in m ? targets : ids).push((m as { alias_for?: string }).alias_for ?? m.id);
    assert.ok(ids.length > 3);
    assert.ok(targets.length > 0 && targets.every((t) => ids.includes(t)), "aliases are listed only when their target is");
    assert.ok(ids.includes("us.anthropic.claude-sonnet-4-5-20250929-v1:0"));
    assert.ok(ids.includes("global.anthropic.claude-sonnet-4-5-20250929-v1:0"));
    assert.ok(ids.includes("us.amazon.nova-lite-v1:0"));
    assert.ok(!ids.includes("amazon.nova-lite-v1:0"));
    assert.ok(ids.includes("team-a-claude"), "an application profile of a Claude model is a Claude model");
    assert.ok(
      ids.every(
        (id) => id.includes("anthropic.") || id.startsWith("us.amazon.nova-") || id === "team-a-claude" || id === "amazon.nova-micro-v1:0",
      ),
      ids.join(","),
    );
    assert.ok(ids.includes("amazon.nova-micro-v1:0"), "the alias fast names it");
    // The static key still sees everything.
    const all: string[] = [];
    for await (const m of gw.openai.models.list()) all.push(m.id);
    assert.ok(all.includes("amazon.nova-lite-v1:0") && all.length > ids.length);
  });

  it("answers 403 permission_denied naming a model the key may not use", async () => {
    const k = await createKey({ name: "nova-only", models: ["us.amazon.nova-*", "fast"] });
    const c = client(k.secret);
    const ok = await c.chat.completions.create({ model: "us.amazon.nova-lite-v1:0", messages: [{ role: "user", content: "hi" }] });
    assert.ok(ok.choices[0]!.message.content);
    const viaAlias = await c.chat.completions.create({ model: "fast", messages: [{ role: "user", content: "hi" }] });
    assert.equal(viaAlias.model, "fast");
    const target = await c.chat.completions.create({ model: "amazon.nova-micro-v1:0", messages: [{ role: "user", content: "hi" }] });
    assert.ok(target.choices[0], "allowing an alias allows the model behind it");
    const before = gw.fake.calls("Converse").length;
    await assert.rejects(
      c.chat.completions.create({ model: "anthropic.claude-sonnet-4-5-20250929-v1:0", messages: [{ role: "user", content: "hi" }] }),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.PermissionDeniedError);
        assert.equal(e.status, 403);
        assert.equal(e.code, "permission_denied");
        assert.equal(e.param, "model");
        assert.match(e.message, /anthropic\.claude-sonnet-4-5-20250929-v1:0/);
        return true;
      },
    );
    assert.equal(gw.fake.calls("Converse").length, before, "Bedrock is never called");
    await assert.rejects(c.models.retrieve("amazon.nova-lite-v1:0"), (e: unknown) => e instanceof OpenAI.PermissionDeniedError);
    assert.equal((await c.models.retrieve("us.amazon.nova-lite-v1:0")).id, "us.amazon.nova-lite-v1:0");
  });

  it("revocation takes effect within the cache TTL and is permanent", async () => {
    const k = await createKey({ name: "to-revoke" });
    const c = client(k.secret);
    assert.ok((await c.models.list()).data.length > 0);
    const revoked: any = await (await admin(`/keys/${k.id}/revoke`, { method: "POST" })).json();
    assert.equal(revoked.status, "revoked");
    await until(async () => (await gw.request("/v1/models", { headers: { authorization: `Bearer ${k.secret}` } })).status === 401, 2000);
    await assert.rejects(c.models.list(), (e: unknown) => e instanceof OpenAI.AuthenticationError && /revoked/.test(e.message));
    const reenable = await admin(`/keys/${k.id}`, { method: "PATCH", body: JSON.stringify({ enabled: true }) });
    assert.equal(reenable.status, 400);
    assert.equal((await admin(`/keys/${k.id}/rotate`, { method: "POST" })).status, 400);
  });

  it("disabling, expiry and limit changes reach the key within the cache TTL", async () => {
    const k = await createKey({ name: "toggle", models: ["us.amazon.nova-*"] });
    const status = async () => (await gw.request("/v1/models", { headers: { authorization: `Bearer ${k.secret}` } })).status;
    assert.equal(await status(), 200);
    await admin(`/keys/${k.id}`, { method: "PATCH", body: JSON.stringify({ enabled: false }) });
    await until(async () => (await status()) === 401, 2000);
    await admin(`/keys/${k.id}`, { method: "PATCH", body: JSON.stringify({ enabled: true, models: ["fast"] }) });
    await until(async () => (await status()) === 200, 2000);
    const body: any = await (await gw.request("/v1/models", { headers: { authorization: `Bearer ${k.secret}` } })).json();
    assert.deepEqual(
      body.data.map((m: { id: string }) => m.id),
      ["amazon.nova-micro-v1:0", "fast"],
      "the alias allows its target (and is listed as an entry pointing at it)",
    );
    await admin(`/keys/${k.id}`, { method: "PATCH", body: JSON.stringify({ expires_at: new Date(Date.now() - 1000).toISOString() }) });
    await until(async () => (await status()) === 401, 2000);
    const err: any = await (await gw.request("/v1/models", { headers: { authorization: `Bearer ${k.secret}` } })).json();
    assert.match(err.error.message, /expired/);
  });

  it("rotation issues a new secret for the same key; the old one stops working", async () => {
    const k = await createKey({ name: "rotating", rpm: 1000 });
    const rotated: any = await (await admin(`/keys/${k.id}/rotate`, { method: "POST" })).json();
    assert.equal(rotated.id, k.id);
    assert.notEqual(rotated.secret, k.secret);
    assert.equal(rotated.rpm, 1000);
    const status = async (key: string) => (await gw.request("/v1/models", { headers: { authorization: `Bearer ${key}` } })).status;
    await until(async () => (await status(k.secret)) === 401, 2000);
    assert.equal(await status(rotated.secret), 200);
  });

  it("refuses made-up and mistyped gateway keys without a store lookup, and keeps the static key", async () => {
    const k = await createKey({ name: "typo" });
    const typo = k.secret.slice(0, -1) + (k.secret.endsWith("a") ? "b" : "a");
    assert.equal((await gw.request("/v1/models", { headers: { authorization: `Bearer ${typo}` } })).status, 401);
    assert.equal((await gw.request("/v1/models", { headers: { authorization: "Bearer sk-bgw-000000000000-nonsense" } })).status, 401);
    assert.equal((await gw.request("/v1/models", { headers: { "x-api-key": k.secret } })).status, 200, "x-api-key works too");
    assert.equal((await gw.request("/v1/models", { headers: { authorization: `Bearer ${TEST_API_KEY}` } })).status, 200);
  });
});

describe("admin API without ADMIN_API_KEY", () => {
  it("is disabled, and says so", async () => {
    const gw = await startGateway();
    try {
      const res = await gw.request("/admin/keys", { headers: { authorization: "Bearer anything" } });
      assert.equal(res.status, 403);
      assert.equal(((await res.json()) as any).error.code, "admin_api_disabled");
    } finally {
      await gw.close();
    }
  });
});

describe("a gateway with keys only in the store (no API_KEY)", () => {
  it("starts and authenticates store keys", async () => {
    const gw = await startGateway({ env: { API_KEY: undefined, ADMIN_API_KEY: ADMIN } });
    try {
      const res = await gw.request("/admin/keys", {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "only" }),
      });
      const k: any = await res.json();
      assert.equal((await gw.request("/v1/models", { headers: { authorization: `Bearer ${k.secret}` } })).status, 200);
      assert.equal((await gw.request("/v1/models", { headers: { authorization: `Bearer ${TEST_API_KEY}` } })).status, 401);
    } finally {
      await gw.close();
    }
  });
});
