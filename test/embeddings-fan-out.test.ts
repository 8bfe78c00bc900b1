// Titan and Nova take one text per call: a request of many inputs fans out into concurrent
// InvokeModel calls, never more in flight than EMBEDDINGS_CONCURRENCY.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ConfigError, loadConfig } from "../src/config/config.ts";
import { defaultInvoke } from "./fake-bedrock/fake-bedrock.ts";
import { fakeVector } from "./fake-bedrock/invoke/fake-vectors.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

describe("embeddings fan-out", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { EMBEDDINGS_CONCURRENCY: "4" } });
  });
  after(() => gw.close());

  for (const model of ["amazon.titan-embed-text-v2:0", "amazon.nova-2-multimodal-embeddings-v1:0"]) {
    it(`keeps at most EMBEDDINGS_CONCURRENCY calls in flight (${model})`, async () => {
      gw.fake.reset();
      let inFlight = 0;
      let peak = 0;
      gw.fake.onInvoke(async (id, body, m) => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 50));
        inFlight--;
        return defaultInvoke(id, body, m);
      });
      const input = Array.from({ length: 24 }, (_, i) => `chunk ${i}`);
      const res = await gw.openai.embeddings.create({ model, input, dimensions: 256 });
      assert.equal(peak, 4);
      assert.equal(gw.fake.calls("InvokeModel").length, 24);
      assert.deepEqual(
        res.data.map((d) => d.embedding),
        input.map((t) => fakeVector(t, 256)),
      );
    });
  }

  it("sends Cohere chunks concurrently too, within the same cap", async () => {
    gw.fake.reset();
    let inFlight = 0;
    let peak = 0;
    gw.fake.onInvoke(async (id, body, m) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 50));
      inFlight--;
      return defaultInvoke(id, body, m);
    });
    await gw.openai.embeddings.create({ model: "cohere.embed-english-v3", input: Array.from({ length: 96 * 6 }, (_, i) => `p${i}`) });
    assert.equal(gw.fake.calls("InvokeModel").length, 6);
    assert.equal(peak, 4);
  });
});

describe("embeddings fan-out when the client goes away", () => {
  it("aborts the calls in flight and starts no new ones", async () => {
    const gw = await startGateway({ env: { EMBEDDINGS_CONCURRENCY: "4" } });
    try {
      // Long enough that no call of the first wave can finish before the abort, even on a busy machine.
      gw.fake.onInvoke(async (id, body, m) => {
        await new Promise((r) => setTimeout(r, 1500));
        return defaultInvoke(id, body, m);
      });
      const ctl = new AbortController();
      const pending = gw.request("/v1/embeddings", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "amazon.titan-embed-text-v2:0", input: Array.from({ length: 100 }, (_, i) => `t${i}`) }),
        signal: ctl.signal,
      });
      await gw.fake.waitFor((r) => r.operation === "InvokeModel");
      await new Promise((r) => setTimeout(r, 30));
      ctl.abort();
      await assert.rejects(pending);
      await new Promise((r) => setTimeout(r, 300));
      const calls = gw.fake.calls("InvokeModel");
      assert.equal(calls.length, 4, "only the first wave was sent");
      assert.ok(
        calls.every((c) => c.clientClosedAt !== undefined),
        "the calls in flight were cancelled",
      );
    } finally {
      await gw.close();
    }
  });
});

describe("EMBEDDINGS_CONCURRENCY", () => {
  it("defaults to 16 and must be a whole number from 1 to 256", () => {
    assert.equal(loadConfig({ API_KEY: "k" }).embeddings.concurrency, 16);
    assert.equal(loadConfig({ API_KEY: "k", EMBEDDINGS_CONCURRENCY: "64" }).embeddings.concurrency, 64);
    for (const bad of ["0", "300", "2.5", "many"]) {
      assert.throws(
        () => loadConfig({ API_KEY: "k", EMBEDDINGS_CONCURRENCY: bad }),
        (e: unknown) => e instanceof ConfigError && /EMBEDDINGS_CONCURRENCY/.test(e.message),
      );
    }
  });
});
