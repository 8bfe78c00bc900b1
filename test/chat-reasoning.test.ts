// Reasoning through /v1/chat/completions: effort per model family, Claude's budget rules, output
// fields, and thinking + tool use across turns in the three ways clients replay assistant turns.
// The test double rejects a turn whose signed thinking is missing or altered, as Bedrock does.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI from "openai";
import { text, thinking, toolUse } from "./fake-bedrock/fake-bedrock.ts";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const CLAUDE = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const tool = {
  type: "function" as const,
  function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
};

describe("reasoning", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  it("maps reasoning_effort to a Claude thinking budget and returns reasoning_content", async () => {
    gw.fake.enqueue({ content: [thinking("First, consider the question."), text("The answer is 4.")] });
    const res = await gw.openai.chat.completions
      .create({
        model: CLAUDE,
        messages: [{ role: "user", content: "2+2?" }],
        reasoning_effort: "high",
        temperature: 0.2,
        max_tokens: 1000,
      })
      .withResponse();
    const sent = gw.fake.lastCall()!.body;
    // max_tokens 1000 leaves no room for even the smallest budget: the minimum budget, max_tokens raised just enough.
    assert.deepEqual(sent.additionalModelRequestFields.thinking, { type: "enabled", budget_tokens: 1024 });
    assert.equal(sent.inferenceConfig.maxTokens, 2024, "raised above the minimum budget only");
    assert.equal(sent.inferenceConfig.temperature, undefined, "temperature must be unset while thinking");
    assert.match(res.response.headers.get("x-bedrock-gateway-max-tokens")!, /raised 1000 to 2024/);
    assert.match(res.response.headers.get("x-bedrock-gateway-dropped-params")!, /temperature/);
    const msg = res.data.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string; thinking_blocks?: unknown[] };
    assert.equal(msg.content, "The answer is 4.");
    assert.equal(msg.reasoning_content, "First, consider the question.");
    assert.equal(msg.thinking_blocks!.length, 1);
    assert.deepEqual(openaiSchemaErrors("CreateChatCompletionResponse", res.data), []);
  });

  it("shrinks the thinking budget to fit the client's output cap instead of raising the cap", async () => {
    for (const [effort, cap, budget] of [
      ["low", 2048, 1024],
      ["medium", 8000, 4000],
      ["high", 20_000, 15_904],
    ] as const) {
      const res = await gw.openai.chat.completions
        .create({ model: CLAUDE, messages: [{ role: "user", content: "x" }], reasoning_effort: effort, max_tokens: cap })
        .withResponse();
      const sent = gw.fake.lastCall()!.body;
      assert.equal(sent.inferenceConfig.maxTokens, cap, `${effort}: the client's max_tokens is what is sent`);
      assert.equal(sent.additionalModelRequestFields.thinking.budget_tokens, budget, `${effort}: budget below the cap`);
      assert.equal(res.response.headers.get("x-bedrock-gateway-max-tokens"), null);
      assert.match(
        res.response.headers.get("x-bedrock-gateway-thinking-budget")!,
        new RegExp(`to ${budget} to fit below the output limit of ${cap}`),
      );
    }
    // The same rule on every front door: Responses' max_output_tokens and Anthropic's thinking budget.
    await gw.openai.responses.create({ model: CLAUDE, input: "x", reasoning: { effort: "low" }, max_output_tokens: 2048 });
    assert.deepEqual(
      [gw.fake.lastCall()!.body.inferenceConfig.maxTokens, gw.fake.lastCall()!.body.additionalModelRequestFields.thinking.budget_tokens],
      [2048, 1024],
    );
  });

  it("keeps the budget at least 1024 and below max tokens", async () => {
    await gw.openai.chat.completions.create({
      model: CLAUDE,
      messages: [{ role: "user", content: "x" }],
      reasoning_effort: "minimal",
      max_tokens: 300,
    });
    const sent = gw.fake.lastCall()!.body;
    assert.equal(sent.additionalModelRequestFields.thinking.budget_tokens, 1024);
    assert.ok(sent.inferenceConfig.maxTokens > 1024);
    await gw.openai.chat.completions.create({
      model: CLAUDE,
      messages: [{ role: "user", content: "x" }],
      reasoning_effort: "low",
      max_tokens: 30_000,
    });
    assert.equal(gw.fake.lastCall()!.body.inferenceConfig.maxTokens, 30_000, "a roomy limit is left alone");
  });

  it("maps effort for Nova 2 and gpt-oss, passes raw thinking to Claude, and drops it elsewhere", async () => {
    await gw.openai.chat.completions.create({
      model: "us.amazon.nova-2-lite-v1:0",
      messages: [{ role: "user", content: "x" }],
      reasoning_effort: "medium",
    });
    assert.deepEqual(gw.fake.lastCall()!.body.additionalModelRequestFields, {
      reasoningConfig: { type: "enabled", maxReasoningEffort: "medium" },
    });
    await gw.openai.chat.completions.create({
      model: "openai.gpt-oss-120b-1:0",
      messages: [{ role: "user", content: "x" }],
      reasoning_effort: "high",
    });
    assert.deepEqual(gw.fake.lastCall()!.body.additionalModelRequestFields, { reasoning_effort: "high" });
    await gw.openai.chat.completions.create({
      model: CLAUDE,
      messages: [{ role: "user", content: "x" }],
      thinking: { type: "enabled", budget_tokens: 2048 },
    } as any);
    assert.deepEqual(gw.fake.lastCall()!.body.additionalModelRequestFields.thinking, { type: "enabled", budget_tokens: 2048 });
    const res = await gw.openai.chat.completions
      .create({ model: "meta.llama3-3-70b-instruct-v1:0", messages: [{ role: "user", content: "x" }], reasoning_effort: "high" })
      .withResponse();
    assert.equal(gw.fake.lastCall()!.body.additionalModelRequestFields, undefined);
    assert.equal(res.response.headers.get("x-bedrock-gateway-dropped-params"), "reasoning_effort");
  });

  it("streams reasoning_content and the signed blocks, never mixing reasoning into content", async () => {
    gw.fake.enqueue({ content: [thinking("Step one. Step two."), text("Done.")] });
    const stream = await gw.openai.chat.completions.create({
      model: CLAUDE,
      messages: [{ role: "user", content: "x" }],
      reasoning_effort: "low",
      stream: true,
    });
    let reasoning = "";
    let content = "";
    const blocks: any[] = [];
    for await (const c of stream) {
      const d = c.choices[0]?.delta as any;
      reasoning += d?.reasoning_content ?? "";
      content += d?.content ?? "";
      blocks.push(...(d?.thinking_blocks ?? []));
    }
    assert.equal(reasoning, "Step one. Step two.");
    assert.equal(content, "Done.");
    assert.equal(blocks.length, 1);
    assert.equal(blocks[0].thinking, "Step one. Step two.");
  });

  it("downgrades a forced tool_choice to auto while thinking", async () => {
    gw.fake.enqueue({ content: [thinking("I should call the tool."), toolUse("get_weather", { city: "Oslo" })] });
    const res = await gw.openai.chat.completions
      .create({
        model: CLAUDE,
        messages: [{ role: "user", content: "x" }],
        reasoning_effort: "low",
        tools: [tool],
        tool_choice: "required",
      })
      .withResponse();
    assert.equal(gw.fake.lastCall()!.body.toolConfig.toolChoice, undefined);
    assert.match(res.response.headers.get("x-bedrock-gateway-dropped-params")!, /tool_choice/);
  });
});

