// POST /v1/rerank (Cohere-compatible) through the real gateway and the Bedrock test double, over
// Cohere Rerank 3.5 and Amazon Rerank 1.0.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { defaultInvoke } from "./fake-bedrock/fake-bedrock.ts";
import { fakeRelevance } from "./fake-bedrock/invoke/rerank.ts";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const COHERE = "cohere.rerank-v3-5:0";
const AMAZON = "amazon.rerank-v1:0";
const QUERY = "What is the capital of the United States?";
const DOCS = [
  "Carson City is the capital city of the American state of Nevada.",
  "The Commonwealth of the Northern Mariana Islands is a group of islands in the Pacific Ocean.",
  "Washington, D.C. is the capital of the United States.",
  "Capital punishment has existed in the United States since before it was a country.",
  "Bananas are yellow.",
];

async function rerank(gw: TestGateway, body: unknown, headers: Record<string, string> = {}) {
  const res = await gw.request("/v1/rerank", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe("POST /v1/rerank", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { UPSTREAM_RETRY_MAX_TIME: "0", MODEL_ALIASES: "reranker=cohere.rerank-v3-5:0" } });
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  for (const model of [COHERE, AMAZON]) {
    it(`ranks documents by descending relevance with their original indexes (${model})`, async () => {
      const { status, body } = await rerank(gw, { model, query: QUERY, documents: DOCS });
      assert.equal(status, 200);
      const expected = DOCS.map((d, index) => ({ index, relevance_score: fakeRelevance(QUERY, d) })).sort(
        (a, b) => b.relevance_score - a.relevance_score || a.index - b.index,
      );
      assert.deepEqual(body.results, expected);
      assert.equal(body.results[0].index, 2, "Washington first");
      assert.equal(body.model, model);
      assert.equal(typeof body.id, "string");
      assert.deepEqual(body.meta, { api_version: { version: "2" }, billed_units: { search_units: 1 } });
      for (let i = 1; i < body.results.length; i++) assert.ok(body.results[i - 1].relevance_score >= body.results[i].relevance_score);
    });
  }

  it("sends each family's native body", async () => {
    await rerank(gw, { model: COHERE, query: QUERY, documents: DOCS, top_n: 2, max_tokens_per_doc: 512 });
    assert.deepEqual(gw.fake.lastCall("InvokeModel")?.body, {
      query: QUERY,
      documents: DOCS,
      api_version: 2,
      top_n: 2,
      max_tokens_per_doc: 512,
    });
    await rerank(gw, { model: AMAZON, query: QUERY, documents: DOCS, top_n: 3 });
    assert.deepEqual(gw.fake.lastCall("InvokeModel")?.body, { query: QUERY, documents: DOCS, top_n: 3 });
  });

  it("returns top_n results, all of them when top_n exceeds the documents", async () => {
    const top = await rerank(gw, { model: AMAZON, query: QUERY, documents: DOCS, top_n: 2 });
    assert.deepEqual(
      top.body.results.map((r: any) => r.index),
      [2, 0],
    );
    const all = await rerank(gw, { model: COHERE, query: QUERY, documents: DOCS, top_n: 50 });
    assert.equal(all.body.results.length, DOCS.length);
    assert.equal(gw.fake.lastCall("InvokeModel")?.body.top_n, DOCS.length);
  });

  it("returns the documents when asked, strings as {text} and objects as given", async () => {
    const docs = [
      { text: "Paris is in France.", id: "a" },
      "Washington is the capital of the United States.",
      { title: "capital of the United States", body: "Washington" },
    ];
    const { body } = await rerank(gw, { model: COHERE, query: QUERY, documents: docs, return_documents: true });
    assert.deepEqual(gw.fake.lastCall("InvokeModel")?.body.documents, ["Paris is in France.", docs[1], JSON.stringify(docs[2])]);
    for (const r of body.results) assert.deepEqual(r.document, typeof docs[r.index] === "string" ? { text: docs[r.index] } : docs[r.index]);
    const without = await rerank(gw, { model: COHERE, query: QUERY, documents: docs });
    assert.ok(without.body.results.every((r: any) => r.document === undefined));
  });

  it("ranks objects by the rank_fields asked for", async () => {
    const docs = [
      { title: "Bananas", body: "yellow fruit", year: 2020 },
      { title: "Capitals", body: "Washington is the capital of the United States", year: 2021 },
    ];
    const { body } = await rerank(gw, { model: AMAZON, query: QUERY, documents: docs, rank_fields: ["title", "body"] });
    assert.deepEqual(gw.fake.lastCall("InvokeModel")?.body.documents, [
      "title: Bananas\nbody: yellow fruit",
      "title: Capitals\nbody: Washington is the capital of the United States",
    ]);
    assert.equal(body.results[0].index, 1);
  });

  it("orders results itself when Bedrock's are not sorted, ties by original position", async () => {
    gw.fake.onInvoke(() => ({
      body: {
        results: [
          { index: 3, relevance_score: 0.2 },
          { index: 0, relevance_score: 0.9 },
          { index: 2, relevance_score: 0.2 },
          { index: 1, relevance_score: 0.5 },
        ],
      },
    }));
    const { body } = await rerank(gw, { model: AMAZON, query: "q", documents: ["a", "b", "c", "d"] });
    assert.deepEqual(
      body.results.map((r: any) => r.index),
      [0, 1, 2, 3],
    );
  });

  it("logs the rerank fields, with Bedrock's token count", async () => {
    await rerank(gw, { model: "reranker", query: QUERY, documents: DOCS }, { "x-request-id": "rr-log-1" });
    const line = gw.logs.find((l) => l.requestId === "rr-log-1");
    assert.ok(line);
    assert.equal(line.endpoint, "rerank");
    assert.equal(line.model, "reranker");
    assert.equal(line.bedrockModel, COHERE);
    assert.equal(line.documents, DOCS.length);
    assert.equal(line.searchUnits, 1);
    assert.equal(typeof line.inputTokens, "number");
    assert.ok((line.inputTokens as number) > 0);
  });
});

