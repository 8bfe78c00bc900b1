// POST /v1/embeddings through the real gateway and the Bedrock test double, with the official
// openai SDK as the client (it asks for base64 unless told otherwise).
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { defaultInvoke } from "./fake-bedrock/fake-bedrock.ts";
import { fakeVector } from "./fake-bedrock/invoke/fake-vectors.ts";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const TITAN_V2 = "amazon.titan-embed-text-v2:0";
const COHERE_V3 = "cohere.embed-english-v3";
const COHERE_V4 = "cohere.embed-v4:0";
const NOVA = "amazon.nova-2-multimodal-embeddings-v1:0";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function decodeBase64Float32(b64: string): number[] {
  const buf = Buffer.from(b64, "base64");
  return Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4));
}

async function post(gw: TestGateway, body: unknown) {
  const res = await gw.request("/v1/embeddings", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe("POST /v1/embeddings", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { MODEL_ALIASES: "my-embedder=amazon.titan-embed-text-v2:0" } });
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  it("answers float and base64 that decode to the same vectors, in OpenAI's schema", async () => {
    const input = ["the first text", "the second text"];
    const floats = await gw.openai.embeddings.create({ model: TITAN_V2, input, encoding_format: "float" });
    // The SDK's default: it asks for base64 and decodes the float32 bytes itself.
    const viaBase64 = await gw.openai.embeddings.create({ model: TITAN_V2, input });
    assert.equal(gw.fake.calls("InvokeModel").at(-1)?.status, 200);
    assert.deepEqual(
      viaBase64.data.map((d) => d.embedding),
      floats.data.map((d) => d.embedding),
    );
    assert.deepEqual(
      floats.data.map((d) => d.embedding),
      input.map((t) => fakeVector(t, 1024)),
    );

    const raw = await post(gw, { model: TITAN_V2, input, encoding_format: "base64" });
    assert.equal(typeof raw.body.data[0].embedding, "string");
    assert.deepEqual(decodeBase64Float32(raw.body.data[1].embedding), fakeVector(input[1]!, 1024));
    const asFloats = { ...raw.body, data: raw.body.data.map((d: any) => ({ ...d, embedding: decodeBase64Float32(d.embedding) })) };
    assert.deepEqual(openaiSchemaErrors("CreateEmbeddingResponse", asFloats), []);

    const plain = await post(gw, { model: TITAN_V2, input: "one text" });
    assert.equal(plain.status, 200);
    assert.deepEqual(openaiSchemaErrors("CreateEmbeddingResponse", plain.body), []);
    assert.deepEqual(Object.keys(plain.body).sort(), ["data", "model", "object", "usage"]);
    assert.deepEqual(plain.body.data[0].embedding, fakeVector("one text", 1024), "float is the default without encoding_format");
  });

  it("keeps input order when Titan calls finish out of order", async () => {
    gw.fake.onInvoke(async (id, body, model) => {
      await sleep(Math.floor(Math.random() * 15));
      return defaultInvoke(id, body, model);
    });
    const input = Array.from({ length: 60 }, (_, i) => `document number ${i}`);
    const res = await gw.openai.embeddings.create({ model: TITAN_V2, input, encoding_format: "float" });
    assert.equal(gw.fake.calls("InvokeModel").length, 60, "Titan takes one text per call");
    assert.deepEqual(
      res.data.map((d) => d.index),
      input.map((_, i) => i),
    );
    assert.deepEqual(
      res.data.map((d) => d.embedding),
      input.map((t) => fakeVector(t, 1024)),
    );
  });

  it("chunks Cohere input into calls of at most 96 texts, in order", async () => {
    const input = Array.from({ length: 200 }, (_, i) => `passage ${i}`);
    const res = await gw.openai.embeddings.create({ model: COHERE_V3, input, encoding_format: "float" });
    const calls = gw.fake.calls("InvokeModel");
    assert.equal(calls.length, Math.ceil(200 / 96));
    assert.deepEqual(
      calls.map((c) => c.body.texts.length).sort((a, b) => b - a),
      [96, 96, 8],
    );
    assert.deepEqual(calls.flatMap((c) => c.body.texts).sort(), [...input].sort());
    assert.deepEqual(
      res.data.map((d) => d.embedding),
      input.map((t) => fakeVector(t, 1024)),
    );
    assert.ok(
      calls.every((c) => c.body.input_type === "search_document"),
      "search_document by default",
    );
  });

  it("passes the input_type extra field to Cohere and maps it to Nova's embedding purpose", async () => {
    await post(gw, { model: COHERE_V4, input: "what is a vector?", input_type: "search_query" });
    assert.equal(gw.fake.lastCall("InvokeModel")?.body.input_type, "search_query");
    await post(gw, { model: NOVA, input: "what is a vector?", input_type: "search_query" });
    assert.equal(gw.fake.lastCall("InvokeModel")?.body.singleEmbeddingParams.embeddingPurpose, "GENERIC_RETRIEVAL");
    await post(gw, { model: NOVA, input: "a document" });
    assert.equal(gw.fake.lastCall("InvokeModel")?.body.singleEmbeddingParams.embeddingPurpose, "GENERIC_INDEX");
    const bad = await post(gw, { model: COHERE_V4, input: "x", input_type: "search" });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.param, "input_type");
  });

  it("maps dimensions to each family's parameter", async () => {
    const cases: [string, number, (b: any) => unknown][] = [
      [TITAN_V2, 512, (b) => b.dimensions],
      [COHERE_V4, 256, (b) => b.output_dimension],
      [NOVA, 1024, (b) => b.singleEmbeddingParams.embeddingDimension],
      ["amazon.titan-embed-image-v1", 384, (b) => b.embeddingConfig.outputEmbeddingLength],
    ];
    for (const [model, dims, sent] of cases) {
      const res = await gw.openai.embeddings.create({ model, input: "sized", dimensions: dims });
      assert.equal(res.data[0]!.embedding.length, dims, model);
      assert.equal(sent(gw.fake.lastCall("InvokeModel")?.body), dims, model);
    }
    // The model's own size is accepted and needs no parameter.
    const native = await gw.openai.embeddings.create({ model: COHERE_V3, input: "sized", dimensions: 1024 });
    assert.equal(native.data[0]!.embedding.length, 1024);
    assert.equal(gw.fake.lastCall("InvokeModel")?.body.output_dimension, undefined);
  });

  it("refuses an unsupported dimensions value with a 400 listing the allowed ones", async () => {
    const expectations: [string, number, string][] = [
      [TITAN_V2, 768, "256, 512, 1024"],
      [COHERE_V4, 100, "256, 512, 1024, 1536"],
      [COHERE_V3, 512, "1024"],
      [NOVA, 512, "256, 384, 1024, 3072"],
      ["amazon.titan-embed-text-v1", 1024, "1536"],
    ];
    for (const [model, dims, allowed] of expectations) {
      const { status, body } = await post(gw, { model, input: "x", dimensions: dims });
      assert.equal(status, 400, model);
      assert.deepEqual(openaiSchemaErrors("ErrorResponse", body), []);
      assert.equal(body.error.param, "dimensions");
      assert.ok(body.error.message.includes(`Allowed values: ${allowed}.`), body.error.message);
    }
    assert.equal(gw.fake.calls("InvokeModel").length, 0, "nothing reaches Bedrock");
  });

  it("decodes token-array input with cl100k_base (or the token_encoding asked for)", async () => {
    // "Hello world" in cl100k_base and in o200k_base.
    const one = await gw.openai.embeddings.create({ model: COHERE_V3, input: [9906, 1917], encoding_format: "float" });
    assert.deepEqual(gw.fake.lastCall("InvokeModel")?.body.texts, ["Hello world"]);
    assert.deepEqual(one.data[0]!.embedding, fakeVector("Hello world", 1024));
    await gw.openai.embeddings.create({ model: COHERE_V3, input: [[9906, 1917], [15339], [71647, 527, 23728]] });
    assert.deepEqual(gw.fake.lastCall("InvokeModel")?.body.texts, ["Hello world", "hello", " embeddings are vectors"]);
    await post(gw, {
      model: COHERE_V3,
      input: [
        [13225, 2375],
        [174989, 553, 52254],
      ],
      token_encoding: "o200k_base",
    });
    assert.deepEqual(gw.fake.lastCall("InvokeModel")?.body.texts, ["Hello world", " embeddings are vectors"]);

    const bad = await post(gw, { model: COHERE_V3, input: [[9906], [150000]] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.param, "input[1]");
    assert.match(bad.body.error.message, /token id 150000.*cl100k_base/);
  });

  it("reports usage from Bedrock's counts: Titan's body, Cohere's and Nova's headers", async () => {
    const titan = await gw.openai.embeddings.create({ model: TITAN_V2, input: ["aaaa", "bbbbbbbb"] });
    assert.deepEqual(titan.usage, { prompt_tokens: 1 + 2, total_tokens: 3 });
    const cohere = await gw.openai.embeddings.create({ model: COHERE_V3, input: Array.from({ length: 100 }, () => "cccccccc") });
    assert.deepEqual(cohere.usage, { prompt_tokens: 200, total_tokens: 200 });
    const nova = await gw.openai.embeddings.create({ model: NOVA, input: ["dddddddddddd", "ee"] });
    assert.deepEqual(nova.usage, { prompt_tokens: 3 + 1, total_tokens: 4 });

    await gw.openai.embeddings.create({ model: NOVA, input: "logged" }, { headers: { "x-request-id": "emb-log-1" } });
    const line = gw.logs.find((l) => l.requestId === "emb-log-1");
    assert.ok(line);
    assert.equal(line.endpoint, "embeddings");
    assert.equal(line.model, NOVA);
    assert.equal(line.bedrockModel, NOVA);
    assert.equal(line.baseModelId, NOVA);
    assert.equal(line.inputTokens, 2);
    assert.equal(line.tokensEstimated, undefined);
  });

  it("estimates usage only when Bedrock reports no count, and says so in the log", async () => {
    gw.fake.onInvoke((id, body, model) => ({ ...defaultInvoke(id, body, model), headers: {} }));
    const res = await gw.openai.embeddings.create(
      { model: COHERE_V3, input: ["twelve chars", "x"] },
      { headers: { "x-request-id": "emb-est-1" } },
    );
    assert.deepEqual(res.usage, { prompt_tokens: 3 + 1, total_tokens: 4 });
    assert.equal(gw.logs.find((l) => l.requestId === "emb-est-1")?.tokensEstimated, true);
  });

  it("sends OpenAI embedding names to DEFAULT_EMBEDDING_MODEL and follows aliases", async () => {
    const res = await gw.openai.embeddings.create({ model: "text-embedding-3-small", input: "hi" });
    assert.equal(res.model, "text-embedding-3-small");
    assert.equal(gw.fake.lastCall("InvokeModel")?.modelId, "cohere.embed-multilingual-v3");
    await gw.openai.embeddings.create({ model: "my-embedder", input: "hi" });
    assert.equal(gw.fake.lastCall("InvokeModel")?.modelId, TITAN_V2);
    await gw.openai.embeddings.create({ model: `us.${COHERE_V4}`, input: "hi" });
    assert.equal(gw.fake.lastCall("InvokeModel")?.modelId, `us.${COHERE_V4}`);
  });
});
