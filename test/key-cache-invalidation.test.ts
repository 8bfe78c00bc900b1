// Issue 14, finding 9: rotate, revoke and update through this instance apply to its key cache at
// once, whatever KEY_CACHE_TTL is (other instances: within the TTL, as documented).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const ADMIN = "admin-cache-key-0123456789";

describe("key cache on the instance that changes a key", () => {
  let gw: TestGateway;
  const admin = (path: string, init: RequestInit = {}) =>
    gw.request(`/admin${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" } });
  const status = async (key: string) => (await gw.request("/v1/models", { headers: { authorization: `Bearer ${key}` } })).status;
  const create = async (body: unknown) =>
    (await (await admin("/keys", { method: "POST", body: JSON.stringify(body) })).json()) as { id: string; secret: string };

  before(async () => {
    // An hour: without invalidation, a cached key would keep its old state for the whole test.
    gw = await startGateway({ env: { ADMIN_API_KEY: ADMIN, KEY_CACHE_TTL: "1h" } });
  });
  after(() => gw.close());

  it("rotation: the new secret works and the old one is refused immediately", async () => {
    const k = await create({ name: "rotate-now" });
    assert.equal(await status(k.secret), 200, "cached now");
    const rotated = (await (await admin(`/keys/${k.id}/rotate`, { method: "POST" })).json()) as { secret: string };
    assert.equal(await status(rotated.secret), 200);
    assert.equal(await status(k.secret), 401);
  });

  it("revocation and disabling apply immediately; so do allow-list changes", async () => {
    const k = await create({ name: "revoke-now" });
    assert.equal(await status(k.secret), 200);
    await admin(`/keys/${k.id}/revoke`, { method: "POST" });
    assert.equal(await status(k.secret), 401);

    const d = await create({ name: "disable-now" });
    assert.equal(await status(d.secret), 200);
    await admin(`/keys/${d.id}`, { method: "PATCH", body: JSON.stringify({ enabled: false }) });
    assert.equal(await status(d.secret), 401);

    const m = await create({ name: "narrow-now" });
    const chat = () =>
      gw.request("/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${m.secret}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "us.amazon.nova-lite-v1:0", messages: [{ role: "user", content: "hi" }] }),
      });
    assert.equal((await chat()).status, 200);
    await admin(`/keys/${m.id}`, { method: "PATCH", body: JSON.stringify({ models: ["anthropic.*"] }) });
    assert.equal((await chat()).status, 403);
  });
});
