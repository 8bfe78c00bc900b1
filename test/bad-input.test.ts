// The bad-input matrix: every way a request can be wrong gets the right status and OpenAI's
// error shape, with x-request-id, and nothing else leaks (no stack, no internals, no key).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

async function expectError(res: Response, status: number, code: string | null) {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  assert.ok(res.headers.get("x-request-id"), "x-request-id on error responses");
  const body = JSON.parse(text);
  assert.deepEqual(openaiSchemaErrors("ErrorResponse", body), [], text);
  assert.deepEqual(Object.keys(body), ["error"]);
  assert.deepEqual(Object.keys(body.error).sort(), ["code", "message", "param", "type"]);
  if (code !== null) assert.equal(body.error.code, code);
  assert.doesNotMatch(text, /at .*\.ts:\d+|node_modules|Error:|stack/i, "no stack traces");
  assert.ok(!text.includes(TEST_API_KEY), "the key never appears in a response");
  return body.error as { message: string; type: string; param: string | null; code: string | null };
}

describe("bad input", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { MAX_REQUEST_BODY: "64KiB" } });
  });
  after(() => gw.close());

  it("401 without a key", async () => {
    const e = await expectError(await gw.request("/v1/models", { noAuth: true }), 401, "missing_api_key");
    assert.equal(e.type, "authentication_error");
  });

  it("401 with a wrong key, as Bearer or as x-api-key", async () => {
    await expectError(await gw.request("/v1/models", { headers: { authorization: "Bearer sk-wrong" } }), 401, "invalid_api_key");
    await expectError(await gw.request("/v1/models", { noAuth: true, headers: { "x-api-key": "sk-wrong" } }), 401, "invalid_api_key");
    await expectError(await gw.request("/v1/models", { headers: { authorization: `Basic ${TEST_API_KEY}` } }), 401, "missing_api_key");
  });

  it("accepts the key as x-api-key (Anthropic clients)", async () => {
    const res = await gw.request("/v1/models", { noAuth: true, headers: { "x-api-key": TEST_API_KEY } });
    assert.equal(res.status, 200);
  });

  it("404 for an unknown route, authenticated or not", async () => {
    const e = await expectError(await gw.request("/v1/nope"), 404, "unknown_url");
    assert.match(e.message, /GET \/v1\/nope/);
    await expectError(await gw.request("/favicon.ico", { noAuth: true }), 404, "unknown_url");
  });

  it("405 with Allow for a known route with the wrong method", async () => {
    const res = await gw.request("/v1/models", { method: "DELETE" });
    assert.equal(res.headers.get("allow"), "GET");
    await expectError(res, 405, "method_not_allowed");
  });

  it("404 for an unknown model", async () => {
    const e = await expectError(await gw.request("/v1/models/gpt-imaginary"), 404, "model_not_found");
    assert.match(e.message, /gpt-imaginary/);
  });

  const post = (body: RequestInit["body"], headers: Record<string, string> = { "content-type": "application/json" }) =>
    gw.request("/v1/chat/completions", { method: "POST", headers, body, duplex: "half" });

  it("400 for malformed JSON, an empty body and a body that is not an object", async () => {
    const e = await expectError(await post('{"model": "x", "messages": ['), 400, "invalid_json");
    assert.equal(e.type, "invalid_request_error");
    await expectError(await post(""), 400, "invalid_json");
    await expectError(await post("[1,2]"), 400, "invalid_type");
  });

  it("400 naming the parameter for a missing or invalid field", async () => {
    const missing = await expectError(await post(JSON.stringify({ model: "amazon.nova-lite-v1:0" })), 400, "missing_required_parameter");
    assert.equal(missing.param, "messages");
    const bad = await expectError(
      await post(JSON.stringify({ model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "x" }], temperature: 5 })),
      400,
      "invalid_value",
    );
    assert.equal(bad.param, "temperature");
    const role = await expectError(
      await post(JSON.stringify({ model: "amazon.nova-lite-v1:0", messages: [{ role: "robot", content: "x" }] })),
      400,
      null,
    );
    assert.match(role.param ?? "", /^messages\[0\]/);
  });

  it("413 for a body over the limit, declared or chunked", async () => {
    const big = JSON.stringify({ model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "x".repeat(70_000) }] });
    await expectError(await post(big), 413, "request_too_large");
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    await expectError(await post(chunked), 413, "request_too_large");
  });

  it("415 for a body that is not JSON", async () => {
    await expectError(await post("model=x", { "content-type": "application/x-www-form-urlencoded" }), 415, "unsupported_media_type");
  });

  it("404 for an unknown model on chat completions", async () => {
    const e = await expectError(
      await post(JSON.stringify({ model: "no-such-model", messages: [{ role: "user", content: "x" }] })),
      404,
      "model_not_found",
    );
    assert.equal(e.param, "model");
  });

  it("405 for GET on chat completions", async () => {
    await expectError(await gw.request("/v1/chat/completions"), 405, "method_not_allowed");
  });

  it("only /health is open without a key", async () => {
    const res = await gw.request("/health", { noAuth: true });
    assert.equal(res.status, 200);
    const body: any = await res.json();
    assert.equal(body.status, "ok");
    assert.equal(body.models.loaded, true);
    assert.ok(body.models.count > 20);
    assert.ok(!Number.isNaN(Date.parse(body.models.lastRefresh)));
  });

  it("echoes a sane x-request-id and replaces an unsafe one", async () => {
    const ok = await gw.request("/v1/models", { headers: { "x-request-id": "client-req-42" } });
    assert.equal(ok.headers.get("x-request-id"), "client-req-42");
    const bad = await gw.request("/v1/models", { headers: { "x-request-id": "x".repeat(300) } });
    assert.match(bad.headers.get("x-request-id") ?? "", /^req_[0-9a-f]{32}$/);
  });

  it("logs one line per request with the fields operators need, and never the key", async () => {
    await gw.request("/v1/models", { headers: { "x-request-id": "log-check-1" } });
    const line = gw.logs.find((l) => l.requestId === "log-check-1");
    assert.ok(line);
    assert.equal(line.method, "GET");
    assert.equal(line.path, "/v1/models");
    assert.equal(line.status, 200);
    assert.equal(typeof line.latencyMs, "number");
    assert.equal(line.keyId, "static", "the configured key's id is derived from nothing secret");
    assert.ok(!gw.logText().includes(TEST_API_KEY));
  });

  it("sends no CORS headers unless origins are configured", async () => {
    const res = await gw.request("/v1/models", { headers: { origin: "https://evil.example" } });
    assert.equal(res.headers.get("access-control-allow-origin"), null);
  });
});

describe("CORS when configured", () => {
  it("answers preflight for allowed origins only", async () => {
    const gw = await startGateway({ env: { ALLOWED_ORIGINS: "https://app.example" } });
    try {
      const pre = await gw.request("/v1/models", {
        method: "OPTIONS",
        noAuth: true,
        headers: { origin: "https://app.example", "access-control-request-method": "GET" },
      });
      assert.equal(pre.headers.get("access-control-allow-origin"), "https://app.example");
      const other = await gw.request("/v1/models", { headers: { origin: "https://evil.example" } });
      assert.equal(other.headers.get("access-control-allow-origin"), null);
    } finally {
      await gw.close();
    }
  });
});
