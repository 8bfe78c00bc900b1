// Issue 14, finding 1: a model allow-list is checked against the model that is actually called
// (its Bedrock id and base model), on every endpoint that calls a model. A client name adds a
// match only when it is a configured alias: `gpt-haiku` (an OpenAI placeholder that resolves to
// the default model) must not pass a `*haiku*` allow-list.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";
import { createKey } from "./helpers/store-keys.ts";

const HAIKU = "us.anthropic.claude-3-haiku-20240307-v1:0";

describe("allow-lists apply to the model actually called, on every endpoint", () => {
  let gw: TestGateway;
  let haikuOnly: string;
  let canvasByAlias: string;
  const bedrockCalls = () => gw.fake.requests.filter((r) => !r.operation.startsWith("List")).length;
  const post = (key: string, path: string, body: unknown) =>
    gw.request(path, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  before(async () => {
    gw = await startGateway({ env: { MODEL_ALIASES: "canvas-fast=amazon.nova-canvas-v1:0,haiku-rerank=cohere.rerank-v3-5:0" } });
    haikuOnly = (await createKey(gw, { name: "haiku-only", models: ["*haiku*"] })).secret;
    canvasByAlias = (await createKey(gw, { name: "canvas-alias", models: ["canvas-fast"] })).secret;
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  async function refused(key: string, path: string, body: unknown, shape: "openai" | "anthropic" = "openai") {
    const before = bedrockCalls();
    const res = await post(key, path, body);
    const json: any = await res.json();
    assert.equal(res.status, 403, `${path} ${JSON.stringify(body).slice(0, 80)} → ${res.status} ${JSON.stringify(json)}`);
    if (shape === "openai") {
      assert.equal(json.error.code, "permission_denied");
      assert.equal(json.error.param, "model");
    } else {
      assert.equal(json.type, "error");
      assert.equal(json.error.type, "permission_error");
    }
    assert.equal(bedrockCalls(), before, `${path}: Bedrock must not be called`);
    return json;
  }

  const chatMsgs = [{ role: "user", content: "hi" }];

  it("chat completions: OpenAI placeholder names that resolve to the default model are refused", async () => {
    const body = await refused(haikuOnly, "/v1/chat/completions", { model: "gpt-haiku", messages: chatMsgs });
    assert.match(body.error.message, /gpt-haiku.*claude-sonnet/, "the message names what would have been called");
    await refused(haikuOnly, "/v1/chat/completions", { model: "o1-haiku", messages: chatMsgs });
    await refused(haikuOnly, "/v1/chat/completions", { messages: chatMsgs });
    const ok = await post(haikuOnly, "/v1/chat/completions", { model: HAIKU, messages: chatMsgs });
    assert.equal(ok.status, 200, "the allowed model itself still works");
    assert.equal(gw.fake.lastCall("Converse")?.modelId, HAIKU);
  });

  it("Anthropic messages and Responses refuse the same names", async () => {
    await refused(haikuOnly, "/v1/messages", { model: "gpt-haiku", max_tokens: 10, messages: chatMsgs }, "anthropic");
    await refused(haikuOnly, "/v1/responses", { model: "gpt-haiku", input: "hi" });
    await refused(haikuOnly, "/v1/responses", { model: "o3-haiku", input: "hi", stream: true });
    const ok = await post(haikuOnly, "/v1/messages", { model: HAIKU, max_tokens: 10, messages: chatMsgs });
    assert.equal(ok.status, 200);
  });

  it("embeddings: text-embedding-* names that resolve to the default embedding model are refused", async () => {
    await refused(haikuOnly, "/v1/embeddings", { model: "text-embedding-haiku", input: "hi" });
    await refused(haikuOnly, "/v1/embeddings", { model: "text-embedding-3-small", input: ["a", "b"] });
  });

  it("images and rerank: refused unless the model or an explicit alias is allowed", async () => {
    await refused(haikuOnly, "/v1/images/generations", { model: "amazon.nova-canvas-v1:0", prompt: "a cat" });
    await refused(haikuOnly, "/v1/rerank", { model: "amazon.rerank-v1:0", query: "q", documents: ["a", "b"] });
    // An explicit alias the operator configured is a name the key may be given (and, as before,
    // an alias a key's patterns match allows the model behind it under any of its names).
    const viaAlias = await post(haikuOnly, "/v1/rerank", { model: "haiku-rerank", query: "q", documents: ["a", "b"] });
    assert.equal(viaAlias.status, 200, await viaAlias.clone().text());
    const canvas = await post(canvasByAlias, "/v1/images/generations", { model: "canvas-fast", prompt: "a cat" });
    assert.equal(canvas.status, 200, await canvas.clone().text());
    // …but the alias allows only its own target, not the model under its real name elsewhere.
    await refused(canvasByAlias, "/v1/images/generations", { model: "stability.sd3-5-large-v1:0", prompt: "a cat" });
  });

  it("count endpoints refuse a model the key may not use", async () => {
    await refused(haikuOnly, "/v1/messages/count_tokens", { model: "gpt-haiku", messages: chatMsgs }, "anthropic");
    await refused(haikuOnly, "/v1/responses/input_tokens", { model: "gpt-haiku", input: "hi" });
  });
});
