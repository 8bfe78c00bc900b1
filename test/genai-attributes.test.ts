// Fixture tests of the pure GenAI semantic-convention mappers and the stream observer.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ConverseRequest, ConverseResponse, ConverseStreamEvent } from "../src/bedrock/converse-types.ts";
import {
  boundedJson,
  contentPart,
  converseRequestAttributes,
  converseResponseAttributes,
  inputContentAttributes,
  MAX_CONTENT_CHARS,
  operationName,
  outputContentAttributes,
  startAttributes,
  usageAttributes,
} from "../src/telemetry/genai-attributes.ts";
import { StreamObserver } from "../src/telemetry/stream-observer.ts";

describe("gen_ai.operation.name", () => {
  it("Converse is chat; InvokeModel is named by the endpoint, or by the model id outside a request", () => {
    assert.equal(operationName("converse", "responses", "x"), "chat");
    assert.equal(operationName("converseStream", undefined, "x"), "chat");
    assert.equal(operationName("invokeModel", "embeddings", "arn:aws:bedrock:us-east-1:1:application-inference-profile/abc"), "embeddings");
    assert.equal(operationName("invokeModel", "images.generations", "amazon.nova-canvas-v1:0"), "generate_content");
    assert.equal(operationName("invokeModel", "rerank", "cohere.rerank-v3-5:0"), "rerank");
    assert.equal(operationName("invokeModel", undefined, "us.cohere.embed-v4:0"), "embeddings");
    assert.equal(operationName("invokeModel", undefined, "amazon.rerank-v1:0"), "rerank");
    assert.equal(operationName("invokeModel", undefined, "stability.sd3-5-large-v1:0"), "generate_content");
    assert.equal(operationName("invokeModel", undefined, "meta.llama3"), "invoke_model");
    assert.equal(operationName("countTokens", "messages.count_tokens", "x"), "count_tokens");
  });
});

describe("span attributes", () => {
  it("start attributes: provider, model, server; images say their output type", () => {
    assert.deepEqual(startAttributes("chat", "m", { address: "bedrock-runtime.us-east-1.amazonaws.com", port: 443 }), {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "aws.bedrock",
      "gen_ai.system": "aws.bedrock",
      "gen_ai.request.model": "m",
      "server.address": "bedrock-runtime.us-east-1.amazonaws.com",
      "server.port": 443,
    });
    assert.equal(startAttributes("generate_content", "m", { address: "h", port: 1 })["gen_ai.output.type"], "image");
  });

  it("request parameters from inferenceConfig, guardrail and structured output", () => {
    const req: ConverseRequest = {
      inferenceConfig: { maxTokens: 100, temperature: 0, topP: 0.5, stopSequences: ["END"] },
      guardrailConfig: { guardrailIdentifier: "gr-1", guardrailVersion: "1" },
      outputConfig: { textFormat: { type: "json_schema", structure: { jsonSchema: { schema: "{}" } } } },
    };
    assert.deepEqual(converseRequestAttributes(req, true), {
      "gen_ai.request.stream": true,
      "gen_ai.request.max_tokens": 100,
      "gen_ai.request.temperature": 0,
      "gen_ai.request.top_p": 0.5,
      "gen_ai.request.stop_sequences": ["END"],
      "aws.bedrock.guardrail.id": "gr-1",
      "gen_ai.output.type": "json",
    });
    assert.deepEqual(converseRequestAttributes({}, false), { "gen_ai.request.stream": false });
  });

  it("usage: input_tokens includes cache reads and writes (Bedrock reports them apart)", () => {
    assert.deepEqual(usageAttributes({ inputTokens: 10, outputTokens: 2, cacheReadInputTokens: 5, cacheWriteInputTokens: 1 }), {
      "gen_ai.usage.input_tokens": 16,
      "gen_ai.usage.output_tokens": 2,
      "gen_ai.usage.cache_read.input_tokens": 5,
      "gen_ai.usage.cache_creation.input_tokens": 1,
    });
    assert.deepEqual(usageAttributes({ inputTokens: 3, outputTokens: undefined }), { "gen_ai.usage.input_tokens": 3 });
    assert.deepEqual(usageAttributes(undefined), {});
  });

  it("response: the prompt router's chosen model is the response model", () => {
    const res: ConverseResponse = {
      output: {},
      stopReason: "max_tokens",
      usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
      trace: { promptRouter: { invokedModelId: "arn:…:anthropic.claude-3-haiku" } },
    };
    const a = converseResponseAttributes("router-arn", res);
    assert.equal(a["gen_ai.response.model"], "arn:…:anthropic.claude-3-haiku");
    assert.deepEqual(a["gen_ai.response.finish_reasons"], ["max_tokens"]);
    assert.equal(converseResponseAttributes("m", { ...res, trace: undefined })["gen_ai.response.model"], "m");
  });
});

