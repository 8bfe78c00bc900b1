// Structured output, prompt caching, documents, guardrails, service tiers and the Bedrock-native
// extra fields, through /v1/chat/completions with the openai SDK.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import OpenAI from "openai";
import { text, toolUse } from "./fake-bedrock/fake-bedrock.ts";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const weatherSchema = {
  type: "object",
  properties: { city: { type: "string" }, celsius: { type: "number" } },
  required: ["city", "celsius"],
  additionalProperties: false,
};
const responseFormat = { type: "json_schema" as const, json_schema: { name: "weather_report", schema: weatherSchema, strict: true } };
const validates = new Ajv2020().compile(weatherSchema);

describe("structured output", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  it("uses native outputConfig.textFormat on models that support it", async () => {
    gw.fake.enqueue({ content: [text('{"city":"Paris","celsius":21}')] });
    const res = await gw.openai.chat.completions.create({
      model: "anthropic.claude-sonnet-4-5-20250929-v1:0",
      messages: [{ role: "user", content: "Weather?" }],
      response_format: responseFormat,
    });
    const tf = gw.fake.lastCall()!.body.outputConfig.textFormat;
    assert.equal(tf.type, "json_schema");
    assert.deepEqual(JSON.parse(tf.structure.jsonSchema.schema), weatherSchema);
    assert.equal(tf.structure.jsonSchema.name, "weather_report");
    assert.ok(validates(JSON.parse(res.choices[0]!.message.content!)));
  });

  it("falls back to a forced tool whose input becomes the content", async () => {
    gw.fake.enqueue({ content: [toolUse("weather_report", { city: "Oslo", celsius: -3 })] });
    const res = await gw.openai.chat.completions.create({
      model: "amazon.nova-pro-v1:0",
      messages: [{ role: "user", content: "Weather?" }],
      response_format: responseFormat,
    });
    const sent = gw.fake.lastCall()!.body;
    assert.equal(sent.outputConfig, undefined);
    assert.deepEqual(sent.toolConfig.toolChoice, { tool: { name: "weather_report" } });
    const m = res.choices[0]!.message;
    assert.equal(m.tool_calls, undefined);
    assert.equal(res.choices[0]!.finish_reason, "stop");
    assert.ok(validates(JSON.parse(m.content!)));
    assert.deepEqual(openaiSchemaErrors("CreateChatCompletionResponse", res), []);
  });

  it("streams the forced tool's input as content", async () => {
    gw.fake.enqueue({ content: [toolUse("weather_report", { city: "Oslo", celsius: -3 })], stream: { toolChunk: 5 } });
    const stream = await gw.openai.chat.completions.create({
      model: "amazon.nova-pro-v1:0",
      messages: [{ role: "user", content: "Weather?" }],
      response_format: responseFormat,
      stream: true,
    });
    let content = "";
    let toolDeltas = 0;
    for await (const c of stream) {
      content += c.choices[0]?.delta.content ?? "";
      toolDeltas += c.choices[0]?.delta.tool_calls?.length ?? 0;
    }
    assert.equal(toolDeltas, 0);
    assert.ok(validates(JSON.parse(content)));
  });

  it("uses instructions (never a forced tool) while thinking, and cleans code fences", async () => {
    gw.fake.enqueue({
      content: [{ reasoningContent: { reasoningText: { text: "plan" } } }, text('Here it is:\n```json\n{"city":"Rome","celsius":30}\n```')],
    });
    const res = await gw.openai.chat.completions.create({
      model: "anthropic.claude-3-7-sonnet-20250219-v1:0",
      messages: [{ role: "user", content: "Weather?" }],
      response_format: responseFormat,
      reasoning_effort: "low",
    });
    const sent = gw.fake.lastCall()!.body;
    assert.equal(sent.toolConfig, undefined);
    assert.match(sent.system.at(-1).text, /JSON Schema/);
    assert.deepEqual(JSON.parse(res.choices[0]!.message.content!), { city: "Rome", celsius: 30 });
  });

  it("json_object yields a JSON object", async () => {
    gw.fake.enqueue({ content: [toolUse("json_response", { answer: 42 })] });
    const res = await gw.openai.chat.completions.create({
      model: "amazon.nova-lite-v1:0",
      messages: [{ role: "user", content: "x" }],
      response_format: { type: "json_object" },
    });
    assert.deepEqual(JSON.parse(res.choices[0]!.message.content!), { answer: 42 });
  });

  it("rejects a malformed response_format with a 400 naming it", async () => {
    await assert.rejects(
      gw.openai.chat.completions.create({
        model: "amazon.nova-lite-v1:0",
        messages: [{ role: "user", content: "x" }],
        response_format: { type: "xml" } as any,
      }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === "response_format.type",
    );
  });
});

