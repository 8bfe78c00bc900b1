// Titan and Nova take one text per call: a request of many inputs fans out into concurrent
// InvokeModel calls, never more in flight than EMBEDDINGS_CONCURRENCY.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
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
        await new Promise((r) => setTimeout(r, 15));
        inFlight--;
        return defaultInvoke(id, body, m);
      });
      const input = Array.from({ length: 24 }, (_, i) => `chunk ${i}`);
      const res = await gw.openai.embeddings.create({ model, input, dimensions: 256 });
      assert.equal(peak, 4);
      assert.equal(gw.fake.calls("InvokeModel").length, 24);
      assert.deepEqual(res.data.map((d) => d.embedding), input.map((t) => fakeVector(t, 256)));
    });
  }

  it("sends Cohere chunks concurrently too, within the same cap", async () => {
    gw.fake.reset();
    let inFlight = 0;
    let peak = 0;
    gw.fake.onInvoke(async (id, body, m) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 15));
      inFlight--;
      return defaultInvoke(id, body, m);
    });
    await gw.openai.embeddings.create({ model: "cohere.embed-english-v3", input: Array.from({ length: 96 * 6 }, (_, i) => `p${i}`) });
    assert.equal(gw.fake.calls("InvokeModel").length, 6);
    assert.equal(peak, 4);
  });
});
