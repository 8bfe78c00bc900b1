// Models served only by Bedrock's OpenAI-compatible endpoints, end to end: the real gateway, its
// real native client and transport, the test double's Mantle and runtime /openai/v1 endpoints,
// and the official `openai` SDK as the client.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI from "openai";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const GPT5 = "openai.gpt-5.5";
const GEMMA = "google.gemma-4-31b";
const KIMI = "moonshotai.kimi-k3";

describe("native endpoints: discovery", () => {
  let gw: TestGateway;
  before(async () => (gw = await startGateway()));
  after(() => gw.close());

  it("lists native-only models with endpoint openai-native and Converse models with endpoint converse", async () => {
    const list = await gw.openai.models.list();
    const byId = new Map(list.data.map((m) => [m.id, m as unknown as { id: string; endpoint: string; owned_by: string }]));
    assert.equal(byId.get(GPT5)?.endpoint, "openai-native");
    assert.equal(byId.get(GPT5)?.owned_by, "openai");
    assert.equal(byId.get(GEMMA)?.endpoint, "openai-native");
    assert.equal(byId.get("anthropic.claude-3-haiku-20240307-v1:0")?.endpoint, "converse");
    // Served by Converse: listed once, under its Converse id.
    assert.equal(byId.get("openai.gpt-oss-120b-1:0")?.endpoint, "converse");
    assert.equal(byId.has("openai.gpt-oss-120b"), false);
    // Claude on Mantle answers only the Anthropic Messages API; Converse serves it.
    assert.equal(byId.has("anthropic.claude-haiku-4-5"), false);
    // The Mantle list was fetched with Mantle's SigV4 signing name.
    assert.equal(gw.fake.native.lastCall("NativeListModels")?.auth, "bedrock-mantle");
  });

  it("a Mantle spelling of a Converse model goes through Converse", async () => {
    gw.fake.reset();
    const res = await gw.openai.chat.completions.create({ model: "openai.gpt-oss-120b", messages: [{ role: "user", content: "hi" }] });
    assert.equal(res.choices[0]!.message.content, "Hello from the Bedrock test double.");
    assert.equal(gw.fake.lastCall("Converse")?.modelId, "openai.gpt-oss-120b-1:0");
    assert.equal(gw.fake.native.calls("NativeChat").length, 0);
  });
});