describe("message content (opt-in)", () => {
  it("maps every Converse block to the conventions' parts, never exporting media bytes", () => {
    assert.deepEqual(contentPart({ text: "hi" }), { type: "text", content: "hi" });
    assert.deepEqual(contentPart({ toolUse: { toolUseId: "t1", name: "f", input: { a: 1 } } }), {
      type: "tool_call",
      id: "t1",
      name: "f",
      arguments: { a: 1 },
    });
    assert.deepEqual(contentPart({ toolResult: { toolUseId: "t1", content: [{ json: { ok: true } }] } }), {
      type: "tool_call_response",
      id: "t1",
      response: { ok: true },
    });
    assert.deepEqual(contentPart({ reasoningContent: { reasoningText: { text: "hmm", signature: "sig" } } }), {
      type: "reasoning",
      content: "hmm",
    });
    assert.deepEqual(contentPart({ reasoningContent: { redactedContent: "AAAA" } }), { type: "reasoning", content: "[redacted]" });
    assert.deepEqual(contentPart({ image: { format: "png", source: { bytes: "iVBORw0KGgo=" } } }), {
      type: "blob",
      modality: "image",
      mime_type: "image/png",
    });
    assert.deepEqual(contentPart({ image: { format: "jpeg", source: { s3Location: { uri: "s3://b/k.jpg" } } } }), {
      type: "blob",
      modality: "image",
      mime_type: "image/jpeg",
      uri: "s3://b/k.jpg",
    });
    assert.deepEqual(contentPart({ document: { name: "d", format: "txt", source: { text: "body" } } }), { type: "text", content: "body" });
    assert.equal(contentPart({ cachePoint: { type: "default" } }), undefined);
  });

  it("input, system and output messages as JSON strings", () => {
    const a = inputContentAttributes({
      system: [{ text: "sys" }, { cachePoint: { type: "default" } }],
      messages: [{ role: "user", content: [{ text: "q" }, { cachePoint: { type: "default" } }] }],
    });
    assert.deepEqual(JSON.parse(String(a["gen_ai.input.messages"])), [{ role: "user", parts: [{ type: "text", content: "q" }] }]);
    assert.deepEqual(JSON.parse(String(a["gen_ai.system_instructions"])), [{ type: "text", content: "sys" }]);
    const o = outputContentAttributes({ role: "assistant", content: [{ text: "a" }] }, "end_turn");
    assert.deepEqual(JSON.parse(String(o["gen_ai.output.messages"])), [
      { role: "assistant", parts: [{ type: "text", content: "a" }], finish_reason: "end_turn" },
    ]);
  });

  it("long content is cut to a bound and says so", () => {
    const out = boundedJson({ t: "x".repeat(MAX_CONTENT_CHARS * 2) });
    assert.ok(out.length < MAX_CONTENT_CHARS + 100);
    assert.match(out, /…\[truncated \d+ chars\]$/);
  });
});

describe("StreamObserver", () => {
  const events: ConverseStreamEvent[] = [
    { messageStart: { role: "assistant" } },
    { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: "think" } } } },
    { contentBlockDelta: { contentBlockIndex: 1, delta: { text: "Hel" } } },
    { contentBlockDelta: { contentBlockIndex: 1, delta: { text: "lo" } } },
    { contentBlockStart: { contentBlockIndex: 2, start: { toolUse: { toolUseId: "t9", name: "f" } } } },
    { contentBlockDelta: { contentBlockIndex: 2, delta: { toolUse: { input: '{"a":' } } } },
    { contentBlockDelta: { contentBlockIndex: 2, delta: { toolUse: { input: "1}" } } } },
    { messageStop: { stopReason: "tool_use" } },
    { metadata: { usage: { inputTokens: 4, outputTokens: 9, totalTokens: 13 } } },
  ];

  it("marks the first content delta, reads stop reason and usage, assembles the message when capturing", () => {
    const o = new StreamObserver(true);
    const firsts = events.map((e) => o.observe(e));
    assert.deepEqual(firsts, [false, true, false, false, false, false, false, false, false]);
    assert.equal(o.stopReason, "tool_use");
    assert.equal(o.usage?.outputTokens, 9);
    assert.deepEqual(o.message(), {
      role: "assistant",
      content: [
        { reasoningContent: { reasoningText: { text: "think" } } },
        { text: "Hello" },
        { toolUse: { toolUseId: "t9", name: "f", input: { a: 1 } } },
      ],
    });
  });

  it("keeps no content when not capturing, and a bounded amount when capturing a huge stream", () => {
    const off = new StreamObserver(false);
    for (const e of events) off.observe(e);
    assert.equal(off.message(), undefined);
    const on = new StreamObserver(true);
    const big = "y".repeat(10_000);
    for (let i = 0; i < 100; i++) on.observe({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: big } } });
    on.observe({ contentBlockDelta: { contentBlockIndex: 1e9, delta: { text: "z" } } });
    const kept = JSON.stringify(on.message()).length;
    assert.ok(kept <= MAX_CONTENT_CHARS + 200, `kept ${kept}`);
  });
});
