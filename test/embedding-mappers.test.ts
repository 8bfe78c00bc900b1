// The pure pieces of the embeddings endpoint: each family's native body both ways, input
// classification, dimensions, base64 encoding and the order-keeping concurrent map.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  buildCohereEmbedBody,
  cohereEmbedV3,
  cohereEmbedV4,
  parseCohereEmbedResponse,
} from "../src/bedrock/embeddings/cohere-embeddings.ts";
import { EMBEDDING_FAMILIES } from "../src/bedrock/embeddings/embedding-families.ts";
import {
  buildNovaEmbeddingBody,
  novaEmbeddings,
  novaPurpose,
  parseNovaEmbeddingResponse,
} from "../src/bedrock/embeddings/nova-embeddings.ts";
import { buildTitanMultimodalBody, titanMultimodal } from "../src/bedrock/embeddings/titan-multimodal-embeddings.ts";
import { buildTitanTextBody, parseTitanTextResponse, titanTextV1, titanTextV2 } from "../src/bedrock/embeddings/titan-text-embeddings.ts";
import { familyFor } from "../src/bedrock/family-table.ts";
import { checkDimensions } from "../src/embeddings/create-embeddings.ts";
import { classifyEmbeddingInput } from "../src/embeddings/embedding-input.ts";
import { float32Base64 } from "../src/embeddings/encode-embedding.ts";
import { GatewayError } from "../src/errors/gateway-error.ts";
import { mapWithConcurrency } from "../src/util/map-with-concurrency.ts";

const opts = { dimensions: undefined, inputType: "search_document" } as const;

describe("Titan embeddings mapping", () => {
  it("builds one inputText per call, with dimensions only when asked", () => {
    assert.deepEqual(buildTitanTextBody(["a"], opts), { inputText: "a" });
    assert.deepEqual(buildTitanTextBody(["a"], { ...opts, dimensions: 256 }), { inputText: "a", dimensions: 256 });
    assert.deepEqual(titanTextV1.buildBody(["a"], { ...opts, dimensions: 1536 }), { inputText: "a" });
    assert.deepEqual(buildTitanMultimodalBody(["a"], 384), { inputText: "a", embeddingConfig: { outputEmbeddingLength: 384 } });
    assert.deepEqual(titanMultimodal.buildBody(["a"], opts), { inputText: "a" });
  });

  it("reads embedding and inputTextTokenCount, or embeddingsByType.float", () => {
    assert.deepEqual(parseTitanTextResponse({ embedding: [0.1, 0.2], inputTextTokenCount: 3, embeddingsByType: { float: [0.1, 0.2] } }), {
      vectors: [[0.1, 0.2]],
      inputTokens: 3,
    });
    assert.deepEqual(parseTitanTextResponse({ embeddingsByType: { float: [0.5] } }), { vectors: [[0.5]], inputTokens: undefined });
    assert.throws(
      () => parseTitanTextResponse({ embeddingsByType: { binary: [1] } }),
      (e: unknown) => e instanceof GatewayError && e.status === 502,
    );
    assert.throws(
      () => parseTitanTextResponse({ embedding: "nope" }),
      (e: unknown) => e instanceof GatewayError && e.code === "upstream_invalid_response",
    );
  });
});

describe("Cohere embeddings mapping", () => {
  it("asks for float vectors, never truncates, and sends output_dimension for v4 only", () => {
    assert.deepEqual(buildCohereEmbedBody(["a", "b"], { dimensions: 512, inputType: "search_query" }, true), {
      texts: ["a", "b"],
      input_type: "search_query",
      embedding_types: ["float"],
      truncate: "NONE",
      output_dimension: 512,
    });
    assert.deepEqual(cohereEmbedV3.buildBody(["a"], { dimensions: 512, inputType: "clustering" }), {
      texts: ["a"],
      input_type: "clustering",
      embedding_types: ["float"],
      truncate: "NONE",
    });
    assert.equal(cohereEmbedV3.batchSize, 96);
    assert.equal(cohereEmbedV4.batchSize, 96);
  });

  it("reads embeddings by type and the older bare list, and checks the count", () => {
    assert.deepEqual(
      parseCohereEmbedResponse({ id: "1", embeddings: { float: [[1], [2]] }, texts: ["a", "b"], response_type: "embeddings_by_type" }, 2),
      { vectors: [[1], [2]], inputTokens: undefined },
    );
    assert.deepEqual(
      parseCohereEmbedResponse({ id: "1", embeddings: [[3]], texts: ["a"], response_type: "embeddings_floats" }, 1).vectors,
      [[3]],
    );
    assert.throws(() => parseCohereEmbedResponse({ embeddings: [[3]] }, 2), /1 embeddings for 2 inputs/);
  });
});

