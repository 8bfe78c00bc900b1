// Every model /v1/models lists is accepted by the endpoint of its kind and refused with a clear
// 400 by the endpoints of the other kinds, before anything is sent to Bedrock.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ModelKind } from "../src/models/build-catalog.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const ENDPOINTS: Record<ModelKind, { path: string; body: (model: string) => unknown }> = {
  chat: { path: "/v1/chat/completions", body: (model) => ({ model, messages: [{ role: "user", content: "hi" }] }) },
  embedding: { path: "/v1/embeddings", body: (model) => ({ model, input: "hi" }) },
  image: { path: "/v1/images/generations", body: (model) => ({ model, prompt: "a small boat", size: "1024x1024" }) },
  rerank: { path: "/v1/rerank", body: (model) => ({ model, query: "boats", documents: ["a boat", "a car"] }) },
};

describe("models by kind", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  it("lists embedding, image and rerank models in /v1/models", async () => {
    const ids: string[] = [];
    for await (const m of gw.openai.models.list()) ids.push(m.id);
    for (const id of [
      "amazon.titan-embed-text-v2:0",
      "cohere.embed-v4:0",
      "amazon.nova-2-multimodal-embeddings-v1:0",
      "amazon.titan-image-generator-v2:0",
      "stability.sd3-5-large-v1:0",
      "cohere.rerank-v3-5:0",
      "amazon.rerank-v1:0",
    ]) {
      assert.ok(ids.includes(id), id);
    }
  });

  it("each endpoint serves its own kind and refuses the others with 400 model_not_supported", async () => {
    const snapshot = gw.runtime.deps.catalog.snapshot!;
    const listed = snapshot.models.filter((m) => m.listed);
    const nonChat = listed.filter((m) => m.kind !== "chat");
    // Every non-chat model, plus a few chat models (chat completions are tested on their own).
    const sample = [...nonChat, ...listed.filter((m) => m.kind === "chat").slice(0, 3)];
    assert.ok(nonChat.length >= 10);
    for (const m of sample) {
      for (const [kind, ep] of Object.entries(ENDPOINTS) as [ModelKind, (typeof ENDPOINTS)[ModelKind]][]) {
        const before = gw.fake.calls(kind === "chat" ? "Converse" : "InvokeModel").length;
        const res = await gw.request(ep.path, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(ep.body(m.id)),
        });
        const body: any = await res.json();
        if (kind === m.kind) {
          assert.equal(res.status, 200, `${m.id} on ${ep.path}: ${JSON.stringify(body)}`);
        } else {
          assert.equal(res.status, 400, `${m.id} on ${ep.path}`);
          assert.equal(body.error.code, "model_not_supported");
          assert.equal(body.error.param, "model");
          assert.match(body.error.message, new RegExp(`is an? ${m.kind} model`));
          assert.equal(gw.fake.calls(kind === "chat" ? "Converse" : "InvokeModel").length, before, "nothing sent to Bedrock");
        }
      }
    }
  });
});
