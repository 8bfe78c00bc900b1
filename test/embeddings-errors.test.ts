// Every way an embeddings request can be wrong gets a 400 (or Bedrock's mapped status) in
// OpenAI's error shape, and the SDK raises the matching error class.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI from "openai";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const TITAN_V2 = "amazon.titan-embed-text-v2:0";

async function expectError(gw: TestGateway, body: unknown, status: number, code: string | null, param?: string | null) {
  const res = await gw.request("/v1/embeddings", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  assert.equal(res.status, status, text);
  const json = JSON.parse(text);
  assert.deepEqual(openaiSchemaErrors("ErrorResponse", json), [], text);
  if (code !== null) assert.equal(json.error.code, code, text);
  if (param !== undefined) assert.equal(json.error.param, param, text);
  assert.doesNotMatch(text, /at .*\.ts:\d+|node_modules/, "no stack traces");
  return json.error as { message: string; type: string; param: string | null; code: string | null };
}

describe("embeddings errors", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { UPSTREAM_RETRY_MAX_TIME: "0" } });
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  it("400 for empty input in every form", async () => {
    await expectError(gw, { model: TITAN_V2, input: "" }, 400, "invalid_value", "input");
    await expectError(gw, { model: TITAN_V2, input: [] }, 400, "invalid_value", "input");
    await expectError(gw, { model: TITAN_V2, input: ["ok", ""] }, 400, "invalid_value", "input[1]");
    await expectError(gw, { model: TITAN_V2, input: [[1, 2], []] }, 400, "invalid_value", "input[1]");
    await expectError(gw, { model: TITAN_V2 }, 400, "missing_required_parameter", "input");
    assert.equal(gw.fake.calls("InvokeModel").length, 0);
  });

  it("400 for inputs of the wrong shape", async () => {
    await expectError(gw, { model: TITAN_V2, input: 42 }, 400, "invalid_type", "input");
    await expectError(gw, { model: TITAN_V2, input: ["text", 5] }, 400, "invalid_type", "input[1]");
    await expectError(gw, { model: TITAN_V2, input: [1, -2] }, 400, "invalid_type", "input[1]");
    await expectError(gw, { model: TITAN_V2, input: [[1, 2.5]] }, 400, "invalid_type", "input[0][1]");
    await expectError(gw, { model: TITAN_V2, input: [{ text: "x" }] }, 400, "invalid_type", "input[0]");
  });

  it("400 for more than 2048 inputs", async () => {
    const e = await expectError(gw, { model: TITAN_V2, input: Array.from({ length: 2049 }, () => "x") }, 400, "invalid_value", "input");
    assert.match(e.message, /2049 items; at most 2048/);
  });

  it("400 for input longer than the model accepts, from the gateway or from Bedrock", async () => {
    // Titan V2 documents 50,000 characters: refused before any call.
    const e = await expectError(gw, { model: TITAN_V2, input: ["short", "y".repeat(50_001)] }, 400, "context_length_exceeded", "input[1]");
    assert.match(e.message, /50001 characters.*at most 50000/);
    // Cohere v3: 2,048 characters per text.
    await expectError(gw, { model: "cohere.embed-english-v3", input: ["z".repeat(2049)] }, 400, "context_length_exceeded", "input[0]");
    assert.equal(gw.fake.calls("InvokeModel").length, 0);
    // Titan G1 has only a token limit, which Bedrock enforces: its ValidationException is a 400.
    const bedrock = await expectError(gw, { model: "amazon.titan-embed-text-v1", input: "w".repeat(40_000) }, 400, "invalid_request");
    assert.match(bedrock.message, /Too many input tokens/);
    assert.equal(gw.fake.lastCall("InvokeModel")?.status, 400);
  });

  it("400 when a chat or image model is used for embeddings, 404 for an unknown model", async () => {
    const chat = await expectError(gw, { model: "amazon.nova-lite-v1:0", input: "x" }, 400, "model_not_supported", "model");
    assert.match(chat.message, /chat model.*\/v1\/chat\/completions/);
    const image = await expectError(gw, { model: "amazon.nova-canvas-v1:0", input: "x" }, 400, "model_not_supported", "model");
    assert.match(image.message, /image model.*\/v1\/images\/generations/);
    await expectError(gw, { model: "cohere.rerank-v3-5:0", input: "x" }, 400, "model_not_supported", "model");
    await expectError(gw, { model: "no-such-embedder", input: "x" }, 404, "model_not_found", "model");
    const arn = await expectError(
      gw,
      { model: "arn:aws:bedrock:us-east-1:111122223333:provisioned-model/abc123", input: "x" },
      400,
      "model_not_supported",
      "model",
    );
    assert.match(arn.message, /no embeddings mapping/);
    assert.equal(gw.fake.calls("InvokeModel").length, 0);
    await assert.rejects(gw.openai.embeddings.create({ model: "amazon.nova-lite-v1:0", input: "x" }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.BadRequestError);
      return true;
    });
  });

  it("400 for unknown or invalid parameters", async () => {
    await expectError(gw, { model: TITAN_V2, input: "x", encoding_format: "int8" }, 400, "invalid_value", "encoding_format");
    await expectError(gw, { model: TITAN_V2, input: "x", dimensions: "256" }, 400, "invalid_type", "dimensions");
    await expectError(gw, { model: TITAN_V2, input: "x", dimensions: 0 }, 400, "invalid_value", "dimensions");
    await expectError(gw, { model: TITAN_V2, input: "x", truncate: "END" }, 400, "unknown_parameter", "truncate");
    await expectError(gw, { model: TITAN_V2, input: "x", token_encoding: "p50k_base" }, 400, "invalid_value", "token_encoding");
    await expectError(gw, "{not json", 400, "invalid_json");
    await expectError(gw, "[1,2]", 400, "invalid_type");
    // OpenAI SDKs may send null for "not set".
    const ok = await gw.request("/v1/embeddings", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: TITAN_V2, input: "x", dimensions: null, encoding_format: null, user: "u1" }),
    });
    assert.equal(ok.status, 200);
  });

  it("405 with Allow for GET /v1/embeddings", async () => {
    const res = await gw.request("/v1/embeddings");
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "POST");
  });

  it("maps Bedrock errors: throttling → 429, access denied → 403, a broken body → 502", async () => {
    gw.fake.onInvoke(() => ({
      error: { exception: "ThrottlingException", message: "Too many requests, please wait before trying again.", status: 429 },
    }));
    const throttled = await gw.request("/v1/embeddings", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: TITAN_V2, input: ["a", "b", "c"] }),
    });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get("x-should-retry"), "true");
    assert.equal(((await throttled.json()) as any).error.code, "rate_limit_exceeded");

    gw.fake.onInvoke(() => ({
      error: {
        exception: "AccessDeniedException",
        message: "You don't have access to the model with the specified model ID.",
        status: 403,
      },
    }));
    await expectError(gw, { model: TITAN_V2, input: "x" }, 403, "bedrock_access_denied");

    gw.fake.onInvoke(() => ({ body: { vector: [1, 2, 3] } }));
    await expectError(gw, { model: TITAN_V2, input: "x" }, 502, "upstream_invalid_response");
    gw.fake.onInvoke(() => ({ body: { id: "x", embeddings: { float: [[0.1]] }, texts: ["a"] } }));
    const short = await expectError(gw, { model: "cohere.embed-english-v3", input: ["a", "b"] }, 502, "upstream_invalid_response");
    assert.match(short.message, /1 embeddings for 2 inputs/);
  });

  it("stops sending further calls once one call of the fan-out failed", async () => {
    let n = 0;
    gw.fake.onInvoke(() => {
      n++;
      return n === 3
        ? { error: { exception: "ValidationException", message: "Malformed input request: bad", status: 400 } }
        : { body: { embedding: [0.5], inputTextTokenCount: 1 } };
    });
    await expectError(gw, { model: TITAN_V2, input: Array.from({ length: 200 }, (_, i) => `t${i}`) }, 400, "invalid_request");
    assert.ok(gw.fake.calls("InvokeModel").length < 200, `sent ${gw.fake.calls("InvokeModel").length} calls`);
  });
});
