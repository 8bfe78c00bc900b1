// Streaming chat completions: the OpenAI stream contract, errors before and during a stream,
// keep-alives, abort, n > 1, and the fallback for models that cannot stream tool use.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI from "openai";
import { text, thinking, toolUse } from "./fake-bedrock/fake-bedrock.ts";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const tool = {
  type: "function" as const,
  function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
};

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

describe("chat completions (streaming)", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { SSE_KEEPALIVE_INTERVAL: "100ms" } });
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  it("streams content with one id/created, role first, finish, usage chunk, [DONE]", async () => {
    gw.fake.enqueue({
      content: [text("The quick brown fox jumps over the lazy dog.")],
      usage: { inputTokens: 9, outputTokens: 11 },
      stream: { textChunk: 5 },
    });
    const chunks = await collect(
      await gw.openai.chat.completions.create({
        model: "amazon.nova-lite-v1:0",
        messages: [{ role: "user", content: "x" }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1);
    assert.equal(new Set(chunks.map((c) => c.created)).size, 1);
    assert.deepEqual(chunks[0]!.choices[0]!.delta, { role: "assistant", content: "" });
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""), "The quick brown fox jumps over the lazy dog.");
    assert.ok(chunks.filter((c) => c.choices[0]?.delta.content).length >= 9, "deltas relayed as they arrive, not buffered");
    const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
    assert.equal(finish.length, 1);
    assert.equal(finish[0]!.choices[0]!.finish_reason, "stop");
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, {
      prompt_tokens: 9,
      completion_tokens: 11,
      total_tokens: 20,
      prompt_tokens_details: { cached_tokens: 0 },
    });
    for (const c of chunks) assert.deepEqual(openaiSchemaErrors("CreateChatCompletionStreamResponse", c), [], JSON.stringify(c));
  });

  it("ends with data: [DONE] on the wire and sends no usage chunk unless asked", async () => {
    const res = await gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "x" }], stream: true }),
    });
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    const body = await res.text();
    assert.ok(body.endsWith("data: [DONE]\n\n"));
    assert.ok(!body.includes('"usage"'));
  });

  it("streams parallel tool calls with dense indexes, id and name first, arguments after", async () => {
    gw.fake.enqueue({
      content: [text("Let me check."), toolUse("get_weather", { city: "Paris" }), toolUse("get_weather", { city: "Rome" })],
      stream: { toolChunk: 4 },
    });
    const chunks = await collect(
      await gw.openai.chat.completions.create({
        model: "amazon.nova-pro-v1:0",
        messages: [{ role: "user", content: "x" }],
        tools: [tool],
        stream: true,
      }),
    );
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    assert.deepEqual([...new Set(deltas.map((d) => d.index))], [0, 1]);
    for (const i of [0, 1]) {
      const mine = deltas.filter((d) => d.index === i);
      assert.ok(mine[0]!.id && mine[0]!.type === "function" && mine[0]!.function!.name === "get_weather");
      assert.ok(mine.slice(1).every((d) => d.id === undefined && d.function!.name === undefined));
    }
    assert.deepEqual(
      JSON.parse(
        deltas
          .filter((d) => d.index === 1)
          .map((d) => d.function!.arguments)
          .join(""),
      ),
      { city: "Rome" },
    );
    assert.equal(chunks.find((c) => c.choices[0]?.finish_reason)!.choices[0]!.finish_reason, "tool_calls");
    // The SDK's own accumulator agrees.
    gw.fake.enqueue({ content: [toolUse("get_weather", { city: "Paris" }), toolUse("get_weather", { city: "Rome" })] });
    const final = await gw.openai.chat.completions
      .stream({ model: "amazon.nova-pro-v1:0", messages: [{ role: "user", content: "x" }], tools: [tool] })
      .finalChatCompletion();
    assert.equal(final.choices[0]!.message.tool_calls!.length, 2);
  });

  it("handles metadata before messageStop", async () => {
    gw.fake.enqueue({ content: [text("hi")], stream: { metadataBeforeStop: true }, usage: { inputTokens: 3, outputTokens: 1 } });
    const chunks = await collect(
      await gw.openai.chat.completions.create({
        model: "amazon.nova-lite-v1:0",
        messages: [{ role: "user", content: "x" }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    assert.equal(chunks.at(-1)!.usage!.total_tokens, 4);
    assert.equal(chunks.filter((c) => c.choices[0]?.finish_reason === "stop").length, 1);
  });

  it("streams reasoning as reasoning_content, never in content", async () => {
    gw.fake.enqueue({ content: [thinking("Let me think about this carefully."), text("42")] });
    const chunks = await collect(
      await gw.openai.chat.completions.create({
        model: "anthropic.claude-sonnet-4-5-20250929-v1:0",
        messages: [{ role: "user", content: "x" }],
        stream: true,
      }),
    );
    const reasoning = chunks
      .map((c) => (c.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? "")
      .join("");
    assert.equal(reasoning, "Let me think about this carefully.");
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""), "42");
  });

  it("an error before the first byte is a normal HTTP error", async () => {
    gw.fake.enqueue({
      error: { exception: "AccessDeniedException", message: "You don't have access to the model with the specified model ID." },
    });
    await assert.rejects(
      gw.openai.chat.completions.create({ model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "x" }], stream: true }),
      (e: unknown) => e instanceof OpenAI.PermissionDeniedError && /access to the model/.test(e.message),
    );
  });

  it("an error during the stream is a data: {error} line the SDK raises as APIError", async () => {
    gw.fake.enqueue({
      content: [text("partial answer that will break")],
      stream: { textChunk: 4, failAfter: { events: 4, exception: "ModelStreamErrorException", message: "The model stopped unexpectedly" } },
    });
    const stream = await gw.openai.chat.completions.create({
      model: "amazon.nova-lite-v1:0",
      messages: [{ role: "user", content: "x" }],
      stream: true,
    });
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const c of stream) seen.push(c.choices[0]?.delta.content ?? "");
      })(),
      (e: unknown) => e instanceof OpenAI.APIError && /The model stopped unexpectedly/.test(e.message),
    );
    assert.ok(seen.join("").startsWith("part"), "content before the error was delivered");
    const line = gw.logs.findLast((l) => l.path === "/v1/chat/completions");
    assert.equal(line!.errorType, "model_error");
  });

  it("throttling mid-stream is not retried (output was already sent)", async () => {
    gw.fake.enqueue({
      content: [text("abcdefghijkl")],
      stream: { textChunk: 3, failAfter: { events: 2, exception: "ThrottlingException", message: "slow down" } },
    });
    const stream = await gw.openai.chat.completions.create({
      model: "amazon.nova-lite-v1:0",
      messages: [{ role: "user", content: "x" }],
      stream: true,
    });
    await assert.rejects(collect(stream), OpenAI.APIError);
    assert.equal(gw.fake.calls("ConverseStream").length, 1);
  });

  it("sends SSE keep-alive comments during long silences", async () => {
    gw.fake.enqueue({ content: [text("late")], stream: { firstEventDelayMs: 450 } });
    const res = await gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "x" }], stream: true }),
    });
    const body = await res.text();
    assert.ok((body.match(/^: keep-alive$/gm) ?? []).length >= 2, body);
    assert.ok(body.includes('"content":"late"'));
  });

  it("a client that disconnects aborts the Bedrock call at once", async () => {
    gw.fake.enqueue({ content: [text("0123456789".repeat(20))], stream: { textChunk: 5, delayMs: 50 } });
    const ac = new AbortController();
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "x" }], stream: true }),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    const abortedAt = Date.now();
    ac.abort();
    const rec = await gw.fake.waitFor((r) => r.operation === "ConverseStream" && r.clientClosedAt !== undefined, 1000);
    assert.ok(rec.clientClosedAt! - abortedAt < 1000);
    // The access-log line is written once the stream has wound down: wait for it.
    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 200 && !line; i++) {
      line = gw.logs.findLast((l) => l.path === "/v1/chat/completions" && l.aborted === true);
      if (!line) await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(line, "the request was logged as aborted");
    assert.ok(Number(line.outputTokens) > 0, "tokens seen so far are reported");
    assert.ok(Number(line.inputTokens) > 0, "input is estimated when Bedrock never sent usage");
  });

  it("a client that disconnects during a non-streaming call aborts it too", async () => {
    gw.fake.enqueue({ content: [text("slow")], delayMs: 2000 });
    const ac = new AbortController();
    const pending = fetch(`${gw.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "x" }] }),
      signal: ac.signal,
    }).catch(() => undefined);
    await gw.fake.waitFor((r) => r.operation === "Converse");
    ac.abort();
    await pending;
    const rec = await gw.fake.waitFor((r) => r.operation === "Converse" && r.clientClosedAt !== undefined, 1000);
    assert.ok(rec.clientClosedAt);
    // The request is recorded as aborted; a client that left is not a gateway fault.
    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 100 && !line; i++) {
      line = gw.logs.findLast((l) => l.path === "/v1/chat/completions" && l.aborted === true && l.stream === false);
      if (!line) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(line, "the request was logged as aborted");
    assert.equal(line.errorType, undefined);
    assert.equal(gw.logs.filter((l) => l.msg === "unexpected error").length, 0, "no unexpected-error log for a client that left");
  });

  it("n > 1 streams interleave by choice index", async () => {
    gw.fake.setDefault({ content: [text("abcdefgh")], stream: { textChunk: 2, delayMs: 5 } });
    const chunks = await collect(
      await gw.openai.chat.completions.create({
        model: "amazon.nova-lite-v1:0",
        messages: [{ role: "user", content: "x" }],
        stream: true,
        n: 2,
        stream_options: { include_usage: true },
      }),
    );
    for (const i of [0, 1]) {
      assert.equal(
        chunks.flatMap((c) => c.choices.filter((ch) => ch.index === i).map((ch) => ch.delta.content ?? "")).join(""),
        "abcdefgh",
      );
      assert.equal(chunks.filter((c) => c.choices[0]?.index === i && c.choices[0]?.finish_reason === "stop").length, 1);
    }
    assert.equal(gw.fake.calls("ConverseStream").length, 2);
  });

  it("models that cannot stream tool use are called with Converse and still stream", async () => {
    gw.fake.enqueue({ content: [text("Calling."), toolUse("get_weather", { city: "Lyon" }, "abcDEF123")] });
    const chunks = await collect(
      await gw.openai.chat.completions.create({
        model: "mistral.mistral-large-2402-v1:0",
        messages: [{ role: "user", content: "x" }],
        tools: [tool],
        stream: true,
      }),
    );
    assert.equal(gw.fake.calls("ConverseStream").length, 0);
    assert.equal(gw.fake.calls("Converse").length, 1);
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    assert.equal(deltas[0]!.id, "abcDEF123");
    assert.deepEqual(JSON.parse(deltas.map((d) => d.function!.arguments).join("")), { city: "Lyon" });
  });
});