describe("prompt caching", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());
  const points = (body: any) => ({
    tools: (body.toolConfig?.tools ?? []).filter((t: any) => t.cachePoint).length,
    system: (body.system ?? []).filter((b: any) => b.cachePoint).length,
    messages: body.messages.flatMap((m: any) => m.content).filter((b: any) => b.cachePoint).length,
  });

  it("maps cache_control on system parts, content parts and tools to cache points in place", async () => {
    await gw.openai.chat.completions.create({
      model: "anthropic.claude-sonnet-4-5-20250929-v1:0",
      messages: [
        { role: "system", content: [{ type: "text", text: "Long system prompt", cache_control: { type: "ephemeral", ttl: "1h" } }] as any },
        {
          role: "user",
          content: [
            { type: "text", text: "Big document", cache_control: { type: "ephemeral" } },
            { type: "text", text: "Question" },
          ] as any,
        },
      ],
      tools: [{ type: "function", function: { name: "f" }, cache_control: { type: "ephemeral" } } as any],
    });
    const body = gw.fake.lastCall()!.body;
    assert.deepEqual(body.system, [{ text: "Long system prompt" }, { cachePoint: { type: "default", ttl: "1h" } }]);
    assert.deepEqual(body.messages[0].content, [{ text: "Big document" }, { cachePoint: { type: "default" } }, { text: "Question" }]);
    assert.deepEqual(body.toolConfig.tools[1], { cachePoint: { type: "default" } });
  });

  it("keeps the earliest 4 cache points and says so", async () => {
    const parts = Array.from({ length: 6 }, (_, i) => ({ type: "text", text: `part ${i}`, cache_control: { type: "ephemeral" } }));
    const res = await gw.openai.chat.completions
      .create({
        model: "anthropic.claude-sonnet-4-5-20250929-v1:0",
        messages: [
          { role: "system", content: "s" },
          { role: "user", content: parts as any },
        ],
      })
      .withResponse();
    const body = gw.fake.lastCall()!.body;
    assert.equal(points(body).messages, 4);
    assert.deepEqual(body.messages[0].content.slice(0, 2), [{ text: "part 0" }, { cachePoint: { type: "default" } }]);
    assert.match(res.response.headers.get("x-bedrock-gateway-cache-points")!, /2 cache point/);
  });

  it("places automatic cache points per request (prompt_caching) after tools, system and the last user turn", async () => {
    await gw.openai.chat.completions.create({
      model: "amazon.nova-pro-v1:0",
      messages: [
        { role: "system", content: "s" },
        { role: "user", content: "a" },
        { role: "assistant", content: "b" },
        { role: "user", content: "c" },
      ],
      tools: [{ type: "function", function: { name: "f" } }],
      prompt_caching: true,
    } as any);
    const body = gw.fake.lastCall()!.body;
    assert.deepEqual(points(body), { tools: 1, system: 1, messages: 1 });
    assert.deepEqual(body.messages.at(-1).content.at(-1), { cachePoint: { type: "default" } });
  });

  it("drops cache_control for models that cannot cache, and reports it", async () => {
    const res = await gw.openai.chat.completions
      .create({
        model: "meta.llama3-3-70b-instruct-v1:0",
        messages: [{ role: "user", content: [{ type: "text", text: "x", cache_control: { type: "ephemeral" } }] as any }],
      })
      .withResponse();
    assert.deepEqual(points(gw.fake.lastCall()!.body), { tools: 0, system: 0, messages: 0 });
    assert.match(res.response.headers.get("x-bedrock-gateway-dropped-params")!, /cache_control/);
  });

  it("reports cache reads in cached_tokens and cache writes in an extra field", async () => {
    gw.fake.enqueue({
      content: [text("ok")],
      usage: { inputTokens: 20, outputTokens: 5, cacheReadInputTokens: 3000, cacheWriteInputTokens: 1200 },
    });
    const res = await gw.openai.chat.completions.create({
      model: "anthropic.claude-sonnet-4-5-20250929-v1:0",
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal(res.usage!.prompt_tokens, 4220);
    assert.equal(res.usage!.prompt_tokens_details!.cached_tokens, 3000);
    assert.equal((res.usage as any).cache_creation_input_tokens, 1200);
  });
});

