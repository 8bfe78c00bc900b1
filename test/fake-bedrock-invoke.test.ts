// The double's InvokeModel handlers, driven by the official AWS SDK: each family's native body
// is checked the way Bedrock checks it (ValidationException with its "Malformed input request"
// wording) and answered in the family's real shape, with Bedrock's token-count headers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BedrockRuntimeClient, InvokeModelCommand, ValidationException } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { createBedrockRuntime } from "../src/bedrock/runtime-client.ts";
import { BedrockHttp } from "../src/bedrock/transport/bedrock-http.ts";
import { createSigV4Signer } from "../src/bedrock/transport/request-signer.ts";
import { startFakeBedrock, TEST_CREDENTIALS } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import { fakeImageComment } from "./fake-bedrock/invoke/fake-images.ts";
import { fakeVector } from "./fake-bedrock/invoke/fake-vectors.ts";

describe("test double InvokeModel formats with the official AWS SDK", () => {
  let fake: FakeBedrock;
  let runtime: BedrockRuntimeClient;
  before(async () => {
    fake = await startFakeBedrock();
    runtime = new BedrockRuntimeClient({
      region: "us-east-1",
      endpoint: fake.url,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
  });
  after(async () => {
    runtime.destroy();
    await fake.close();
  });

  async function invoke(modelId: string, body: unknown): Promise<any> {
    const out = await runtime.send(
      new InvokeModelCommand({ modelId, body: JSON.stringify(body), contentType: "application/json", accept: "application/json" }),
    );
    return JSON.parse(new TextDecoder().decode(out.body));
  }

  async function rejects(modelId: string, body: unknown, message: RegExp) {
    await assert.rejects(invoke(modelId, body), (e: unknown) => {
      assert.ok(e instanceof ValidationException, String(e));
      assert.match(e.message, message);
      return true;
    });
  }

  it("Titan Text Embeddings V2: body, dimensions, limits, token count in body and headers", async () => {
    const out = await invoke("amazon.titan-embed-text-v2:0", { inputText: "hello there", dimensions: 256 });
    assert.deepEqual(out.embedding, fakeVector("hello there", 256));
    assert.deepEqual(out.embeddingsByType.float, out.embedding);
    assert.equal(out.inputTextTokenCount, 3);
    assert.equal(fake.lastCall("InvokeModel")?.status, 200);
    await rejects("amazon.titan-embed-text-v2:0", { inputText: "x", dimensions: 300 }, /#\/dimensions: 300 is not a valid enum value/);
    await rejects("amazon.titan-embed-text-v2:0", { inputText: ["a", "b"] }, /#\/inputText: expected type: String/);
    await rejects("amazon.titan-embed-text-v2:0", { inputText: "x", texts: ["x"] }, /extraneous key \[texts\] is not permitted/);
    await rejects("amazon.titan-embed-text-v2:0", { inputText: "" }, /expected minLength: 1/);
    await rejects("amazon.titan-embed-text-v2:0", { inputText: "x".repeat(50_001) }, /expected maxLength: 50000/);
    await rejects("amazon.titan-embed-text-v1", { inputText: "x", dimensions: 256 }, /extraneous key \[dimensions\]/);
    await rejects("amazon.titan-embed-text-v1", { inputText: "x".repeat(40_000) }, /Too many input tokens. Max input tokens: 8192/);
  });

  it("Cohere Embed: at most 96 texts, input_type required, 2,048 characters for v3, answer by type", async () => {
    const out = await invoke("cohere.embed-english-v3", { texts: ["a", "b"], input_type: "search_query", embedding_types: ["float"] });
    assert.equal(out.response_type, "embeddings_by_type");
    assert.deepEqual(out.texts, ["a", "b"]);
    assert.equal(typeof out.id, "string");
    assert.deepEqual(out.embeddings.float, [fakeVector("a", 1024), fakeVector("b", 1024)]);
    const bare = await invoke("cohere.embed-multilingual-v3", { texts: ["a"], input_type: "search_document" });
    assert.equal(bare.response_type, "embeddings_floats");
    assert.deepEqual(bare.embeddings, [fakeVector("a", 1024)]);
    await rejects(
      "cohere.embed-english-v3",
      { texts: Array.from({ length: 97 }, () => "t"), input_type: "search_document" },
      /#\/texts: expected maximum item count: 96, found: 97/,
    );
    await rejects("cohere.embed-english-v3", { texts: ["t"] }, /required key \[input_type\] not found/);
    await rejects(
      "cohere.embed-english-v3",
      { texts: ["t".repeat(2049)], input_type: "search_document" },
      /#\/texts\/0: expected maxLength: 2048/,
    );
    await rejects(
      "cohere.embed-v4:0",
      { texts: ["t"], input_type: "search_document", output_dimension: 768 },
      /#\/output_dimension: 768 is not a valid enum value/,
    );
    const v4 = await invoke("us.cohere.embed-v4:0", {
      texts: ["t"],
      input_type: "search_document",
      output_dimension: 512,
      embedding_types: ["float"],
    });
    assert.equal(v4.embeddings.float[0].length, 512);
  });

  it("Nova embeddings: SINGLE_EMBEDDING, one modality, allowed dimensions", async () => {
    const body = {
      taskType: "SINGLE_EMBEDDING",
      singleEmbeddingParams: { embeddingPurpose: "GENERIC_INDEX", embeddingDimension: 384, text: { truncationMode: "NONE", value: "hi" } },
    };
    const out = await invoke("amazon.nova-2-multimodal-embeddings-v1:0", body);
    assert.deepEqual(out, { embeddings: [{ embeddingType: "TEXT", embedding: fakeVector("hi", 384) }] });
    await rejects(
      "amazon.nova-2-multimodal-embeddings-v1:0",
      { ...body, taskType: "SEGMENTED_EMBEDDING" },
      /#\/taskType: SEGMENTED_EMBEDDING is not a valid enum value/,
    );
    await rejects(
      "amazon.nova-2-multimodal-embeddings-v1:0",
      { taskType: "SINGLE_EMBEDDING", singleEmbeddingParams: { embeddingPurpose: "GENERIC_INDEX" } },
      /Exactly one of text, image, audio or video/,
    );
    await rejects(
      "amazon.nova-2-multimodal-embeddings-v1:0",
      { taskType: "SINGLE_EMBEDDING", singleEmbeddingParams: { ...body.singleEmbeddingParams, embeddingDimension: 512 } },
      /512 is not a valid enum value/,
    );
  });

  it("Titan Image Generator and Nova Canvas: sizes, counts, prompt limits, base64 PNGs", async () => {
    const body = {
      taskType: "TEXT_IMAGE",
      textToImageParams: { text: "a boat" },
      imageGenerationConfig: { numberOfImages: 2, width: 1152, height: 768, seed: 3 },
    };
    const titan = await invoke("amazon.titan-image-generator-v2:0", body);
    assert.equal(titan.images.length, 2);
    assert.equal(titan.error, null);
    assert.match(fakeImageComment(Buffer.from(titan.images[1], "base64"))!, /"size":"1152x768".*"index":1/);
    await rejects(
      "amazon.titan-image-generator-v2:0",
      { ...body, imageGenerationConfig: { width: 1792, height: 1024 } },
      /1792x1024 is not supported/,
    );
    await rejects(
      "amazon.titan-image-generator-v2:0",
      { ...body, imageGenerationConfig: { numberOfImages: 6 } },
      /6 is not less or equal to 5/,
    );
    await rejects(
      "amazon.titan-image-generator-v2:0",
      { ...body, textToImageParams: { text: "p".repeat(513) } },
      /expected maxLength: 512/,
    );
    await rejects(
      "amazon.titan-image-generator-v2:0",
      { ...body, textToImageParams: { text: "a", style: "PHOTOREALISM" } },
      /extraneous key \[style\]/,
    );
    const nova = await invoke("amazon.nova-canvas-v1:0", {
      ...body,
      textToImageParams: { text: "a boat", style: "PHOTOREALISM" },
      imageGenerationConfig: { width: 1792, height: 1024 },
    });
    assert.equal(nova.images.length, 1);
    await rejects("amazon.nova-canvas-v1:0", { ...body, imageGenerationConfig: { width: 1000, height: 1008 } }, /divisible by 16/);
    await rejects("amazon.nova-canvas-v1:0", { ...body, textToImageParams: { text: "BLOCKED" } }, /blocked by our content filters/);
  });

  it("Stability: aspect ratios, output formats, one image, filter reasons", async () => {
    const out = await invoke("stability.sd3-5-large-v1:0", { prompt: "a tree", aspect_ratio: "16:9", output_format: "jpeg", seed: 9 });
    assert.deepEqual(out.seeds, [9]);
    assert.deepEqual(out.finish_reasons, [null]);
    assert.ok(
      Buffer.from(out.images[0], "base64")
        .subarray(0, 3)
        .equals(Buffer.from([0xff, 0xd8, 0xff])),
    );
    await rejects(
      "stability.stable-image-core-v1:1",
      { prompt: "a tree", aspect_ratio: "4:3" },
      /#\/aspect_ratio: 4:3 is not a valid enum value/,
    );
    await rejects("stability.stable-image-ultra-v1:1", { prompt: "a tree", width: 1024 }, /extraneous key \[width\]/);
    const filtered = await invoke("stability.stable-image-ultra-v1:1", { prompt: "BLOCKED" });
    assert.deepEqual(filtered.finish_reasons, ["Filter reason: prompt"]);
    assert.deepEqual(filtered.images, []);
  });

  it("Rerank: Cohere needs api_version 2; both answer sorted results with original indexes", async () => {
    const docs = ["bananas", "the capital city", "capital of France is Paris"];
    const cohere = await invoke("cohere.rerank-v3-5:0", { query: "capital of France", documents: docs, api_version: 2, top_n: 2 });
    assert.deepEqual(
      cohere.results.map((r: any) => r.index),
      [2, 1],
    );
    assert.equal(typeof cohere.id, "string");
    const amazon = await invoke("amazon.rerank-v1:0", { query: "capital of France", documents: docs });
    assert.deepEqual(
      amazon.results.map((r: any) => r.index),
      [2, 1, 0],
    );
    await rejects("cohere.rerank-v3-5:0", { query: "q", documents: docs }, /required key \[api_version\] not found/);
    await rejects("amazon.rerank-v1:0", { query: "q", documents: [] }, /expected minimum item count: 1/);
  });

  it("sends Bedrock's token-count headers, which the gateway's runtime client reads", async () => {
    const http = new BedrockHttp(
      fake.url,
      createSigV4Signer("us-east-1", async () => TEST_CREDENTIALS),
      { connectMs: 1000, firstByteMs: 5000, idleMs: 5000 },
      { maxElapsedMs: 0, baseDelayMs: 1, maxDelayMs: 1 },
    );
    try {
      const out = await createBedrockRuntime(http).invokeModel("cohere.embed-english-v3", {
        texts: ["abcdefgh", "ijkl"],
        input_type: "search_document",
      });
      assert.equal(out.inputTokens, 3);
      assert.equal(out.outputTokens, 0);
      assert.equal(typeof out.requestId, "string");
    } finally {
      await http.close();
    }
  });
});
