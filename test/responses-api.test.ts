// The Responses API through the official openai SDK (client.responses) against the real gateway
// and the Bedrock test double: create, items, instructions, streaming contract, tools, reasoning,
// structured output, incomplete answers, images, errors and mid-stream failure. Bodies and every
// stream event are validated against the OpenAI OpenAPI document in spec/.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI from "openai";
import { text, thinking, toolUse } from "./fake-bedrock/fake-bedrock.ts";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const CLAUDE = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const NOVA = "amazon.nova-pro-v1:0";
const weather = {
  type: "function" as const,
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

type Ev = OpenAI.Responses.ResponseStreamEvent;

async function collect(stream: AsyncIterable<Ev>): Promise<Ev[]> {
  const out: Ev[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

/** Each event against the schema of its own type (the union's errors would name every member). */
const EVENT_SCHEMAS: Record<string, string> = {
  "response.created": "ResponseCreatedEvent",
  "response.in_progress": "ResponseInProgressEvent",
  "response.completed": "ResponseCompletedEvent",
  "response.incomplete": "ResponseIncompleteEvent",
  "response.failed": "ResponseFailedEvent",
  "response.output_item.added": "ResponseOutputItemAddedEvent",
  "response.output_item.done": "ResponseOutputItemDoneEvent",
  "response.content_part.added": "ResponseContentPartAddedEvent",
  "response.content_part.done": "ResponseContentPartDoneEvent",
  "response.output_text.delta": "ResponseTextDeltaEvent",
  "response.output_text.done": "ResponseTextDoneEvent",
  "response.function_call_arguments.delta": "ResponseFunctionCallArgumentsDeltaEvent",
  "response.function_call_arguments.done": "ResponseFunctionCallArgumentsDoneEvent",
  "response.reasoning_summary_part.added": "ResponseReasoningSummaryPartAddedEvent",
  "response.reasoning_summary_part.done": "ResponseReasoningSummaryPartDoneEvent",
  "response.reasoning_summary_text.delta": "ResponseReasoningSummaryTextDeltaEvent",
  "response.reasoning_summary_text.done": "ResponseReasoningSummaryTextDoneEvent",
  "response.reasoning_text.delta": "ResponseReasoningTextDeltaEvent",
  "response.reasoning_text.done": "ResponseReasoningTextDoneEvent",
};

export function assertValidEvents(events: Ev[]) {
  events.forEach((e, i) => {
    assert.equal(e.sequence_number, i, "sequence numbers count up from 0 without gaps");
    const schema = EVENT_SCHEMAS[e.type];
    assert.ok(schema, `unexpected event type ${e.type}`);
    assert.deepEqual(openaiSchemaErrors(schema, e), [], `${e.type}: ${JSON.stringify(e).slice(0, 300)}`);
  });
}

async function waitForLog(gw: TestGateway, pred: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const hit = gw.logs.find(pred);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("no such log line");
}

describe("responses API", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  it("creates a response from a string input, with instructions as the system prompt", async () => {
    gw.fake.enqueue({ content: [text("Bonjour !")], usage: { inputTokens: 12, outputTokens: 3, cacheReadInputTokens: 5 } });
    const r = await gw.openai.responses.create({ model: NOVA, input: "Say hello in French", instructions: "Answer briefly." });
    assert.match(r.id, /^resp_/);
    assert.equal(r.object, "response");
    assert.equal(r.status, "completed");
    assert.equal(r.output_text, "Bonjour !");
    assert.equal(r.model, NOVA);
    assert.deepEqual(r.output[0], {
      type: "message",
      id: (r.output[0] as { id: string }).id,
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: "Bonjour !", annotations: [], logprobs: [] }],
    });
    assert.deepEqual(r.usage, {
      input_tokens: 17,
      input_tokens_details: { cached_tokens: 5, cache_write_tokens: 0 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 20,
    });
    assert.deepEqual(openaiSchemaErrors("Response", r), []);
    const sent = gw.fake.lastCall()!.body;
    assert.deepEqual(sent.system, [{ text: "Answer briefly." }]);
    assert.deepEqual(sent.messages, [{ role: "user", content: [{ text: "Say hello in French" }] }]);
    const log = gw.logs.find((l) => l.path === "/v1/responses")!;
    assert.equal(log.endpoint, "responses");
    assert.equal(log.inputTokens, 12);
    assert.equal(log.cacheReadTokens, 5);
  });

  it("takes item input: developer messages become system, assistant turns are replayed", async () => {
    await gw.openai.responses.create({
      model: NOVA,
      input: [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "You are terse." }] },
        { role: "developer", content: "Never use emoji." },
        { role: "user", content: [{ type: "input_text", text: "Hi" }] },
        {
          type: "message",
          role: "assistant",
          id: "msg_1",
          status: "completed",
          content: [{ type: "output_text", text: "Hello.", annotations: [] }],
        },
        { role: "user", content: "How are you?" },
      ],
    });
    const sent = gw.fake.lastCall()!.body;
    assert.deepEqual(sent.system, [{ text: "You are terse." }, { text: "Never use emoji." }]);
    assert.deepEqual(
      sent.messages.map((m: any) => [m.role, m.content[0].text]),
      [
        ["user", "Hi"],
        ["assistant", "Hello."],
        ["user", "How are you?"],
      ],
    );
  });

  it("streams every event in order with sequence numbers, valid against the spec", async () => {
    gw.fake.enqueue({ content: [text("The quick brown fox.")], stream: { textChunk: 5 }, usage: { inputTokens: 4, outputTokens: 5 } });
    const events = await collect(await gw.openai.responses.create({ model: NOVA, input: "x", stream: true }));
    assert.deepEqual(
      events.map((e) => e.type),
      [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        ...Array(4).fill("response.output_text.delta"),
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
      ],
    );
    assertValidEvents(events);
    const done = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    assert.equal(done.response.output_text, "The quick brown fox.");
    assert.equal(done.response.usage!.total_tokens, 9);
    const created = events[0] as OpenAI.Responses.ResponseCreatedEvent;
    assert.equal(created.response.status, "in_progress");
    assert.equal(created.response.id, done.response.id);
  });

  it("writes event: lines equal to the type on the wire", async () => {
    const res = await gw.request("/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: NOVA, input: "x", stream: true }),
    });
    assert.match(res.headers.get("content-type")!, /^text\/event-stream/);
    const frames = (await res.text()).trim().split("\n\n");
    for (const f of frames) {
      const [ev, data] = f.split("\n");
      assert.equal(ev!.slice("event: ".length), (JSON.parse(data!.slice("data: ".length)) as { type: string }).type);
    }
  });

  it("works with the SDK's stream helper and its final response", async () => {
    gw.fake.enqueue({ content: [text("Paris is sunny.")] });
    const stream = gw.openai.responses.stream({ model: NOVA, input: "x" });
    let deltas = "";
    stream.on("response.output_text.delta", (e) => (deltas += e.delta));
    const final = await stream.finalResponse();
    assert.equal(deltas, "Paris is sunny.");
    assert.equal(final.output_text, "Paris is sunny.");
  });

  for (const stream of [false, true]) {
    it(`round-trips function calls and their outputs (${stream ? "streamed" : "non-streamed"})`, async () => {
      gw.fake.enqueue(
        {
          content: [text("Checking."), toolUse("get_weather", { city: "Paris" }), toolUse("get_weather", { city: "Rome" })],
          stream: { toolChunk: 4 },
        },
        { content: [text("Paris is sunny, Rome is rainy.")] },
      );
      let output: OpenAI.Responses.ResponseOutputItem[];
      if (stream) {
        const events = await collect(await gw.openai.responses.create({ model: NOVA, input: "Weather?", tools: [weather], stream: true }));
        assertValidEvents(events);
        const args = events.filter((e) => e.type === "response.function_call_arguments.delta").map((e) => (e as { delta: string }).delta);
        assert.ok(args.length > 2, "arguments stream in fragments");
        output = (events.at(-1) as OpenAI.Responses.ResponseCompletedEvent).response.output;
      } else {
        const r = await gw.openai.responses.create({ model: NOVA, input: "Weather?", tools: [weather] });
        assert.deepEqual(openaiSchemaErrors("Response", r), []);
        output = r.output;
      }
      assert.deepEqual(
        output.map((o) => o.type),
        ["message", "function_call", "function_call"],
      );
      const calls = output.filter((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === "function_call");
      assert.deepEqual(
        calls.map((c) => [c.name, JSON.parse(c.arguments)]),
        [
          ["get_weather", { city: "Paris" }],
          ["get_weather", { city: "Rome" }],
        ],
      );
      const second = await gw.openai.responses.create({
        model: NOVA,
        tools: [weather],
        input: [
          { role: "user", content: "Weather?" },
          ...output,
          { type: "function_call_output", call_id: calls[0]!.call_id, output: "sunny" },
          { type: "function_call_output", call_id: calls[1]!.call_id, output: [{ type: "input_text", text: "rainy" }] },
        ] as OpenAI.Responses.ResponseInput,
      });
      assert.equal(second.output_text, "Paris is sunny, Rome is rainy.");
      const sent = gw.fake.lastCall()!.body;
      assert.deepEqual(
        sent.messages[1].content.map((b: any) => Object.keys(b)[0]),
        ["text", "toolUse", "toolUse"],
      );
      assert.deepEqual(
        sent.messages[2].content.map((b: any) => b.toolResult.content[0].text),
        ["sunny", "rainy"],
      );
    });
  }

  it("flattens namespace tools and answers calls with namespace and name apart", async () => {
    gw.fake.enqueue({ content: [toolUse("files__read_file", { path: "a.txt" })] }, { content: [text("Read it.")] });
    const tools = [
      weather,
      {
        type: "namespace",
        name: "files",
        description: "File tools",
        tools: [
          {
            type: "function",
            name: "read_file",
            description: "Read a file",
            parameters: { type: "object", properties: { path: { type: "string" } } },
            strict: false,
          },
        ],
      },
    ] as unknown as OpenAI.Responses.Tool[];
    const r = await gw.openai.responses.create({ model: NOVA, input: "read a.txt", tools });
    assert.deepEqual(
      gw.fake.lastCall()!.body.toolConfig.tools.map((t: any) => t.toolSpec.name),
      ["get_weather", "files__read_file"],
    );
    const call = r.output[0] as OpenAI.Responses.ResponseFunctionToolCall & { namespace?: string };
    assert.equal(call.name, "read_file");
    assert.equal(call.namespace, "files");
    await gw.openai.responses.create({
      model: NOVA,
      tools,
      input: [
        { role: "user", content: "read a.txt" },
        call,
        { type: "function_call_output", call_id: call.call_id, output: "hello" },
      ] as OpenAI.Responses.ResponseInput,
    });
    assert.equal(gw.fake.lastCall()!.body.messages[1].content[0].toolUse.name, "files__read_file");
  });

  it("drops built-in tools Bedrock cannot run and names them in a header", async () => {
    const { data, response } = await gw.openai.responses
      .create({
        model: NOVA,
        input: "x",
        tools: [weather, { type: "web_search" }, { type: "file_search", vector_store_ids: ["vs_1"] }] as OpenAI.Responses.Tool[],
      })
      .withResponse();
    assert.equal(response.headers.get("x-bedrock-gateway-dropped-tools"), "web_search,file_search");
    assert.match(response.headers.get("x-bedrock-gateway-dropped-params")!, /tools\[1\],tools\[2\]/);
    assert.deepEqual(
      gw.fake.lastCall()!.body.toolConfig.tools.map((t: any) => t.toolSpec.name),
      ["get_weather"],
    );
    assert.deepEqual(
      (data.tools as { name?: string }[]).map((t) => t.name),
      ["get_weather"],
    );
  });

  it("refuses dropped tools and unknown fields under STRICT_PARAMS", async () => {
    const strict = await startGateway({ fake: gw.fake, env: { STRICT_PARAMS: "true" } });
    try {
      await assert.rejects(
        strict.openai.responses.create({ model: NOVA, input: "x", tools: [{ type: "web_search" }] as OpenAI.Responses.Tool[] }),
        (e: unknown) => e instanceof OpenAI.BadRequestError && (e.error as { param?: string }).param === "tools[0]",
      );
      await assert.rejects(
        strict.openai.responses.create({ model: NOVA, input: "x", frobnicate: 1 } as any),
        (e: unknown) => e instanceof OpenAI.BadRequestError && (e.error as { param?: string }).param === "frobnicate",
      );
      // Codex's own telemetry is not a model parameter: accepted even under STRICT_PARAMS.
      await strict.openai.responses.create({ model: NOVA, input: "x", client_metadata: { thread_id: "t" } } as any);
    } finally {
      await strict.close();
    }
  });

  it("maps reasoning effort to Claude thinking with room above the budget when no max_output_tokens is given", async () => {
    gw.fake.enqueue({ content: [thinking("Two plus two is four."), text("4")] });
    const { data, response } = await gw.openai.responses
      .create({ model: CLAUDE, input: "2+2?", reasoning: { effort: "high", summary: "auto" } })
      .withResponse();
    const sent = gw.fake.lastCall()!.body;
    assert.deepEqual(sent.additionalModelRequestFields.thinking, { type: "enabled", budget_tokens: 20_000 });
    assert.ok(sent.inferenceConfig.maxTokens > 20_000);
    assert.match(response.headers.get("x-bedrock-gateway-max-tokens")!, /thinking budget/);
    const [reasoning, message] = data.output as [OpenAI.Responses.ResponseReasoningItem, OpenAI.Responses.ResponseOutputMessage];
    assert.equal(reasoning.type, "reasoning");
    assert.deepEqual(reasoning.summary, [{ type: "summary_text", text: "Two plus two is four." }]);
    assert.equal(reasoning.encrypted_content, undefined, "only with include: reasoning.encrypted_content");
    assert.equal(message.type, "message");
    assert.ok(data.usage!.output_tokens_details.reasoning_tokens > 0);
    assert.deepEqual(openaiSchemaErrors("Response", data), []);
  });

  it("streams reasoning as summary events, or as reasoning_text without a summary request", async () => {
    gw.fake.enqueue({ content: [thinking("Step one. Step two."), text("Done.")] }, { content: [thinking("Raw thoughts."), text("Done.")] });
    const summary = await collect(
      await gw.openai.responses.create({ model: CLAUDE, input: "x", reasoning: { effort: "low", summary: "detailed" }, stream: true }),
    );
    assertValidEvents(summary);
    const types = summary.map((e) => e.type);
    for (const t of [
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
    ])
      assert.ok(types.includes(t as Ev["type"]), t);
    assert.ok(
      types.indexOf("response.reasoning_summary_part.done") < types.indexOf("response.output_text.delta"),
      "reasoning item closes before the message opens",
    );
    const raw = await collect(await gw.openai.responses.create({ model: CLAUDE, input: "x", reasoning: { effort: "low" }, stream: true }));
    assertValidEvents(raw);
    assert.equal(
      raw
        .filter((e) => e.type === "response.reasoning_text.delta")
        .map((e) => (e as { delta: string }).delta)
        .join(""),
      "Raw thoughts.",
    );
  });

  it("maps reasoning effort per family and reports it dropped where it cannot apply", async () => {
    await gw.openai.responses.create({ model: "us.amazon.nova-2-lite-v1:0", input: "x", reasoning: { effort: "medium" } });
    assert.deepEqual(gw.fake.lastCall()!.body.additionalModelRequestFields, {
      reasoningConfig: { type: "enabled", maxReasoningEffort: "medium" },
    });
    const { response } = await gw.openai.responses
      .create({ model: "meta.llama3-3-70b-instruct-v1:0", input: "x", reasoning: { effort: "high" } })
      .withResponse();
    assert.equal(response.headers.get("x-bedrock-gateway-dropped-params"), "reasoning.effort");
  });

  it("uses native structured output for text.format json_schema", async () => {
    gw.fake.enqueue({ content: [text('{"city":"Paris","celsius":21}')] });
    const r = await gw.openai.responses.create({
      model: CLAUDE,
      input: "Weather in Paris as JSON",
      text: {
        format: {
          type: "json_schema",
          name: "weather",
          schema: { type: "object", properties: { city: { type: "string" }, celsius: { type: "number" } }, required: ["city", "celsius"] },
          strict: true,
        },
      },
    });
    assert.deepEqual(JSON.parse(r.output_text), { city: "Paris", celsius: 21 });
    const sent = gw.fake.lastCall()!.body;
    assert.equal(sent.outputConfig.textFormat.structure.jsonSchema.name, "weather");
    assert.deepEqual(openaiSchemaErrors("Response", r), []);
  });

  it("gets JSON through a forced tool for json_object on models without native output", async () => {
    gw.fake.enqueue({ content: [toolUse("json_response", { answer: 42 })] });
    const r = await gw.openai.responses.create({ model: NOVA, input: "JSON please", text: { format: { type: "json_object" } } });
    assert.deepEqual(JSON.parse(r.output_text), { answer: 42 });
    assert.deepEqual(
      r.output.map((o) => o.type),
      ["message"],
    );
  });

  it("reports max_output_tokens as incomplete, streamed and not", async () => {
    gw.fake.enqueue(
      { content: [text("A long answer that was cut")], stopReason: "max_tokens" },
      { content: [text("Cut again")], stopReason: "max_tokens" },
    );
    const r = await gw.openai.responses.create({ model: NOVA, input: "x", max_output_tokens: 16 });
    assert.equal(gw.fake.lastCall()!.body.inferenceConfig.maxTokens, 16);
    assert.equal(r.status, "incomplete");
    assert.deepEqual(r.incomplete_details, { reason: "max_output_tokens" });
    assert.equal((r.output[0] as OpenAI.Responses.ResponseOutputMessage).status, "incomplete");
    assert.deepEqual(openaiSchemaErrors("Response", r), []);
    const events = await collect(await gw.openai.responses.create({ model: NOVA, input: "x", max_output_tokens: 16, stream: true }));
    assertValidEvents(events);
    assert.equal(events.at(-1)!.type, "response.incomplete");
  });

  it("maps service_tier, metadata and user, and turns prompt_cache_key into cache points", async () => {
    const r = await gw.openai.responses.create({
      model: CLAUDE,
      input: "x",
      instructions: "Long stable prompt",
      service_tier: "flex",
      metadata: { team: "search", "bad key!": "v" },
      user: "u-1",
      prompt_cache_key: "session-42",
    });
    const sent = gw.fake.lastCall()!.body;
    assert.deepEqual(sent.serviceTier, { type: "flex" });
    assert.deepEqual(sent.requestMetadata, { user: "u-1", team: "search", "bad key_": "v" });
    assert.deepEqual(sent.system.at(-1), { cachePoint: { type: "default" } });
    assert.deepEqual(sent.messages[0].content.at(-1), { cachePoint: { type: "default" } });
    assert.equal(r.service_tier, "flex", "the tier Bedrock used");
    assert.deepEqual(r.metadata, { team: "search", "bad key!": "v" });
    await gw.openai.responses.create({ model: NOVA, input: "x", prompt_cache_key: "k", prompt_caching: false } as any);
    assert.ok(!JSON.stringify(gw.fake.lastCall()!.body).includes("cachePoint"), "prompt_caching: false opts out");
  });

  it("reports a guardrail intervention as incomplete with reason content_filter", async () => {
    gw.fake.enqueue({ content: [text("Sorry, I can't help with that.")], stopReason: "guardrail_intervened" });
    const r = await gw.openai.responses.create({ model: NOVA, input: "x" });
    assert.deepEqual(r.incomplete_details, { reason: "content_filter" });
  });

  it("sends images as image blocks and refuses private image URLs", async () => {
    await gw.openai.responses.create({
      model: NOVA,
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is this?" },
            { type: "input_image", image_url: `data:image/png;base64,${PNG}`, detail: "auto" },
          ],
        },
      ],
    });
    const block = gw.fake.lastCall()!.body.messages[0].content[1];
    assert.equal(block.image.format, "png");
    await assert.rejects(
      gw.openai.responses.create({
        model: NOVA,
        input: [{ role: "user", content: [{ type: "input_image", image_url: "http://169.254.169.254/latest/meta-data", detail: "auto" }] }],
      }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && (e.error as { param?: string }).param === "input[0].content[0].image_url",
    );
    await assert.rejects(
      gw.openai.responses.create({
        model: "meta.llama3-3-70b-instruct-v1:0",
        input: [{ role: "user", content: [{ type: "input_image", image_url: `data:image/png;base64,${PNG}`, detail: "auto" }] }],
      }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && /does not accept image input/.test(e.message),
    );
  });

  it("sends input_file PDFs as documents", async () => {
    const pdf = Buffer.from("%PDF-1.4 tiny").toString("base64");
    await gw.openai.responses.create({
      model: CLAUDE,
      input: [
        {
          role: "user",
          content: [
            { type: "input_file", filename: "report.pdf", file_data: `data:application/pdf;base64,${pdf}` },
            { type: "input_text", text: "Summarise" },
          ],
        },
      ],
    });
    const doc = gw.fake.lastCall()!.body.messages[0].content[0].document;
    assert.equal(doc.format, "pdf");
    assert.equal(doc.name, "report");
  });

  it("answers bad input with OpenAI-shaped errors, never a 500", async () => {
    const bad: [unknown, number, string | null][] = [
      [{ model: NOVA }, 400, "input"],
      [{ model: NOVA, input: 5 }, 400, "input"],
      [{ model: NOVA, input: [{ type: "message", role: "robot", content: "x" }] }, 400, "input[0].role"],
      [{ model: NOVA, input: [{ type: "function_call", name: "f" }] }, 400, "input[0].call_id"],
      [{ model: NOVA, input: "x", temperature: 3 }, 400, "temperature"],
      [{ model: NOVA, input: "x", text: { format: { type: "json_schema", schema: {} } } }, 400, "text.format.name"],
      [{ model: NOVA, input: "x", background: true }, 400, "background"],
      [{ model: NOVA, input: [{ type: "item_reference", id: "msg_1" }] }, 400, "input[0].id"],
      [
        { model: NOVA, input: [{ role: "user", content: [{ type: "input_image", file_id: "file_1" }] }] },
        400,
        "input[0].content[0].image_url",
      ],
      [{ model: NOVA, input: "x", service_tier: "turbo" }, 400, "service_tier"],
      [{ model: "no-such-model", input: "x" }, 404, "model"],
      [{ model: NOVA, input: "x", previous_response_id: "resp_missing" }, 404, "previous_response_id"],
    ];
    for (const [body, status, param] of bad) {
      const res = await gw.request("/v1/responses", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { error: { param: string | null; type: string; message: string } };
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(json.error.param, param, `${JSON.stringify(body)}: ${json.error.message}`);
      assert.deepEqual(openaiSchemaErrors("ErrorResponse", json), []);
    }
    const wrong = await gw.request("/v1/responses", { method: "PUT" });
    assert.equal(wrong.status, 405);
  });

  it("relays Bedrock errors before the first byte as HTTP errors", async () => {
    gw.fake.enqueue({ error: { exception: "ValidationException", message: "Input is too long for requested model." } });
    await assert.rejects(
      gw.openai.responses.create({ model: NOVA, input: "x", stream: true }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && /too long/.test(e.message),
    );
    gw.fake.enqueue({ error: { exception: "AccessDeniedException", message: "no access" } });
    await assert.rejects(gw.openai.responses.create({ model: NOVA, input: "x" }), OpenAI.PermissionDeniedError);
  });

  it("turns a Bedrock exception mid-stream into response.failed, then ends the stream", async () => {
    gw.fake.enqueue({
      content: [text("Partial answer that will break")],
      stream: { textChunk: 4, failAfter: { events: 3, exception: "modelStreamErrorException", message: "The model crashed" } },
    });
    const events = await collect(await gw.openai.responses.create({ model: NOVA, input: "x", stream: true }));
    assertValidEvents(events);
    const last = events.at(-1) as OpenAI.Responses.ResponseFailedEvent;
    assert.equal(last.type, "response.failed");
    assert.equal(last.response.status, "failed");
    assert.equal(last.response.error!.code, "server_error");
    assert.match(last.response.error!.message, /model crashed/);
    assert.equal((last.response.output[0] as OpenAI.Responses.ResponseOutputMessage).status, "incomplete");
    const log = gw.logs.filter((l) => l.path === "/v1/responses").at(-1)!;
    assert.equal(log.errorType, "model_error");
  });

  it("aborts the Bedrock call when the client goes away mid-stream, logs it, and stores nothing", async () => {
    gw.fake.enqueue({ content: [text("A long answer that never finishes")], stream: { textChunk: 4, hangAfter: 4 } });
    const controller = new AbortController();
    const stream = await gw.openai.responses.create({ model: NOVA, input: "x", stream: true }, { signal: controller.signal });
    let id = "";
    try {
      for await (const e of stream) {
        if (e.type === "response.created") id = e.response.id;
        if (e.type === "response.output_text.delta") controller.abort();
      }
    } catch {
      // The SDK may end the iteration quietly or raise an abort error: either is fine here.
    }
    const call = await gw.fake.waitFor((r) => r.operation === "ConverseStream" && r.clientClosedAt !== undefined);
    assert.ok(call.clientClosedAt);
    const log = await waitForLog(gw, (l) => l.path === "/v1/responses" && l.aborted === true);
    assert.equal(log.stream, true);
    await assert.rejects(gw.openai.responses.retrieve(id), OpenAI.NotFoundError);
  });

  it("counts input tokens with Bedrock CountTokens for Claude, and estimates for others", async () => {
    const claude = await gw.request("/v1/responses/input_tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "anthropic.claude-3-5-sonnet-20240620-v1:0",
        input: "Hello there",
        instructions: "Be kind",
        tools: [weather],
      }),
    });
    const body = (await claude.json()) as { object: string; input_tokens: number };
    assert.equal(claude.headers.get("x-bedrock-gateway-token-count"), null, "counted by Bedrock, not estimated");
    assert.equal(body.object, "response.input_tokens");
    assert.ok(body.input_tokens > 0);
    assert.equal(gw.fake.lastCall("CountTokens")!.body.input.converse.system[0].text, "Be kind");
    assert.deepEqual(openaiSchemaErrors("TokenCountsResource", body), []);
    const nova = await gw.request("/v1/responses/input_tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: NOVA, input: "Hello there" }),
    });
    assert.equal(nova.headers.get("x-bedrock-gateway-token-count"), "estimated");
    assert.ok(((await nova.json()) as { input_tokens: number }).input_tokens > 0);
  });
});