describe("rerank errors", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { UPSTREAM_RETRY_MAX_TIME: "0" } });
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  async function expectError(body: unknown, status: number, code: string, param?: string | null) {
    const { status: got, body: json } = await rerank(gw, body);
    assert.equal(got, status, JSON.stringify(json));
    assert.deepEqual(openaiSchemaErrors("ErrorResponse", json), []);
    assert.equal(json.error.code, code, JSON.stringify(json));
    if (param !== undefined) assert.equal(json.error.param, param);
    return json.error as { message: string };
  }

  it("400 for a missing or empty query, model or document list", async () => {
    await expectError({ query: QUERY, documents: DOCS }, 400, "missing_required_parameter", "model");
    await expectError({ model: COHERE, documents: DOCS }, 400, "missing_required_parameter", "query");
    await expectError({ model: COHERE, query: " ", documents: DOCS }, 400, "invalid_value", "query");
    await expectError({ model: COHERE, query: QUERY, documents: [] }, 400, "invalid_value", "documents");
    await expectError({ model: COHERE, query: QUERY, documents: ["ok", ""] }, 400, "invalid_value", "documents[1]");
    const bad = await expectError({ model: COHERE, query: QUERY, documents: ["ok", 7] }, 400, "invalid_type", "documents[1]");
    assert.match(bad.message, /a string or an object/);
    await expectError({ model: COHERE, query: QUERY, documents: [{ text: "ok" }, [1]] }, 400, "invalid_type", "documents[1]");
    const many = await expectError(
      { model: COHERE, query: QUERY, documents: Array.from({ length: 1001 }, (_, i) => `d${i}`) },
      400,
      "invalid_value",
      "documents",
    );
    assert.match(many.message, /at most 1000/);
    assert.equal(gw.fake.calls("InvokeModel").length, 0);
  });

  it("400 for invalid or unsupported options", async () => {
    await expectError({ model: COHERE, query: QUERY, documents: DOCS, top_n: 0 }, 400, "invalid_value", "top_n");
    await expectError(
      { model: AMAZON, query: QUERY, documents: DOCS, max_tokens_per_doc: 100 },
      400,
      "invalid_value",
      "max_tokens_per_doc",
    );
    await expectError({ model: COHERE, query: QUERY, documents: DOCS, return_documents: "yes" }, 400, "invalid_type", "return_documents");
    await expectError(
      { model: COHERE, query: QUERY, documents: DOCS, max_chunks_per_doc: 3 },
      400,
      "unknown_parameter",
      "max_chunks_per_doc",
    );
  });

  it("400 for a model of another kind, 404 for an unknown one", async () => {
    const chat = await expectError({ model: "amazon.nova-micro-v1:0", query: QUERY, documents: DOCS }, 400, "model_not_supported", "model");
    assert.match(chat.message, /chat model.*\/v1\/chat\/completions/);
    const emb = await expectError({ model: "cohere.embed-english-v3", query: QUERY, documents: DOCS }, 400, "model_not_supported", "model");
    assert.match(emb.message, /embedding model.*\/v1\/embeddings/);
    await expectError({ model: "amazon.nova-canvas-v1:0", query: QUERY, documents: DOCS }, 400, "model_not_supported", "model");
    await expectError({ model: "rerank-english-v3.0", query: QUERY, documents: DOCS }, 404, "model_not_found", "model");
  });

  it("maps Bedrock errors and refuses a broken answer", async () => {
    gw.fake.onInvoke(() => ({ error: { exception: "ThrottlingException", message: "slow down", status: 429 } }));
    await expectError({ model: COHERE, query: QUERY, documents: DOCS }, 429, "rate_limit_exceeded");
    gw.fake.onInvoke(() => ({ body: { results: [{ index: 9, relevance_score: 0.5 }] } }));
    await expectError({ model: COHERE, query: QUERY, documents: DOCS }, 502, "upstream_invalid_response");
    gw.fake.onInvoke((id, body, model) => defaultInvoke(id, { ...body, api_version: 1 }, model));
    await expectError({ model: COHERE, query: QUERY, documents: DOCS }, 400, "invalid_request");
  });

  it("405 with Allow for GET", async () => {
    const res = await gw.request("/v1/rerank");
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "POST");
  });
});
