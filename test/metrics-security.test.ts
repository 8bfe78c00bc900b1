// Issue 14, findings 3 and 4: /metrics is not public by default and never labels the static key
// with anything derived from its secret; model labels stay bounded whatever clients send, and
// requests refused by authentication or admission add no per-model series.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import { parsePrometheus } from "./helpers/prometheus-text.ts";
import { chatBody, createKey } from "./helpers/store-keys.ts";

const NOVA = "us.amazon.nova-lite-v1:0";

describe("/metrics access", () => {
  it("answers 404 without METRICS_API_KEY or ADMIN_API_KEY, unless METRICS_PUBLIC=true", async () => {
    const gw = await startGateway();
    try {
      assert.equal((await gw.request("/metrics", { noAuth: true })).status, 404);
      const withClientKey = await gw.request("/metrics");
      assert.equal(withClientKey.status, 404, "a client key does not open it either");
      assert.equal(((await withClientKey.json()) as any).error.code, "unknown_url");
    } finally {
      await gw.close();
    }
    const open = await startGateway({ env: { METRICS_PUBLIC: "true" } });
    try {
      assert.equal((await open.request("/metrics", { noAuth: true })).status, 200);
    } finally {
      await open.close();
    }
  });

  it("takes METRICS_API_KEY or ADMIN_API_KEY as a bearer token, and nothing else", async () => {
    const gw = await startGateway({
      env: { METRICS_API_KEY: "scrape-key-1234567890", ADMIN_API_KEY: "admin-key-1234567890", METRICS_PUBLIC: "true" },
    });
    try {
      const get = (key?: string) => gw.request("/metrics", key ? { headers: { authorization: `Bearer ${key}` } } : { noAuth: true });
      assert.equal((await get()).status, 401, "METRICS_PUBLIC does not open a page a key guards");
      assert.equal((await get(TEST_API_KEY)).status, 401);
      assert.equal((await get("scrape-key-123456789")).status, 401);
      assert.equal((await get("scrape-key-1234567890")).status, 200);
      assert.equal((await get("admin-key-1234567890")).status, 200);
    } finally {
      await gw.close();
    }
  });

  it("labels the static key `static`, never with a hash of the secret", async () => {
    const gw = await startGateway({ env: { METRICS_PUBLIC: "true" } });
    try {
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
      const page = await (await gw.request("/metrics", { noAuth: true })).text();
      const samples = parsePrometheus(page);
      assert.ok(samples.some((s) => s.name === "bedrock_gateway_requests_total" && s.labels.key === "static" && s.labels.status === "200"));
      const hex = createHash("sha256").update(TEST_API_KEY).digest("hex");
      for (const n of [6, 8, 12]) assert.ok(!page.includes(hex.slice(0, n)), `no ${n}-digit prefix of sha256(API_KEY)`);
      const line = gw.logs.find((l) => l.path === "/v1/chat/completions");
      assert.equal(line?.keyId, "static");
    } finally {
      await gw.close();
    }
  });
});

describe("metric cardinality", () => {
  it("labels unknown models `other` and adds no per-model series for refused requests", async () => {
    const gw = await startGateway({ env: { ADMIN_API_KEY: "admin-key-1234567890", MODEL_ALIASES: "fast=amazon.nova-micro-v1:0" } });
    const scrape = async () => (await gw.request("/metrics", { headers: { authorization: "Bearer admin-key-1234567890" } })).text();
    try {
      const refusedKey = await createKey(gw, { name: "nova-only", models: ["us.amazon.nova-*"] });
      const arn = (i: number) => `arn:aws:bedrock:us-east-1:123456789012:provisioned-model/fuzz${i}`;
      const post = (key: string, model: string) =>
        gw.request("/v1/chat/completions", {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: chatBody(model, "hi"),
        });
      // Distinct ARNs: the static key gets them called (the double answers 4xx), a limited key is refused.
      const statuses = new Set<number>();
      for (let i = 0; i < 150; i++) {
        statuses.add((await post(TEST_API_KEY, arn(i))).status);
        assert.equal((await post(refusedKey.secret, arn(1000 + i))).status, 403);
      }
      assert.equal((await post(TEST_API_KEY, NOVA)).status, 200);
      assert.equal((await post(TEST_API_KEY, "fast")).status, 200);
      const page = await scrape();
      assert.ok(!page.includes("provisioned-model/fuzz"), "no client-chosen ARN becomes a label");
      const models = new Set(
        parsePrometheus(page)
          .filter((s) => s.labels.model !== undefined)
          .map((s) => s.labels.model),
      );
      assert.ok(models.has(NOVA), [...models].join(","));
      assert.ok(models.has("amazon.nova-micro-v1:0"), [...models].join(","));
      assert.ok(models.has("other"), `the static key's calls count under other (${[...statuses].join(",")})`);
      assert.ok(models.size <= 5, [...models].join(","));
      const durationSeries = parsePrometheus(page).filter((s) => s.name === "bedrock_gateway_request_duration_seconds_count");
      assert.ok(durationSeries.length <= 8, `${durationSeries.length} latency series`);
      const refused = parsePrometheus(page).find(
        (s) => s.name === "bedrock_gateway_request_duration_seconds_count" && s.labels.model === "none",
      );
      assert.ok(refused && refused.value >= 150, "refused requests are counted without a model");
    } finally {
      await gw.close();
    }
  });
});