describe("prompt caching from ENABLE_PROMPT_CACHING", () => {
  it("adds automatic cache points unless the request opts out", async () => {
    const gw = await startGateway({ env: { ENABLE_PROMPT_CACHING: "true" } });
    try {
      await gw.openai.chat.completions.create({
        model: "amazon.nova-pro-v1:0",
        messages: [
          { role: "system", content: "s" },
          { role: "user", content: "c" },
        ],
      });
      assert.deepEqual(gw.fake.lastCall()!.body.system, [{ text: "s" }, { cachePoint: { type: "default" } }]);
      await gw.openai.chat.completions.create({
        model: "amazon.nova-pro-v1:0",
        messages: [
          { role: "system", content: "s" },
          { role: "user", content: "c" },
        ],
        prompt_caching: false,
      } as any);
      assert.deepEqual(gw.fake.lastCall()!.body.system, [{ text: "s" }]);
    } finally {
      await gw.close();
    }
  });
});

describe("documents, guardrails, service tiers and Bedrock extras", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { GUARDRAIL_ID: "gr1abc", GUARDRAIL_VERSION: "3" } });
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());
  const pdf = `data:application/pdf;base64,${Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF").toString("base64")}`;

  it("sends file parts as documents with valid, unique names and optional citations", async () => {
    gw.fake.enqueue({
      content: [
        {
          citationsContent: {
            content: [{ text: "Revenue grew 12%." }],
            citations: [
              { title: "report", sourceContent: [{ text: "12%" }], location: { documentPage: { documentIndex: 0, start: 1, end: 2 } } },
            ],
          },
        },
      ],
    });
    const res = await gw.openai.chat.completions.create({
      model: "anthropic.claude-sonnet-4-5-20250929-v1:0",
      messages: [
        {
          role: "user",
          content: [
            { type: "file", file: { file_data: pdf, filename: "Q3 report (final).v2.pdf", citations: true } as any },
            {
              type: "file",
              file: {
                file_data: `data:text/csv;base64,${Buffer.from("a,b\n1,2").toString("base64")}`,
                filename: "Q3 report (final).v2.csv",
              },
            },
            { type: "text", text: "Summarise" },
          ],
        },
      ],
    });
    const docs = gw.fake
      .lastCall()!
      .body.messages[0].content.filter((b: any) => b.document)
      .map((b: any) => b.document);
    assert.deepEqual(
      docs.map((d: any) => [d.format, d.name, d.citations]),
      [
        ["pdf", "Q3 report (final) v2", { enabled: true }],
        ["csv", "Q3 report (final) v2 (2)", undefined],
      ],
    );
    const m = res.choices[0]!.message as any;
    assert.equal(m.content, "Revenue grew 12%.");
    assert.equal(m.citations[0].location.documentPage.start, 1);
  });

  it("sends video parts to models that take video and refuses audio where the model has none", async () => {
    const mp4 = `data:video/mp4;base64,${Buffer.from("\u0000\u0000\u0000\u0018ftypmp42").toString("base64")}`;
    await gw.openai.chat.completions.create({
      model: "amazon.nova-lite-v1:0",
      messages: [
        { role: "user", content: [{ type: "video_url", video_url: { url: mp4 } } as any, { type: "text", text: "What happens?" }] },
      ],
    });
    assert.equal(gw.fake.lastCall()!.body.messages[0].content[0].video.format, "mp4");
    await gw.openai.chat.completions.create({
      model: "amazon.nova-lite-v1:0",
      messages: [{ role: "user", content: [{ type: "video_url", video_url: { url: "s3://my-bucket/clip.mov" } } as any] }],
    });
    assert.deepEqual(gw.fake.lastCall()!.body.messages[0].content[0].video, {
      format: "mov",
      source: { s3Location: { uri: "s3://my-bucket/clip.mov" } },
    });
    await assert.rejects(
      gw.openai.chat.completions.create({
        model: "amazon.nova-lite-v1:0",
        messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] }],
      }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && /amazon\.nova-lite-v1:0.*audio/.test(e.message),
    );
    await assert.rejects(
      gw.openai.chat.completions.create({
        model: "anthropic.claude-3-5-sonnet-20240620-v1:0",
        messages: [{ role: "user", content: [{ type: "video_url", video_url: { url: mp4 } } as any] }],
      }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && /video/.test(e.message),
    );
  });

  it("refuses documents for a model without document input, naming the model", async () => {
    await assert.rejects(
      gw.openai.chat.completions.create({
        model: "openai.gpt-oss-120b-1:0",
        messages: [{ role: "user", content: [{ type: "file", file: { file_data: pdf, filename: "a.pdf" } }] }],
      }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && /openai\.gpt-oss-120b-1:0/.test(e.message),
    );
  });

  it("applies the default guardrail and reports an intervention as content_filter with the trace", async () => {
    const trace = {
      guardrail: {
        inputAssessment: { gr1abc: { contentPolicy: { filters: [{ type: "VIOLENCE", confidence: "HIGH", action: "BLOCKED" }] } } },
      },
    };
    gw.fake.enqueue({ content: [text("Sorry, I can't help with that.")], stopReason: "guardrail_intervened", extra: { trace } });
    const res = await gw.openai.chat.completions.create({ model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "bad" }] });
    assert.deepEqual(gw.fake.lastCall()!.body.guardrailConfig, { guardrailIdentifier: "gr1abc", guardrailVersion: "3" });
    assert.equal(res.choices[0]!.finish_reason, "content_filter");
    assert.deepEqual((res as any).bedrock.trace, trace);
  });

  it("takes guardrailConfig from the request, streaming options only on streams", async () => {
    const gc = { guardrailIdentifier: "other1", guardrailVersion: "DRAFT", trace: "enabled", streamProcessingMode: "async" };
    await gw.openai.chat.completions.create({
      model: "amazon.nova-lite-v1:0",
      messages: [{ role: "user", content: "x" }],
      guardrailConfig: gc,
    } as any);
    assert.deepEqual(gw.fake.lastCall()!.body.guardrailConfig, {
      guardrailIdentifier: "other1",
      guardrailVersion: "DRAFT",
      trace: "enabled",
    });
    const s = await gw.openai.chat.completions.create({
      model: "amazon.nova-lite-v1:0",
      messages: [{ role: "user", content: "x" }],
      guardrailConfig: gc,
      stream: true,
    } as any);
    for await (const _ of s as any) {
      // drain
    }
    assert.equal(gw.fake.lastCall("ConverseStream")!.body.guardrailConfig.streamProcessingMode, "async");
    await assert.rejects(
      gw.openai.chat.completions.create({
        model: "amazon.nova-lite-v1:0",
        messages: [{ role: "user", content: "x" }],
        guardrailConfig: { guardrailIdentifier: "x", guardrailVersion: "latest" },
      } as any),
      (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === "guardrailConfig.guardrailVersion",
    );
  });

  it("maps service_tier and echoes the tier Bedrock used", async () => {
    const res = await gw.openai.chat.completions.create({
      model: "amazon.nova-lite-v1:0",
      messages: [{ role: "user", content: "x" }],
      service_tier: "flex",
    });
    assert.deepEqual(gw.fake.lastCall()!.body.serviceTier, { type: "flex" });
    assert.equal(res.service_tier, "flex");
    const stream = await gw.openai.chat.completions.create({
      model: "amazon.nova-lite-v1:0",
      messages: [{ role: "user", content: "x" }],
      service_tier: "priority",
      stream: true,
    });
    const tiers = new Set<string | null | undefined>();
    for await (const c of stream) tiers.add(c.service_tier);
    assert.ok(tiers.has("priority"));
  });

  it("passes additionalModelRequestFields, response field paths, performanceConfig and requestMetadata", async () => {
    gw.fake.enqueue({ content: [text("ok")], extra: { additionalModelResponseFields: { stop_sequence: null } } });
    const res = await gw.openai.chat.completions.create({
      model: "anthropic.claude-3-5-sonnet-20240620-v1:0",
      messages: [{ role: "user", content: "x" }],
      additionalModelRequestFields: { top_k: 40 },
      additionalModelResponseFieldPaths: ["/stop_sequence"],
      performanceConfig: { latency: "optimized" },
      user: "user-42 <alice@example.com>",
      metadata: { team: "search", "cost-center": "cc/77" },
    } as any);
    const body = gw.fake.lastCall()!.body;
    assert.deepEqual(body.additionalModelRequestFields, { top_k: 40 });
    assert.deepEqual(body.additionalModelResponseFieldPaths, ["/stop_sequence"]);
    assert.deepEqual(body.performanceConfig, { latency: "optimized" });
    assert.deepEqual(body.requestMetadata, { user: "user-42 _alice@example.com_", team: "search", "cost-center": "cc/77" });
    assert.deepEqual((res as any).bedrock, {
      additional_model_response_fields: { stop_sequence: null },
      performance_config: { latency: "optimized" },
    });
  });

  it("honours bedrock-access-gateway's literal extra_body key", async () => {
    await gw.openai.chat.completions.create({
      model: "anthropic.claude-3-5-sonnet-20240620-v1:0",
      messages: [{ role: "user", content: "x" }],
      extra_body: { additionalModelRequestFields: { top_k: 5 } },
    } as any);
    assert.deepEqual(gw.fake.lastCall()!.body.additionalModelRequestFields, { top_k: 5 });
  });
});
