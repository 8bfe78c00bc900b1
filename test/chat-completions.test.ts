// POST /v1/chat/completions through the official openai SDK against the Bedrock test double.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI from "openai";
import { text, toolUse } from "./fake-bedrock/fake-bedrock.ts";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("chat completions (non-streaming)", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({
      env: { MODEL_ALIASES: "smart=anthropic.claude-sonnet-4-5-20250929-v1:0", DEFAULT_MODEL: "amazon.nova-lite-v1:0" },
    });
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  it("answers a text completion in OpenAI's shape", async () => {
    gw.fake.enqueue({ content: [text("Paris is the capital of France.")], usage: { inputTokens: 12, outputTokens: 8 } });
    const res = await gw.openai.chat.completions.create({
      model: "anthropic.claude-sonnet-4-5-20250929-v1:0",
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "Capital of France?" },
      ],
    });
    assert.equal(res.choices[0]!.message.content, "Paris is the capital of France.");
    assert.equal(res.choices[0]!.finish_reason, "stop");
    assert.equal(res.model, "anthropic.claude-sonnet-4-5-20250929-v1:0", "model as requested");
    assert.match(res.id, /^chatcmpl-/);
    assert.deepEqual(res.usage, { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20, prompt_tokens_details: { cached_tokens: 0 } });
    assert.deepEqual(openaiSchemaErrors("CreateChatCompletionResponse", res), []);
    const call = gw.fake.lastCall()!;
    assert.equal(call.modelId, "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "base id resolved to the region's profile");
    assert.deepEqual(call.body.system, [{ text: "Be terse." }]);
  });

  it("resolves aliases, OpenAI names and the default model", async () => {
    await gw.openai.chat.completions.create({ model: "smart", messages: [{ role: "user", content: "x" }] });
    assert.equal(gw.fake.lastCall()!.modelId, "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    const res = await gw.openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] });
    assert.equal(gw.fake.lastCall()!.modelId, "amazon.nova-lite-v1:0");
    assert.equal(res.model, "gpt-4o");
  });

  it("returns tool calls, with text before them kept", async () => {
    gw.fake.enqueue({ content: [text("Checking. "), toolUse("get_weather", { city: "Paris" }), toolUse("get_weather", { city: "Rome" })] });
    const res = await gw.openai.chat.completions.create({
      model: "amazon.nova-pro-v1:0",
      messages: [{ role: "user", content: "Weather in Paris and Rome?" }],
      tools: [weatherTool],
    });
    const m = res.choices[0]!.message;
    assert.equal(m.content, "Checking. ");
    assert.equal(m.tool_calls!.length, 2);
    const [a, b] = m.tool_calls! as OpenAI.ChatCompletionMessageFunctionToolCall[];
    assert.deepEqual(JSON.parse(a!.function.arguments), { city: "Paris" });
    assert.deepEqual(JSON.parse(b!.function.arguments), { city: "Rome" });
    assert.equal(res.choices[0]!.finish_reason, "tool_calls");
    assert.deepEqual(openaiSchemaErrors("CreateChatCompletionResponse", res), []);
    const sent = gw.fake.lastCall()!.body.toolConfig.tools[0].toolSpec;
    assert.deepEqual(sent, {
      name: "get_weather",
      description: "Weather for a city",
      inputSchema: { json: weatherTool.function.parameters },
    });
  });

  it("completes a multi-turn tool round trip that Bedrock accepts", async () => {
    gw.fake.enqueue({ content: [toolUse("get_weather", { city: "Paris" })] }, { content: [text("It is sunny in Paris.")] });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Paris?" }];
    const first = await gw.openai.chat.completions.create({
      model: "anthropic.claude-3-5-sonnet-20240620-v1:0",
      messages,
      tools: [weatherTool],
    });
    const call = first.choices[0]!.message.tool_calls![0]!;
    messages.push(first.choices[0]!.message, { role: "tool", tool_call_id: call.id, content: '{"sky":"clear"}' });
    const second = await gw.openai.chat.completions.create({
      model: "anthropic.claude-3-5-sonnet-20240620-v1:0",
      messages,
      tools: [weatherTool],
    });
    assert.equal(second.choices[0]!.message.content, "It is sunny in Paris.");
    const sent = gw.fake.lastCall()!.body.messages;
    assert.deepEqual(
      sent.map((m: { role: string }) => m.role),
      ["user", "assistant", "user"],
    );
    assert.equal(sent[2].content[0].toolResult.toolUseId, call.id);
  });

  it("tool_choice none, required and named reach Bedrock correctly", async () => {
    await gw.openai.chat.completions.create({
      model: "amazon.nova-pro-v1:0",
      messages: [{ role: "user", content: "x" }],
      tools: [weatherTool],
      tool_choice: "none",
    });
    assert.equal(gw.fake.lastCall()!.body.toolConfig, undefined);
    gw.fake.enqueue({ content: [toolUse("get_weather", { city: "Oslo" })] });
    await gw.openai.chat.completions.create({
      model: "amazon.nova-pro-v1:0",
      messages: [{ role: "user", content: "x" }],
      tools: [weatherTool],
      tool_choice: "required",
    });
    assert.deepEqual(gw.fake.lastCall()!.body.toolConfig.toolChoice, { any: {} });
    gw.fake.enqueue({ content: [toolUse("get_weather", { city: "Oslo" })] });
    await gw.openai.chat.completions.create({
      model: "amazon.nova-pro-v1:0",
      messages: [{ role: "user", content: "x" }],
      tools: [weatherTool],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });
    assert.deepEqual(gw.fake.lastCall()!.body.toolConfig.toolChoice, { tool: { name: "get_weather" } });
  });

  it("tool_choice none with a tool history never returns tool calls", async () => {
    gw.fake.enqueue({ content: [text("Summary: "), toolUse("get_weather", { city: "Oslo" })] });
    const res = await gw.openai.chat.completions.create({
      model: "amazon.nova-pro-v1:0",
      tool_choice: "none",
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }],
        },
        { role: "tool", tool_call_id: "call_1", content: "rain" },
      ],
    });
    assert.equal(res.choices[0]!.message.tool_calls, undefined);
    assert.equal(res.choices[0]!.finish_reason, "stop");
    assert.ok(gw.fake.lastCall()!.body.toolConfig, "tools kept: Bedrock requires them for the history");
  });

  it("repairs histories Bedrock would reject", async () => {
    const res = await gw.openai.chat.completions.create({
      model: "anthropic.claude-3-5-sonnet-20240620-v1:0",
      messages: [
        { role: "assistant", content: "Hi! How can I help?" },
        { role: "user", content: "" },
        { role: "user", content: "Look up two things." },
        {
          role: "assistant",
          content: "",
          tool_calls: [
            { id: "call_a", type: "function", function: { name: "lookup.v2", arguments: "{}" } },
            { id: "call_b", type: "function", function: { name: "lookup.v2", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "call_a", content: "A" },
        { role: "tool", tool_call_id: "call_unknown", content: "stray" },
        { role: "user", content: "Thanks" },
      ],
    });
    assert.equal(res.choices[0]!.finish_reason, "stop", "the double (Bedrock's rules) accepted the repaired conversation");
    const body = gw.fake.lastCall()!.body;
    assert.equal(body.messages[0].role, "user");
    assert.equal(body.toolConfig.tools[0].toolSpec.name, "lookup_v2");
  });

  it("runs n > 1 concurrently and returns every choice", async () => {
    gw.fake.setDefault((req) => ({
      content: [text(`answer ${gw.fake.calls("Converse").indexOf(req)}`)],
      usage: { inputTokens: 5, outputTokens: 2 },
    }));
    const res = await gw.openai.chat.completions.create({
      model: "amazon.nova-lite-v1:0",
      messages: [{ role: "user", content: "x" }],
      n: 3,
    });
    assert.deepEqual(
      res.choices.map((c) => c.index),
      [0, 1, 2],
    );
    assert.equal(new Set(res.choices.map((c) => c.message.content)).size, 3);
    assert.equal(res.usage!.prompt_tokens, 15);
    assert.equal(gw.fake.calls("Converse").length, 3);
  });

  it("reports dropped parameters in a header", async () => {
    const res = await gw.openai.chat.completions
      .create({
        model: "amazon.nova-lite-v1:0",
        messages: [{ role: "user", content: "x" }],
        seed: 42,
        logprobs: true,
        frequency_penalty: 0,
      })
      .withResponse();
    assert.equal(res.response.headers.get("x-bedrock-gateway-dropped-params"), "logprobs,seed");
  });

  it("maps Bedrock errors to OpenAI errors with the right status", async () => {
    const cases: [string, number, abstract new (...args: any[]) => { status: number | undefined }][] = [
      ["ValidationException", 400, OpenAI.BadRequestError],
      ["AccessDeniedException", 403, OpenAI.PermissionDeniedError],
      ["ResourceNotFoundException", 404, OpenAI.NotFoundError],
      ["ModelTimeoutException", 504, OpenAI.InternalServerError],
      ["ModelErrorException", 502, OpenAI.InternalServerError],
      ["InternalServerException", 502, OpenAI.InternalServerError],
    ];
    for (const [exception, status, cls] of cases) {
      gw.fake.enqueue({ error: { exception, message: `bedrock says ${exception}` } });
      await assert.rejects(
        gw.openai.chat.completions.create({ model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "x" }] }),
        (e: unknown) => {
          assert.ok(e instanceof cls, exception);
          assert.equal(e.status, status, exception);
          return true;
        },
      );
    }
    gw.fake.enqueue({
      error: { exception: "ValidationException", message: "The model returned the following errors: messages: too long" },
    });
    const res = await gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "x" }] }),
    });
    const body: any = await res.json();
    assert.equal(
      body.error.message,
      "The model returned the following errors: messages: too long",
      "Bedrock's validation message is passed on",
    );
    assert.deepEqual(openaiSchemaErrors("ErrorResponse", body), []);
  });

  it("retries throttling before the first byte, then succeeds", async () => {
    gw.fake.enqueue(
      { error: { exception: "ThrottlingException", message: "Too many requests" } },
      { error: { exception: "ModelNotReadyException", message: "warming" } },
      { content: [text("ok")] },
    );
    const res = await gw.openai.chat.completions.create({ model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "x" }] });
    assert.equal(res.choices[0]!.message.content, "ok");
    assert.equal(gw.fake.calls("Converse").length, 3);
  });

  it("answers 429 with retry-after when throttling outlasts the retry budget", async () => {
    gw.fake.setDefault({ error: { exception: "ThrottlingException", message: "Too many requests" } });
    const res = await gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "x" }] }),
    });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get("retry-after")) >= 1);
    assert.equal(res.headers.get("x-should-retry"), "true");
    const body: any = await res.json();
    assert.equal(body.error.type, "rate_limit_error");
  });

  it("refuses an embedding model on chat with a clear 400", async () => {
    await assert.rejects(
      gw.openai.chat.completions.create({ model: "amazon.titan-embed-text-v2:0", messages: [{ role: "user", content: "x" }] }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && /embedding model/.test(e.message),
    );
  });
});

describe("chat completions with STRICT_PARAMS", () => {
  it("rejects unsupported and unknown parameters with their name", async () => {
    const gw = await startGateway({ env: { STRICT_PARAMS: "true" } });
    try {
      await assert.rejects(
        gw.openai.chat.completions.create({ model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "x" }], seed: 1 }),
        (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === "seed",
      );
      await assert.rejects(
        gw.openai.chat.completions.create({
          model: "amazon.nova-lite-v1:0",
          messages: [{ role: "user", content: "x" }],
          made_up_field: 1,
        } as any),
        (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === "made_up_field",
      );
      const ok = await gw.openai.chat.completions.create({
        model: "amazon.nova-lite-v1:0",
        messages: [{ role: "user", content: "x" }],
        presence_penalty: 0,
      });
      assert.ok(ok.choices[0]);
    } finally {
      await gw.close();
    }
  });
});
