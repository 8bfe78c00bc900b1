// The rules the conversation pipeline applies once for every front door (chat, messages,
// responses), each driven through the front door's own official SDK against the test double:
// admission on count endpoints, tool_choice none, structured output, stop sequences, the thinking
// memory scoped by key, and n>1 streams that fail.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { text, thinking, toolUse } from "./fake-bedrock/fake-bedrock.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";
import { createKey, usageOf } from "./helpers/store-keys.ts";

const CLAUDE = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const LLAMA = "meta.llama3-1-70b-instruct-v1:0";
const NOVA = "us.amazon.nova-lite-v1:0";
const weather = { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] };

describe("pipeline rules on every front door", () => {
  let gw: TestGateway;
  let key: { id: string; secret: string };
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    gw = await startGateway();
    key = await createKey(gw, { name: "pipeline" });
    openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key.secret, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gw.url, apiKey: key.secret, maxRetries: 0 });
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  it("passes count endpoints through admission: a key may not count tokens for a model outside its allow-list", async () => {
    const haikuOnly = await createKey(gw, { name: "haiku-only", models: ["*haiku*"] });
    const a = new Anthropic({ baseURL: gw.url, apiKey: haikuOnly.secret, maxRetries: 0 });
    await assert.rejects(
      a.messages.countTokens({ model: CLAUDE, messages: [{ role: "user", content: "hi" }] }),
      (e: unknown) => e instanceof Anthropic.PermissionDeniedError,
    );
    const res = await gw.request("/v1/responses/input_tokens", {
      method: "POST",
      headers: { authorization: `Bearer ${haikuOnly.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: CLAUDE, input: "hi" }),
    });
    assert.equal(res.status, 403);
    assert.equal(gw.fake.calls("CountTokens").length, 0, "Bedrock was never asked");
    // An allowed model counts as before.
    const ok = await a.messages.countTokens({
      model: "anthropic.claude-haiku-4-5-20251001-v1:0",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.ok(ok.input_tokens > 0);
  });

  it("tool_choice none: no tool call reaches the client on chat, messages and responses, streamed or not", async () => {
    const history = { city: "Paris" };
    for (const stream of [false, true]) {
      // The model calls a tool anyway (Bedrock has no "none"; the gateway keeps tools for the history).
      gw.fake.enqueue({ content: [text("It is sunny."), toolUse("get_weather", history)] });
      const chat = await openai.chat.completions.create({
        model: CLAUDE,
        messages: [
          { role: "user", content: "Weather?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } }],
          },
          { role: "tool", tool_call_id: "call_1", content: "sunny" },
        ],
        tools: [{ type: "function", function: { name: "get_weather", parameters: weather } }],
        tool_choice: "none",
        stream,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming);
      const chatCalls = stream
        ? await collectChatToolCalls(chat as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>)
        : ((chat as OpenAI.ChatCompletion).choices[0]!.message.tool_calls ?? []).length;
      assert.equal(chatCalls, 0, `chat stream=${stream}`);

      gw.fake.enqueue({ content: [text("It is sunny."), toolUse("get_weather", history)] });
      const params = {
        model: CLAUDE,
        max_tokens: 200,
        messages: [
          { role: "user" as const, content: "Weather?" },
          {
            role: "assistant" as const,
            content: [{ type: "tool_use" as const, id: "toolu_1", name: "get_weather", input: { city: "Rome" } }],
          },
          { role: "user" as const, content: [{ type: "tool_result" as const, tool_use_id: "toolu_1", content: "sunny" }] },
        ],
        tools: [{ name: "get_weather", input_schema: weather }],
        tool_choice: { type: "none" as const },
      };
      const msg = stream ? await anthropic.messages.stream(params).finalMessage() : await anthropic.messages.create(params);
      assert.deepEqual(
        msg.content.map((b) => b.type),
        ["text"],
        `messages stream=${stream}`,
      );
      assert.equal(msg.stop_reason, "end_turn");

      gw.fake.enqueue({ content: [text("It is sunny."), toolUse("get_weather", history)] });
      const input: OpenAI.Responses.ResponseInput = [
        { role: "user", content: "Weather?" },
        { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Rome"}' },
        { type: "function_call_output", call_id: "call_1", output: "sunny" },
      ];
      const tools: OpenAI.Responses.Tool[] = [{ type: "function", name: "get_weather", parameters: weather, strict: false }];
      const resp = stream
        ? await (async () => {
            const s = openai.responses.stream({ model: CLAUDE, input, tools, tool_choice: "none" });
            return s.finalResponse();
          })()
        : await openai.responses.create({ model: CLAUDE, input, tools, tool_choice: "none" });
      assert.deepEqual(
        resp.output.map((o) => o.type),
        ["message"],
        `responses stream=${stream}`,
      );
    }
  });

  it("maps Anthropic output_config.format to structured output, like response_format json_schema", async () => {
    const schema = { type: "object", properties: { answer: { type: "integer" } }, required: ["answer"], additionalProperties: false };
    gw.fake.enqueue({ content: [text('{"answer": 4}')] });
    const res = await anthropic.messages
      .create({
        model: CLAUDE,
        max_tokens: 100,
        messages: [{ role: "user", content: "2+2?" }],
        output_config: { format: { type: "json_schema", schema } },
      } as Anthropic.MessageCreateParamsNonStreaming)
      .asResponse();
    assert.equal(res.headers.get("x-bedrock-gateway-dropped-params"), null, "output_config is mapped, not dropped");
    const sent = gw.fake.lastCall()!.body;
    const viaNative = JSON.stringify(sent.outputConfig ?? {}).includes("answer");
    const viaTool = (sent.toolConfig?.tools ?? []).some((t: { toolSpec?: { inputSchema?: { json?: unknown } } }) =>
      JSON.stringify(t.toolSpec?.inputSchema?.json ?? {}).includes('"answer"'),
    );
    const viaPrompt = JSON.stringify(sent.system ?? []).includes('"answer"');
    assert.ok(viaNative || viaTool || viaPrompt, "the schema reached Bedrock");
    const body = (await res.json()) as Anthropic.Message;
    assert.deepEqual(JSON.parse((body.content[0] as Anthropic.TextBlock).text), { answer: 4 });

    // Through a forced tool (the path when the model has no native JSON output), the tool's input is the text.
    gw.fake.enqueue((req) => {
      const name = (req.body.toolConfig?.tools as { toolSpec: { name: string } }[] | undefined)?.at(-1)?.toolSpec.name;
      return name ? { content: [toolUse(name, { answer: 5 })], stopReason: "tool_use" } : { content: [text('{"answer": 5}')] };
    });
    const streamed = await anthropic.messages
      .stream({
        model: LLAMA,
        max_tokens: 100,
        messages: [{ role: "user", content: "2+3?" }],
        output_config: { format: { type: "json_schema", schema } },
      })
      .finalMessage();
    assert.deepEqual(
      streamed.content.map((b) => b.type),
      ["text"],
    );
    assert.deepEqual(JSON.parse((streamed.content[0] as Anthropic.TextBlock).text), { answer: 5 });
  });

  it("names the stop sequence that stopped the model on /v1/messages, streamed or not", async () => {
    // Claude: Bedrock is asked for /stop_sequence and reports it.
    gw.fake.enqueue({
      content: [text("1, 2, 3")],
      stopReason: "stop_sequence",
      extra: { additionalModelResponseFields: { stop_sequence: "4" } },
    });
    const claude = await anthropic.messages.create({
      model: CLAUDE,
      max_tokens: 50,
      messages: [{ role: "user", content: "count" }],
      stop_sequences: ["4", "five"],
    });
    assert.deepEqual(gw.fake.lastCall()!.body.additionalModelResponseFieldPaths, ["/stop_sequence"]);
    assert.equal(claude.stop_reason, "stop_sequence");
    assert.equal(claude.stop_sequence, "4");
    // Another model with one stop sequence: it can only be that one, streamed too.
    gw.fake.enqueue({ content: [text("1, 2, 3")], stopReason: "stop_sequence" });
    const llama = await anthropic.messages
      .stream({ model: LLAMA, max_tokens: 50, messages: [{ role: "user", content: "count" }], stop_sequences: ["END"] })
      .finalMessage();
    assert.equal(llama.stop_reason, "stop_sequence");
    assert.equal(llama.stop_sequence, "END");
  });

  it("keeps signed thinking per key: another key presenting the same tool-call id gets nothing", async () => {
    const other = await createKey(gw, { name: "other-tenant" });
    const otherClient = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: other.secret, maxRetries: 0 });
    gw.fake.enqueue({ content: [thinking("secret plan of tenant A"), toolUse("get_weather", { city: "Paris" })], stopReason: "tool_use" });
    const first = await openai.chat.completions.create({
      model: CLAUDE,
      messages: [{ role: "user", content: "Weather?" }],
      tools: [{ type: "function", function: { name: "get_weather", parameters: weather } }],
      reasoning_effort: "low",
      max_tokens: 4000,
    });
    const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    // The next turn without thinking_blocks: the gateway replays the stored thinking for the same key…
    const next = (client: OpenAI) =>
      client.chat.completions.create({
        model: CLAUDE,
        messages: [
          { role: "user", content: "Weather?" },
          { role: "assistant", content: null, tool_calls: [call] },
          { role: "tool", tool_call_id: call.id, content: "sunny" },
        ],
        tools: [{ type: "function", function: { name: "get_weather", parameters: weather } }],
        reasoning_effort: "low",
        max_tokens: 4000,
      });
    gw.fake.enqueue({ content: [text("Sunny.")] });
    await next(openai);
    assert.match(JSON.stringify(gw.fake.lastCall()!.body.messages[1]), /secret plan of tenant A/);
    // …and never for another key: that turn is answered without thinking instead.
    gw.fake.enqueue({ content: [text("Sunny.")] });
    const res = await next(otherClient).withResponse();
    assert.doesNotMatch(JSON.stringify(gw.fake.lastCall()!.body), /secret plan of tenant A/);
    assert.match(res.response.headers.get("x-bedrock-gateway-thinking")!, /disabled for this turn/);
  });

  it("n>1 stream: a choice failing before its first byte aborts the others; one failing mid-stream ends all, with usage for every choice", async () => {
    // Choice 2 fails to open: the client gets a normal HTTP error, no stream.
    gw.fake.enqueue(
      { content: [text("a".repeat(40))], stream: { delayMs: 20 } },
      { error: { exception: "ValidationException", message: "bad" } },
    );
    await assert.rejects(
      openai.chat.completions.create({ model: NOVA, messages: [{ role: "user", content: "x" }], n: 2, stream: true }),
      (e: unknown) => e instanceof OpenAI.BadRequestError,
    );

    // Choice 2 fails mid-stream: the stream ends with an error event, choice 1 is aborted, and usage covers both.
    gw.fake.enqueue(
      { content: [text("b".repeat(400))], stream: { delayMs: 15, textChunk: 4 } },
      { content: [text("c".repeat(400))], stream: { failAfter: { events: 4, exception: "ModelStreamErrorException", message: "boom" } } },
    );
    const res = await gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${key.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: NOVA, messages: [{ role: "user", content: "x" }], n: 2, stream: true }),
    });
    const started = Date.now();
    const body = await res.text();
    assert.ok(Date.now() - started < 1000, "the slow sibling was aborted, not waited for");
    assert.match(body, /"error"/);
    assert.doesNotMatch(body, /\[DONE\]/);
    const record = await usageOf(gw, res.headers.get("x-request-id")!);
    assert.ok(record.inputTokens > 0 && record.outputTokens > 0, "usage recorded for the choices that ran");
  });
});

async function collectChatToolCalls(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<number> {
  let n = 0;
  for await (const chunk of stream) for (const c of chunk.choices) n += c.delta.tool_calls?.length ?? 0;
  return n;
}