describe("native endpoints: chat completions", () => {
  let gw: TestGateway;
  before(async () => (gw = await startGateway({ env: { UPSTREAM_RETRY_MAX_TIME: "1s" } })));
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  it("passes a chat request through to Mantle under /v1, with usage in the access log", async () => {
    gw.fake.native.enqueue({ text: "Gemma says hi.", usage: { input: 11, output: 4, cached: 3 } });
    const res = await gw.openai.chat.completions.create({ model: GEMMA, messages: [{ role: "user", content: "hi" }], temperature: 0.2 });
    assert.equal(res.choices[0]!.message.content, "Gemma says hi.");
    assert.equal(res.model, GEMMA);
    const call = gw.fake.native.lastCall("NativeChat")!;
    assert.equal(call.host, "mantle");
    assert.equal(call.path, "/v1/chat/completions");
    assert.equal(call.body.model, GEMMA);
    assert.equal(call.body.temperature, 0.2);
    assert.equal(gw.fake.calls("Converse").length, 0);
    const line = await waitForLog(gw, (l) => l.endpoint === "chat.completions" && l.model === GEMMA);
    assert.equal(line.inputTokens, 8);
    assert.equal(line.outputTokens, 4);
    assert.equal(line.cacheReadTokens, 3);
    assert.equal(line.upstream, "bedrock-mantle");
  });

  it("streams a chat completion through, asking upstream for usage and dropping it when the client did not", async () => {
    gw.fake.native.enqueue({ text: "streamed through the native endpoint", usage: { input: 9, output: 6 } });
    const stream = await gw.openai.chat.completions.create({ model: GEMMA, messages: [{ role: "user", content: "hi" }], stream: true });
    let text = "";
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usageChunks++;
    }
    assert.equal(text, "streamed through the native endpoint");
    assert.equal(usageChunks, 0);
    assert.deepEqual(gw.fake.native.lastCall("NativeChat")!.body.stream_options, { include_usage: true });
    const line = await waitForLog(gw, (l) => l.model === GEMMA && l.stream === true);
    assert.equal(line.inputTokens, 9);
    assert.equal(line.outputTokens, 6);
  });

  it("streams tool calls and the usage chunk when asked", async () => {
    gw.fake.native.enqueue({
      toolCalls: [{ name: "get_weather", arguments: '{"city":"Paris"}', id: "call_w1" }],
      usage: { input: 20, output: 7 },
    });
    const stream = await gw.openai.chat.completions.create({
      model: GEMMA,
      messages: [{ role: "user", content: "weather?" }],
      tools: [
        { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    let args = "";
    let name = "";
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const t of chunk.choices[0]?.delta.tool_calls ?? []) {
        name += t.function?.name ?? "";
        args += t.function?.arguments ?? "";
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(name, "get_weather");
    assert.deepEqual(JSON.parse(args), { city: "Paris" });
    assert.equal(finish, "tool_calls");
    assert.equal(usage?.prompt_tokens, 20);
  });

  it("learns the /openai/v1 prefix of a model Mantle refuses under /v1", async () => {
    const res = await gw.openai.chat.completions.create({ model: KIMI, messages: [{ role: "user", content: "hi" }] });
    assert.equal(res.choices[0]!.message.content, "Hello from the native endpoint of the test double.");
    const calls = gw.fake.native.calls("NativeChat");
    assert.deepEqual(
      calls.map((c) => [c.path, c.status]),
      [
        ["/v1/chat/completions", 400],
        ["/openai/v1/chat/completions", 200],
      ],
    );
    // Learned: the next call goes straight to /openai/v1.
    await gw.openai.chat.completions.create({ model: KIMI, messages: [{ role: "user", content: "again" }] });
    assert.equal(gw.fake.native.calls("NativeChat").length, 3);
    assert.equal(gw.fake.native.lastCall("NativeChat")!.path, "/openai/v1/chat/completions");
  });

  it("translates chat to the Responses API for a Responses-only model (JSON)", async () => {
    gw.fake.native.enqueue({ text: "GPT-5 answer", reasoning: "thought briefly", usage: { input: 30, output: 12, reasoning: 4 } });
    const res = await gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: GPT5,
        messages: [
          { role: "system", content: "be brief" },
          { role: "user", content: "hi" },
        ],
        max_tokens: 50,
        seed: 7,
        reasoning_effort: "low",
      }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-bedrock-gateway-dropped-params"), "seed");
    const body = (await res.json()) as OpenAI.ChatCompletion & { choices: { message: { reasoning_content?: string } }[] };
    assert.equal(body.object, "chat.completion");
    assert.equal(body.choices[0]!.message.content, "GPT-5 answer");
    assert.equal(body.choices[0]!.message.reasoning_content, "thought briefly");
    assert.equal(body.usage?.prompt_tokens, 30);
    const call = gw.fake.native.lastCall("NativeResponses")!;
    assert.equal(call.path, "/openai/v1/responses");
    assert.equal(call.body.max_output_tokens, 50);
    assert.deepEqual(call.body.reasoning, { effort: "low" });
    assert.equal(call.body.store, false);
    assert.deepEqual(call.body.input[0], { role: "system", content: "be brief" });
  });

  it("keeps the dropped-parameters header bounded and header-safe whatever field names the client sends", async () => {
    const body: Record<string, unknown> = { model: GPT5, messages: [{ role: "user", content: "hi" }] };
    for (let i = 0; i < 200; i++) body[`unknown_field_${i}_${"x".repeat(40)}`] = i;
    body["bad\r\nx-injected: 1"] = 1;
    const res = await gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200);
    const header = res.headers.get("x-bedrock-gateway-dropped-params")!;
    assert.ok(header.length <= 1024, `header of ${header.length} bytes`);
    assert.match(header, /\.\.\.\+\d+ more$/);
    assert.equal(res.headers.get("x-injected"), null);
  });

  it("translates a Responses stream into chat chunks for a Responses-only model", async () => {
    gw.fake.native.enqueue({
      text: "streamed GPT-5",
      toolCalls: [{ name: "lookup", arguments: '{"q":"x"}', id: "call_9" }],
      usage: { input: 5, output: 9 },
    });
    const stream = await gw.openai.chat.completions.create({
      model: GPT5,
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let args = "";
    let usage: OpenAI.CompletionUsage | undefined;
    const ids = new Set<string>();
    for await (const chunk of stream) {
      ids.add(chunk.id);
      text += chunk.choices[0]?.delta.content ?? "";
      for (const t of chunk.choices[0]?.delta.tool_calls ?? []) {
        assert.equal(t.index, 0);
        args += t.function?.arguments ?? "";
      }
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, "streamed GPT-5");
    assert.deepEqual(JSON.parse(args), { q: "x" });
    assert.equal(usage?.completion_tokens, 9);
    assert.equal(ids.size, 1);
  });

  it("keeps upstream errors in OpenAI's shape with the gateway's status mapping", async () => {
    gw.fake.native.enqueue({ error: { status: 400, message: "max_tokens is too large for this model", code: "invalid_value" } });
    await assert.rejects(
      gw.openai.chat.completions.create({ model: GEMMA, messages: [{ role: "user", content: "hi" }] }),
      (err: InstanceType<typeof OpenAI.APIError>) => {
        assert.equal(err.status, 400);
        assert.match(err.message, /max_tokens is too large/);
        assert.equal((err.error as { type: string }).type, "invalid_request_error");
        return true;
      },
    );
    // Throttling is retried before the first byte, then reported as a 429 in OpenAI's shape.
    gw.fake.native.setDefault({ error: { status: 429, message: "Too many requests, please wait.", type: "rate_limit_error" } });
    const res = await gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: GEMMA, messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("x-should-retry"), "true");
    const body = (await res.json()) as { error: { type: string; message: string } };
    assert.equal(body.error.type, "rate_limit_error");
    assert.match(body.error.message, /Too many requests/);
    assert.ok(gw.fake.native.calls("NativeChat").length >= 2, "retried before answering");
  });

  it("closes a broken stream with an error event the SDK raises", async () => {
    gw.fake.native.enqueue({ text: "this will be cut off halfway", stream: { cutAfter: 3 } });
    const stream = await gw.openai.chat.completions.create({ model: GEMMA, messages: [{ role: "user", content: "hi" }], stream: true });
    await assert.rejects(
      async () => {
        for await (const _ of stream);
      },
      (err: Error) => err instanceof OpenAI.APIError,
    );
  });

  it("aborts the upstream stream when the client goes away, and records an estimate", async () => {
    gw.fake.native.enqueue({ text: "a long answer that never finishes", stream: { hangAfter: 3 } });
    const ac = new AbortController();
    const res = await gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "native-abort-1" },
      body: JSON.stringify({ model: GEMMA, messages: [{ role: "user", content: "tell me everything" }], stream: true }),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    const leftAt = Date.now();
    ac.abort();
    const call = gw.fake.native.lastCall("NativeChat")!;
    const end = Date.now() + 2000;
    while (call.clientClosedAt === undefined && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.ok(
      call.clientClosedAt !== undefined && call.clientClosedAt - leftAt < 1000,
      "the upstream connection was closed within a second",
    );
    const line = await waitForLog(gw, (l) => l.requestId === "native-abort-1");
    assert.equal(line.aborted, true);
    assert.ok(Number(line.inputTokens) > 0);
  });

  it("never lets the client choose the upstream model or the stream mode through the body", async () => {
    await gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: GEMMA,
        messages: [{ role: "user", content: "hi" }],
        extra_body: { model: "openai.gpt-5.5" },
        store: true,
        stream_options: { include_usage: false },
      }),
    });
    const call = gw.fake.native.lastCall("NativeChat")!;
    assert.equal(call.body.model, GEMMA);
    assert.equal(call.body.stream, false);
    assert.equal(call.body.store, undefined);
    assert.equal(call.body.extra_body, undefined);
  });

  it("inlines image URLs as data before forwarding, with the SSRF guard applied", async () => {
    const res = await gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: GEMMA,
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "what is this" },
              { type: "image_url", image_url: { url: "http://169.254.169.254/latest/meta-data/x.png" } },
            ],
          },
        ],
      }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; param: string } };
    assert.equal(body.error.code, "invalid_image_url");
    assert.equal(gw.fake.native.calls("NativeChat").length, 0);
  });

  it("answers 400 naming the endpoint to use on /v1/messages", async () => {
    const res = await gw.request("/v1/messages", {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: GEMMA, max_tokens: 100, messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, "error");
    assert.match(body.error.message, /\/v1\/chat\/completions/);
  });

  it("requires the client's key like every other route", async () => {
    const res = await gw.request("/v1/chat/completions", {
      method: "POST",
      noAuth: true,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: GEMMA, messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(res.status, 401);
    assert.equal(gw.fake.native.calls("NativeChat").length, 0);
    const wrong = new OpenAI({ baseURL: gw.baseURL, apiKey: "sk-wrong", maxRetries: 0 });
    await assert.rejects(
      wrong.chat.completions.create({ model: GEMMA, messages: [{ role: "user", content: "hi" }] }),
      (e: InstanceType<typeof OpenAI.APIError>) => e.status === 401,
    );
    assert.equal(TEST_API_KEY.length > 0, true);
  });
});

async function waitForLog(
  gw: TestGateway,
  pred: (l: Record<string, unknown>) => boolean,
  timeoutMs = 3000,
): Promise<Record<string, unknown>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const hit = gw.logs.findLast((l) => l.msg === "request" && pred(l)) ?? gw.logs.findLast((l) => pred(l) && "latencyMs" in l);
    if (hit) return hit;
    if (Date.now() > end) throw new Error("no matching access-log line");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("native endpoints: image URLs fetched by the gateway", () => {
  const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
  let gw: TestGateway;
  let server: import("node:http").Server;
  let base: string;
  before(async () => {
    const { createServer } = await import("node:http");
    server = createServer((req, res) =>
      req.url === "/cat.png" ? res.writeHead(200, { "content-type": "image/png" }).end(PNG) : res.writeHead(404).end(),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as import("node:net").AddressInfo).port}`;
    gw = await startGateway({ env: { ALLOW_PRIVATE_IMAGE_URLS: "true" } });
  });
  after(async () => {
    await gw.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("sends the fetched bytes as a data URL, on chat pass-through and on Responses", async () => {
    await gw.openai.chat.completions.create({
      model: GEMMA,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "what?" },
            { type: "image_url", image_url: { url: `${base}/cat.png` } },
          ],
        },
      ],
    });
    const part = gw.fake.native.lastCall("NativeChat")!.body.messages[0].content[1];
    assert.equal(part.image_url.url, `data:image/png;base64,${PNG.toString("base64")}`);
    await gw.openai.responses.create({
      model: GPT5,
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "what?" },
            { type: "input_image", image_url: `${base}/cat.png`, detail: "auto" },
          ],
        },
      ],
    });
    const item = gw.fake.native.lastCall("NativeResponses")!.body.input[0];
    assert.equal(item.content[1].image_url, `data:image/png;base64,${PNG.toString("base64")}`);
  });
});