describe("Nova embeddings mapping", () => {
  it("builds a SINGLE_EMBEDDING text request with the purpose derived from input_type", () => {
    assert.deepEqual(buildNovaEmbeddingBody(["hi"], { dimensions: 1024, inputType: "search_query" }), {
      schemaVersion: "nova-multimodal-embed-v1",
      taskType: "SINGLE_EMBEDDING",
      singleEmbeddingParams: {
        embeddingPurpose: "GENERIC_RETRIEVAL",
        embeddingDimension: 1024,
        text: { truncationMode: "NONE", value: "hi" },
      },
    });
    assert.equal(
      Object.hasOwn(
        (novaEmbeddings.buildBody(["x"], opts) as { singleEmbeddingParams: object }).singleEmbeddingParams,
        "embeddingDimension",
      ),
      false,
    );
    assert.deepEqual(
      ["search_document", "search_query", "classification", "clustering"].map((t) => novaPurpose(t as "search_document")),
      ["GENERIC_INDEX", "GENERIC_RETRIEVAL", "CLASSIFICATION", "CLUSTERING"],
    );
  });

  it("reads the embeddings list", () => {
    assert.deepEqual(parseNovaEmbeddingResponse({ embeddings: [{ embeddingType: "TEXT", embedding: [0.25, -0.5] }] }, 1), {
      vectors: [[0.25, -0.5]],
      inputTokens: undefined,
    });
  });
});

describe("embedding family table", () => {
  it("picks the mapper by foundation-model id prefix", () => {
    assert.equal(familyFor(EMBEDDING_FAMILIES, "amazon.titan-embed-text-v2:0"), titanTextV2);
    assert.equal(familyFor(EMBEDDING_FAMILIES, "amazon.titan-embed-text-v1"), titanTextV1);
    assert.equal(familyFor(EMBEDDING_FAMILIES, "amazon.titan-embed-g1-text-02"), titanTextV1);
    assert.equal(familyFor(EMBEDDING_FAMILIES, "cohere.embed-multilingual-v3"), cohereEmbedV3);
    assert.equal(familyFor(EMBEDDING_FAMILIES, "cohere.embed-v4:0"), cohereEmbedV4);
    assert.equal(familyFor(EMBEDDING_FAMILIES, "amazon.nova-2-multimodal-embeddings-v1:0"), novaEmbeddings);
    assert.equal(familyFor(EMBEDDING_FAMILIES, "mystery.embedder-v1"), undefined);
  });
});

describe("dimensions", () => {
  it("omits the model's own size, passes an allowed one, refuses the rest listing allowed values", () => {
    assert.equal(checkDimensions(titanTextV2, undefined, "m"), undefined);
    assert.equal(checkDimensions(titanTextV2, 1024, "m"), undefined);
    assert.equal(checkDimensions(titanTextV2, 256, "m"), 256);
    assert.equal(checkDimensions(cohereEmbedV3, 1024, "m"), undefined);
    assert.throws(() => checkDimensions(titanTextV2, 300, "m"), /Allowed values: 256, 512, 1024\./);
  });
});

describe("embedding input forms", () => {
  it("accepts a string, strings, one token list, token lists", () => {
    assert.deepEqual(classifyEmbeddingInput("a"), { kind: "text", texts: ["a"] });
    assert.deepEqual(classifyEmbeddingInput(["a", "b"]), { kind: "text", texts: ["a", "b"] });
    assert.deepEqual(classifyEmbeddingInput([1, 2]), { kind: "tokens", tokens: [[1, 2]] });
    assert.deepEqual(classifyEmbeddingInput([[1], [2, 3]]), { kind: "tokens", tokens: [[1], [2, 3]] });
  });

  it("names the first bad item", () => {
    const param = (input: unknown) => {
      try {
        classifyEmbeddingInput(input);
      } catch (e) {
        return (e as GatewayError).param;
      }
      return "accepted";
    };
    assert.equal(param(""), "input");
    assert.equal(param(null), "input");
    assert.equal(param(["a", 1]), "input[1]");
    assert.equal(param([[1], [2, "x"]]), "input[1][1]");
    assert.equal(param([[1], 2]), "input[1]");
    assert.equal(param([true]), "input[0]");
    assert.equal(param(Array.from({ length: 2049 }, () => "a")), "input");
    assert.equal(param(Array.from({ length: 2048 }, () => "a")), "accepted");
  });
});

describe("base64 encoding", () => {
  it("is little-endian float32", () => {
    assert.equal(float32Base64([1, -2]), Buffer.from([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]).toString("base64"));
    const bytes = Buffer.from(float32Base64([0.1, 0.2]), "base64");
    const back = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    assert.deepEqual(Array.from(back), [Math.fround(0.1), Math.fround(0.2)]);
  });
});

describe("mapWithConcurrency", () => {
  it("keeps input order and never exceeds the limit", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapWithConcurrency([30, 5, 20, 1, 10, 2], 3, async (ms, i) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return i * 10;
    });
    assert.deepEqual(out, [0, 10, 20, 30, 40, 50]);
    assert.equal(peak, 3);
  });

  it("rejects with the first error, aborts the others and starts nothing new", async () => {
    const started: number[] = [];
    let abortedSiblings = 0;
    await assert.rejects(
      mapWithConcurrency([0, 1, 2, 3, 4, 5, 6, 7], 2, async (_v, i, signal) => {
        started.push(i);
        if (i === 1) throw new Error("boom");
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, 50);
          signal.addEventListener("abort", () => {
            clearTimeout(t);
            abortedSiblings++;
            reject(new Error("aborted"));
          });
        });
      }),
      /boom/,
    );
    assert.deepEqual(started, [0, 1]);
    assert.equal(abortedSiblings, 1);
  });
});