describe("thinking + tools across turns", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  async function firstTurn(stream: boolean) {
    gw.fake.reset();
    gw.fake.enqueue(
      { content: [thinking("The user wants the weather; call the tool."), toolUse("get_weather", { city: "Paris" })] },
      { content: [text("It is sunny.")] },
    );
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Paris?" }];
    let assistant: any;
    if (stream) {
      assistant = { role: "assistant", content: null, tool_calls: [] as any[], thinking_blocks: [] as any[], reasoning_content: "" };
      for await (const c of await gw.openai.chat.completions.create({
        model: CLAUDE,
        messages,
        tools: [tool],
        reasoning_effort: "low",
        stream: true,
      })) {
        const d = c.choices[0]?.delta as any;
        if (!d) continue;
        assistant.reasoning_content += d.reasoning_content ?? "";
        assistant.thinking_blocks.push(...(d.thinking_blocks ?? []));
        for (const t of d.tool_calls ?? []) {
          if (t.id) assistant.tool_calls[t.index] = { id: t.id, type: "function", function: { name: t.function.name, arguments: "" } };
          assistant.tool_calls[t.index].function.arguments += t.function?.arguments ?? "";
        }
      }
    } else {
      const first = await gw.openai.chat.completions.create({ model: CLAUDE, messages, tools: [tool], reasoning_effort: "low" });
      assistant = first.choices[0]!.message;
    }
    return { messages, assistant, callId: assistant.tool_calls[0].id as string };
  }

  async function secondTurn(messages: OpenAI.ChatCompletionMessageParam[], assistant: any, callId: string) {
    messages.push(assistant, { role: "tool", tool_call_id: callId, content: "sunny, 24°C" });
    return gw.openai.chat.completions.create({ model: CLAUDE, messages, tools: [tool], reasoning_effort: "low" }).withResponse();
  }

  for (const stream of [false, true]) {
    const mode = stream ? "streamed" : "non-streamed";
    it(`works when the client replays thinking_blocks (${mode} first turn)`, async () => {
      const { messages, assistant, callId } = await firstTurn(stream);
      const { data } = await secondTurn(
        messages,
        { role: "assistant", content: assistant.content, tool_calls: assistant.tool_calls, thinking_blocks: assistant.thinking_blocks },
        callId,
      );
      assert.equal(data.choices[0]!.message.content, "It is sunny.");
      const replayed = gw.fake.lastCall(stream ? "Converse" : "Converse")!.body.messages[1].content[0];
      assert.equal(replayed.reasoningContent.reasoningText.text, "The user wants the weather; call the tool.");
    });

    it(`works when the client replays only reasoning_content (${mode} first turn)`, async () => {
      const { messages, assistant, callId } = await firstTurn(stream);
      const { data } = await secondTurn(
        messages,
        { role: "assistant", content: assistant.content, tool_calls: assistant.tool_calls, reasoning_content: assistant.reasoning_content },
        callId,
      );
      assert.equal(data.choices[0]!.message.content, "It is sunny.");
      assert.ok(gw.fake.lastCall()!.body.additionalModelRequestFields.thinking, "thinking stayed on");
    });

    it(`works when the client replays nothing of the reasoning (${mode} first turn)`, async () => {
      const { messages, assistant, callId } = await firstTurn(stream);
      const { data } = await secondTurn(
        messages,
        { role: "assistant", content: assistant.content, tool_calls: assistant.tool_calls },
        callId,
      );
      assert.equal(data.choices[0]!.message.content, "It is sunny.");
      assert.ok(gw.fake.lastCall()!.body.messages[1].content[0].reasoningContent);
    });
  }

  it("altered thinking is rejected by Bedrock (the double), as it would be", async () => {
    const { messages, assistant, callId } = await firstTurn(false);
    const tampered = assistant.thinking_blocks.map((b: any) => ({ ...b, thinking: `${b.thinking} (edited)` }));
    await assert.rejects(
      secondTurn(messages, { ...assistant, thinking_blocks: tampered }, callId),
      (e: unknown) => e instanceof OpenAI.BadRequestError && /Invalid `signature`/.test(e.message),
    );
  });

  it("answers without thinking, and says so, when no signed thinking can be found", async () => {
    const other = await startGateway({ fake: gw.fake, env: { THINKING_STORE_MAX_ENTRIES: "0" } });
    try {
      gw.fake.reset();
      gw.fake.enqueue({ content: [thinking("plan"), toolUse("get_weather", { city: "Rome" })] }, { content: [text("Rainy.")] });
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Rome?" }];
      const first = await other.openai.chat.completions.create({ model: CLAUDE, messages, tools: [tool], reasoning_effort: "low" });
      const call = first.choices[0]!.message.tool_calls![0]!;
      messages.push(
        { role: "assistant", content: null, tool_calls: first.choices[0]!.message.tool_calls },
        { role: "tool", tool_call_id: call.id, content: "rain" },
      );
      const second = await other.openai.chat.completions
        .create({ model: CLAUDE, messages, tools: [tool], reasoning_effort: "low" })
        .withResponse();
      assert.equal(second.data.choices[0]!.message.content, "Rainy.");
      assert.match(second.response.headers.get("x-bedrock-gateway-thinking")!, /disabled for this turn/);
      assert.equal(gw.fake.lastCall()!.body.additionalModelRequestFields, undefined);
    } finally {
      await other.close();
    }
  });
});
