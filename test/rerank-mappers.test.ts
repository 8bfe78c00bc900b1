// The pure pieces of the rerank endpoint: each family's body, the answer check, ordering and
// the text a document is ranked by.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { familyFor } from "../src/bedrock/family-table.ts";
import { amazonRerank, buildAmazonRerankBody } from "../src/bedrock/rerank/amazon-rerank.ts";
import { buildCohereRerankBody, cohereRerank } from "../src/bedrock/rerank/cohere-rerank.ts";
import { RERANK_FAMILIES } from "../src/bedrock/rerank/rerank-families.ts";
import { GatewayError } from "../src/errors/gateway-error.ts";
import { documentText, rankResults } from "../src/rerank/rerank-documents.ts";

const call = { query: "q", documents: ["a", "b"], topN: undefined, maxTokensPerDoc: undefined };

describe("rerank bodies", () => {
  it("Cohere: api_version 2, optional top_n and max_tokens_per_doc", () => {
    assert.deepEqual(buildCohereRerankBody(call), { query: "q", documents: ["a", "b"], api_version: 2 });
    assert.deepEqual(buildCohereRerankBody({ ...call, topN: 1, maxTokensPerDoc: 300 }), {
      query: "q",
      documents: ["a", "b"],
      api_version: 2,
      top_n: 1,
      max_tokens_per_doc: 300,
    });
  });

  it("Amazon: query, documents, top_n; no per-document cap", () => {
    assert.deepEqual(buildAmazonRerankBody({ ...call, topN: 2 }), { query: "q", documents: ["a", "b"], top_n: 2 });
    assert.throws(
      () => buildAmazonRerankBody({ ...call, maxTokensPerDoc: 10 }),
      (e: unknown) => e instanceof GatewayError && e.param === "max_tokens_per_doc",
    );
  });

  it("reads results and refuses indexes outside the documents or repeated", () => {
    assert.deepEqual(cohereRerank.parseResponse({ id: "x", results: [{ index: 1, relevance_score: 0.9 }] }, 2), {
      id: "x",
      results: [{ index: 1, relevance_score: 0.9 }],
    });
    assert.deepEqual(amazonRerank.parseResponse({ results: [] }, 2), { id: undefined, results: [] });
    assert.throws(() => amazonRerank.parseResponse({ results: [{ index: 2, relevance_score: 1 }] }, 2), /invalid document index 2/);
    assert.throws(
      () =>
        amazonRerank.parseResponse(
          {
            results: [
              { index: 0, relevance_score: 1 },
              { index: 0, relevance_score: 0.5 },
            ],
          },
          2,
        ),
      /invalid document index 0/,
    );
    assert.throws(
      () => cohereRerank.parseResponse({ ranking: [] }, 2),
      (e: unknown) => e instanceof GatewayError && e.status === 502,
    );
  });

  it("is chosen by model id prefix", () => {
    assert.equal(familyFor(RERANK_FAMILIES, "cohere.rerank-v3-5:0"), cohereRerank);
    assert.equal(familyFor(RERANK_FAMILIES, "amazon.rerank-v1:0"), amazonRerank);
  });
});

describe("rerank ordering and document text", () => {
  it("sorts by descending score, ties by original index, then cuts to top_n", () => {
    const r = [
      { index: 0, relevance_score: 0.1 },
      { index: 3, relevance_score: 0.7 },
      { index: 1, relevance_score: 0.7 },
      { index: 2, relevance_score: 0.9 },
    ];
    assert.deepEqual(
      rankResults(r, undefined).map((x) => x.index),
      [2, 1, 3, 0],
    );
    assert.deepEqual(
      rankResults(r, 2).map((x) => x.index),
      [2, 1],
    );
  });

  it("ranks a string as is, an object by text, rank_fields or its JSON", () => {
    assert.equal(documentText("plain", 0, undefined), "plain");
    assert.equal(documentText({ text: "inner", id: 1 }, 0, undefined), "inner");
    assert.equal(documentText({ a: 1 }, 0, undefined), '{"a":1}');
    assert.equal(documentText({ title: "T", body: "B", tags: ["x"] }, 0, ["title", "tags", "missing"]), 'title: T\ntags: ["x"]');
    assert.throws(
      () => documentText({ other: 1 }, 4, ["missing"]),
      (e: unknown) => e instanceof GatewayError && e.param === "documents[4]",
    );
    assert.throws(() => documentText(null, 1, undefined), /a string or an object/);
  });
});
