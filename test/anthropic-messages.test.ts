// The Anthropic Messages API through the official @anthropic-ai/sdk against the test double.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { text, thinking, toolUse } from "./fake-bedrock/fake-bedrock.ts";
import { anthropicSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const CLAUDE = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const weather = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** Raw SSE of a streaming request, parsed into [event line, data] pairs. */
async function rawEvents(gw: TestGateway, body: object): Promise<[string, any][]> {
  const res = await gw.request("/v1/messages?beta=true", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      "anthropic-beta": "claude-code-20250219,made-up-beta-2099",
    },
    body: JSON.stringify({ ...body, stream: true }),
  });
  assert.equal(res.status, 200);
  const out: [string, any][] = [];
  for (const frame of (await res.text()).split("\n\n")) {
    const ev = /^event: (.*)$/m.exec(frame)?.[1];
    const data = /^data: (.*)$/m.exec(frame)?.[1];
    if (ev && data) out.push([ev, JSON.parse(data)]);
  }
  return out;
}

describe("Anthropic Messages API", () => {
  let gw: TestGateway;
  let client: Anthropic;
  before(async () => {
    gw = await startGateway({
      env: { MODEL_ALIASES: "claude-sonnet-4-5=anthropic.claude-sonnet-4-5-20250929-v1:0", SSE_KEEPALIVE_INTERVAL: "100ms" },
    });
    client = new Anthropic({ baseURL: gw.url, apiKey: TEST_API_KEY, maxRetries: 0, timeout: 30_000 });
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  it("creates a message in Anthropic's shape, with request-id", async () => {
    gw.fake.enqueue({ content: [text("Bonjour !")], usage: { inputTokens: 11, outputTokens: 3, cacheReadInputTokens: 100 } });
    const { data, response } = await client.messages
      .create({ model: "claude-sonnet-4-5", max_tokens: 200, system: "Answer in French.", messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    assert.match(data.id, /^msg_/);
    assert.equal(data.model, "claude-sonnet-4-5", "model as requested");
    assert.deepEqual(data.content, [{ type: "text", text: "Bonjour !", citations: null }]);
    assert.equal(data.stop_reason, "end_turn");
    assert.deepEqual(
      [data.usage.input_tokens, data.usage.output_tokens, data.usage.cache_read_input_tokens, data.usage.cache_creation_input_tokens],
      [11, 3, 100, 0],
    );
    assert.ok(response.headers.get("request-id"));
    assert.deepEqual(anthropicSchemaErrors("Message", data), []);
    const sent = gw.fake.lastCall()!;
    assert.equal(sent.modelId, "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert.deepEqual(sent.body.system, [{ text: "Answer in French." }]);
    assert.equal(sent.body.inferenceConfig.maxTokens, 200);
  });

  it("streams Anthropic's SSE exactly: event lines equal data.type, dense block indexes", async () => {
    gw.fake.enqueue({
      content: [thinking("Let me think."), text("Here you go."), toolUse("get_weather", { city: "Paris" })],
      usage: { inputTokens: 40, outputTokens: 12 },
    });
    const events = await rawEvents(gw, {
      model: CLAUDE,
      max_tokens: 4000,
      thinking: { type: "enabled", budget_tokens: 1024 },
      tools: [weather],
      messages: [{ role: "user", content: "Weather?" }],
    });
    for (const [name, data] of events) {
      assert.equal(name, data.type);
      assert.deepEqual(anthropicSchemaErrors("MessageStreamEvent", data), [], JSON.stringify(data));
    }
    const types = events.map(([n]) => n).filter((n) => n !== "ping");
    assert.equal(types[0], "message_start");
    assert.deepEqual(types.slice(-2), ["message_delta", "message_stop"]);
    const starts = events.filter(([n]) => n === "content_block_start").map(([, d]) => [d.index, d.content_block.type]);
    assert.deepEqual(starts, [
      [0, "thinking"],
      [1, "text"],
      [2, "tool_use"],
    ]);
    const deltaTypes = new Set(events.filter(([n]) => n === "content_block_delta").map(([, d]) => d.delta.type));
    assert.deepEqual([...deltaTypes].sort(), ["input_json_delta", "signature_delta", "text_delta", "thinking_delta"]);
    assert.equal(events.filter(([n]) => n === "content_block_stop").length, 3);
    const md = events.find(([n]) => n === "message_delta")![1];
    assert.equal(md.delta.stop_reason, "tool_use");
    assert.equal(md.usage.input_tokens, 40);
    assert.equal(md.usage.output_tokens, 12);
  });

  it("the SDK assembles streamed thinking, text and tool input", async () => {
    gw.fake.enqueue({ content: [thinking("Plan it."), toolUse("get_weather", { city: "Oslo" })], stream: { toolChunk: 3 } });
    const final = await client.messages
      .stream({
        model: CLAUDE,
        max_tokens: 4000,
        thinking: { type: "enabled", budget_tokens: 1024 },
        tools: [weather],
        messages: [{ role: "user", content: "x" }],
      })
      .finalMessage();
    assert.equal(final.content[0]!.type, "thinking");
    assert.ok((final.content[0] as Anthropic.ThinkingBlock).signature.length > 10);
    assert.deepEqual((final.content[1] as Anthropic.ToolUseBlock).input, { city: "Oslo" });
  });

  it("round-trips tools, with string and block results and is_error", async () => {
    gw.fake.enqueue(
      { content: [toolUse("get_weather", { city: "Paris" }), toolUse("get_weather", { city: "Rome" })] },
      { content: [text("Paris is sunny; Rome failed.")] },
    );
    const first = await client.messages.create({
      model: CLAUDE,
      max_tokens: 500,
      tools: [weather],
      messages: [{ role: "user", content: "Paris and Rome?" }],
    });
    assert.equal(first.stop_reason, "tool_use");
    const [a, b] = first.content as Anthropic.ToolUseBlock[];
    const second = await client.messages.create({
      model: CLAUDE,
      max_tokens: 500,
      tools: [weather],
      messages: [
        { role: "user", content: "Paris and Rome?" },
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: a!.id, content: "sunny" },
            { type: "tool_result", tool_use_id: b!.id, content: [{ type: "text", text: "service down" }], is_error: true },
          ],
        },
      ],
    });
    assert.equal(second.content[0]!.type, "text");
    const results = gw.fake.lastCall()!.body.messages[2].content;
    assert.deepEqual(results[0], { toolResult: { toolUseId: a!.id, content: [{ text: "sunny" }] } });
    assert.deepEqual(results[1], { toolResult: { toolUseId: b!.id, content: [{ text: "service down" }], status: "error" } });
  });

  it("maps every tool_choice", async () => {
    const ask = (tool_choice: Anthropic.ToolChoice) =>
      client.messages.create({ model: CLAUDE, max_tokens: 100, tools: [weather], tool_choice, messages: [{ role: "user", content: "x" }] });
    gw.fake.setDefault({ content: [toolUse("get_weather", { city: "x" })] });
    await ask({ type: "auto" });
    assert.deepEqual(gw.fake.lastCall()!.body.toolConfig.toolChoice, { auto: {} });
    await ask({ type: "any" });
    assert.deepEqual(gw.fake.lastCall()!.body.toolConfig.toolChoice, { any: {} });
    await ask({ type: "tool", name: "get_weather" });
    assert.deepEqual(gw.fake.lastCall()!.body.toolConfig.toolChoice, { tool: { name: "get_weather" } });
    gw.fake.setDefault({ content: [text("no tools")] });
    await ask({ type: "none" });
    assert.equal(gw.fake.lastCall()!.body.toolConfig, undefined);
  });

  it("returns thinking with its signature even with display omitted, and accepts it back on the next tool turn", async () => {
    gw.fake.enqueue(
      { content: [thinking("Need the weather tool."), toolUse("get_weather", { city: "Lima" })] },
      { content: [text("Lima: cloudy.")] },
    );
    const params = {
      model: CLAUDE,
      max_tokens: 32_000,
      thinking: { type: "enabled" as const, budget_tokens: 31_999, display: "omitted" },
      tools: [weather],
    };
    const first = await client.messages.create({ ...params, messages: [{ role: "user", content: "Lima?" }] } as any);
    const th = first.content[0] as Anthropic.ThinkingBlock;
    assert.equal(th.thinking, "Need the weather tool.");
    assert.deepEqual(
      gw.fake.lastCall()!.body.additionalModelRequestFields.thinking,
      { type: "enabled", budget_tokens: 31_999 },
      "display is not sent to Bedrock",
    );
    const tu = first.content[1] as Anthropic.ToolUseBlock;
    const second = await client.messages.create({
      ...params,
      messages: [
        { role: "user", content: "Lima?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: tu.id, content: "cloudy" }] },
      ],
    } as any);
    assert.deepEqual(second.content, [{ type: "text", text: "Lima: cloudy.", citations: null }]);
  });

  it("maps adaptive thinking for budget models and sends no thinking to non-Claude models", async () => {
    await client.messages.create({
      model: CLAUDE,
      max_tokens: 32_000,
      thinking: { type: "adaptive" },
      output_config: { effort: "high" },
      messages: [{ role: "user", content: "x" }],
    } as any);
    assert.equal(gw.fake.lastCall()!.body.additionalModelRequestFields.thinking.type, "enabled");
    const res = await client.messages
      .create({
        model: "us.amazon.nova-pro-v1:0",
        max_tokens: 32_000,
        thinking: { type: "adaptive" },
        messages: [{ role: "user", content: "x" }],
      } as any)
      .withResponse();
    const body = gw.fake.lastCall()!.body;
    assert.equal(body.additionalModelRequestFields, undefined);
    assert.equal(body.inferenceConfig.maxTokens, 10_000, "clamped to Nova's limit");
    assert.match(res.response.headers.get("x-bedrock-gateway-max-tokens")!, /32000.*10000/);
  });

  it("folds role:system messages into the system prompt, drops unknown tool fields and context_management", async () => {
    const res = await gw.request("/v1/messages?beta=true", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "us.amazon.nova-pro-v1:0",
        max_tokens: 100,
        system: [{ type: "text", text: "You are Claude Code.", cache_control: { type: "ephemeral" } }],
        tools: [{ ...weather, defer_loading: true }],
        context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
        metadata: { user_id: '{"device_id":"abc","session":"s1"}' },
        messages: [
          { role: "user", content: "hi" },
          { role: "system", content: "<env>cwd=/tmp</env>" },
        ],
      }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-bedrock-gateway-dropped-params"), "context_management");
    const body = gw.fake.lastCall()!.body;
    assert.deepEqual(body.system, [{ text: "You are Claude Code." }, { cachePoint: { type: "default" } }, { text: "<env>cwd=/tmp</env>" }]);
    assert.deepEqual(Object.keys(body.toolConfig.tools[0].toolSpec).sort(), ["description", "inputSchema", "name"]);
    assert.match(body.requestMetadata.user_id, /device_id/);
  });

  it("refuses server tools Bedrock cannot run with a clear 400", async () => {
    await assert.rejects(
      client.messages.create({
        model: CLAUDE,
        max_tokens: 100,
        tools: [{ type: "web_search_20250305", name: "web_search" } as any],
        messages: [{ role: "user", content: "x" }],
      }),
      (e: unknown) =>
        e instanceof Anthropic.BadRequestError && /web_search/.test(e.message) && (e.error as any).error.type === "invalid_request_error",
    );
  });

  it("places cache points from cache_control and reports cache usage", async () => {
    gw.fake.enqueue({ content: [text("ok")], usage: { inputTokens: 5, outputTokens: 1, cacheWriteInputTokens: 2048 } });
    const msg = await client.messages.create({
      model: CLAUDE,
      max_tokens: 100,
      system: [{ type: "text", text: "big system", cache_control: { type: "ephemeral", ttl: "1h" } }],
      tools: [{ ...weather, cache_control: { type: "ephemeral" } }],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "doc", cache_control: { type: "ephemeral" } },
            { type: "text", text: "q" },
          ],
        },
      ],
    });
    const body = gw.fake.lastCall()!.body;
    assert.deepEqual(body.system[1], { cachePoint: { type: "default", ttl: "1h" } });
    assert.deepEqual(body.toolConfig.tools[1], { cachePoint: { type: "default" } });
    assert.deepEqual(body.messages[0].content[1], { cachePoint: { type: "default" } });
    assert.equal(msg.usage.cache_creation_input_tokens, 2048);
  });

  it("sends images and documents", async () => {
    await client.messages.create({
      model: CLAUDE,
      max_tokens: 100,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            {
              type: "document",
              source: { type: "base64", media_type: "application/pdf", data: Buffer.from("%PDF-1.4 x").toString("base64") },
              title: "Annual report 2025.pdf",
              citations: { enabled: true },
            },
            { type: "document", source: { type: "text", media_type: "text/plain", data: "plain notes" } },
            { type: "text", text: "Summarise" },
          ],
        },
      ],
    });
    const c = gw.fake.lastCall()!.body.messages[0].content;
    assert.equal(c[0].image.format, "png");
    assert.deepEqual([c[1].document.format, c[1].document.name, c[1].document.citations], ["pdf", "Annual report 2025", { enabled: true }]);
    assert.deepEqual(c[2].document.source, { text: "plain notes" });
  });

  it("passes stop_sequences and reports the one that matched", async () => {
    gw.fake.enqueue({
      content: [text("one two")],
      stopReason: "stop_sequence",
      extra: { additionalModelResponseFields: { stop_sequence: "THREE" } },
    });
    const msg = await client.messages.create({
      model: CLAUDE,
      max_tokens: 100,
      stop_sequences: ["THREE"],
      messages: [{ role: "user", content: "count" }],
    });
    assert.deepEqual(gw.fake.lastCall()!.body.inferenceConfig.stopSequences, ["THREE"]);
    assert.equal(msg.stop_reason, "stop_sequence");
    assert.equal(msg.stop_sequence, "THREE");
  });

  it("reports max_tokens and refusal stop reasons", async () => {
    gw.fake.enqueue(
      { content: [text("cut")], stopReason: "max_tokens" },
      { content: [text("blocked")], stopReason: "guardrail_intervened" },
    );
    assert.equal(
      (await client.messages.create({ model: CLAUDE, max_tokens: 5, messages: [{ role: "user", content: "x" }] })).stop_reason,
      "max_tokens",
    );
    assert.equal(
      (await client.messages.create({ model: CLAUDE, max_tokens: 5, messages: [{ role: "user", content: "x" }] })).stop_reason,
      "refusal",
    );
  });

  it("counts tokens with Bedrock CountTokens for Claude, and estimates for others", async () => {
    const exact = await client.messages.countTokens({
      model: CLAUDE,
      system: "sys",
      messages: [{ role: "user", content: "hello world, count me" }],
    });
    assert.ok(exact.input_tokens > 0);
    assert.deepEqual(anthropicSchemaErrors("CountMessageTokensResponse", exact), []);
    assert.equal(gw.fake.lastCall("CountTokens")!.modelId, "anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert.equal(gw.fake.calls("Converse").length, 0, "never runs the model");
    const res = await gw.request("/v1/messages/count_tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "us.amazon.nova-pro-v1:0", messages: [{ role: "user", content: "x".repeat(400) }] }),
    });
    assert.equal(res.headers.get("x-bedrock-gateway-token-count"), "estimated");
    assert.equal(((await res.json()) as any).input_tokens, 100);
  });

  it("answers every error in Anthropic's shape with the right type", async () => {
    const expectErr = async (p: Promise<unknown>, status: number, type: string) => {
      await assert.rejects(p, (e: unknown) => {
        assert.ok(e instanceof Anthropic.APIError);
        assert.equal(e.status, status);
        assert.equal(e.error.type, "error");
        assert.equal(e.error.error.type, type);
        assert.deepEqual(anthropicSchemaErrors("ErrorResponse", e.error), []);
        return true;
      });
    };
    const call = () => client.messages.create({ model: CLAUDE, max_tokens: 10, messages: [{ role: "user", content: "x" }] });
    await expectErr(
      new Anthropic({ baseURL: gw.url, apiKey: "wrong", maxRetries: 0 }).messages.create({
        model: CLAUDE,
        max_tokens: 10,
        messages: [{ role: "user", content: "x" }],
      }),
      401,
      "authentication_error",
    );
    await expectErr(
      client.messages.create({ model: CLAUDE, messages: [{ role: "user", content: "x" }] } as any),
      400,
      "invalid_request_error",
    );
    await expectErr(
      client.messages.create({ model: "claude-nope", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
      404,
      "not_found_error",
    );
    gw.fake.enqueue({ error: { exception: "AccessDeniedException", message: "no access" } });
    await expectErr(call(), 403, "permission_error");
    gw.fake.setDefault({ error: { exception: "ThrottlingException", message: "slow down" } });
    await expectErr(call(), 429, "rate_limit_error");
    gw.fake.setDefault({ error: { exception: "ServiceUnavailableException", message: "busy" } });
    await expectErr(call(), 529, "overloaded_error");
    gw.fake.setDefault({ error: { exception: "InternalServerException", message: "boom" } });
    await expectErr(call(), 502, "api_error");
    const missing = await gw.request("/v1/messages", {
      method: "POST",
      noAuth: true,
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(missing.status, 401);
    const body: any = await missing.json();
    assert.deepEqual(body.error, {
      type: "authentication_error",
      message: "You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY' (or in the x-api-key header).",
    });
    assert.equal(body.request_id, missing.headers.get("request-id"));
  });

  it("a Bedrock exception mid-stream becomes event: error, without message_stop", async () => {
    gw.fake.enqueue({
      content: [text("partial output here")],
      stream: { textChunk: 4, failAfter: { events: 3, exception: "ModelStreamErrorException", message: "model crashed" } },
    });
    const events = await rawEvents(gw, { model: CLAUDE, max_tokens: 100, messages: [{ role: "user", content: "x" }] });
    const last = events.at(-1)!;
    assert.equal(last[0], "error");
    assert.deepEqual(last[1].error, { type: "api_error", message: "The model failed to process the request: model crashed" });
    assert.ok(last[1].request_id);
    assert.ok(!events.some(([n]) => n === "message_stop"));
    gw.fake.enqueue({
      content: [text("partial output here")],
      stream: { textChunk: 4, failAfter: { events: 3, exception: "ModelStreamErrorException", message: "model crashed" } },
    });
    await assert.rejects(
      client.messages.stream({ model: CLAUDE, max_tokens: 100, messages: [{ role: "user", content: "x" }] }).finalMessage(),
      /model crashed/,
    );
  });

  it("sends ping events during long silences", async () => {
    gw.fake.enqueue({ content: [text("late")], stream: { firstEventDelayMs: 350 } });
    const events = await rawEvents(gw, { model: CLAUDE, max_tokens: 100, messages: [{ role: "user", content: "x" }] });
    assert.ok(events.filter(([n, d]) => n === "ping" && d.type === "ping").length >= 2);
  });
});
