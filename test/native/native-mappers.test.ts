// The native upstream's pure parts with fixtures: chat → Responses request, Responses answer →
// chat.completion, Responses stream → chat chunks, usage, image inlining, route table, discovery.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { buildCatalog } from "../../src/models/build-catalog.ts";
import { addNativeModels } from "../../src/models/native-models.ts";
import { resolveModel } from "../../src/models/resolve-model.ts";
import { chatToResponsesRequest } from "../../src/upstreams/native/chat-to-responses-request.ts";
import { inlineChatImages, inlineResponsesImages } from "../../src/upstreams/native/inline-images.ts";
import { mantleTarget, runtimeTarget, unversionedId } from "../../src/upstreams/native/native-routes.ts";
import { usageFromChat, usageFromResponses } from "../../src/upstreams/native/native-usage.ts";
import type { Json, ResponseObjectIn } from "../../src/upstreams/native/openai-shapes.ts";
import { responseToChatCompletion } from "../../src/upstreams/native/response-to-chat-completion.ts";
import { ResponsesToChatChunks } from "../../src/upstreams/native/responses-stream-to-chat.ts";
import { BedrockError } from "../../src/bedrock/bedrock-error.ts";
import { foundationModelSummaries, systemProfileSummaries } from "../fake-bedrock/fake-models.ts";

const fixture = <T = Json>(name: string): T => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8")) as T;
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

describe("chatToResponsesRequest", () => {
  it("maps messages, tools, tool choice, limits, reasoning and structured output; names what it drops", () => {
    const { body, dropped } = chatToResponsesRequest(fixture("chat-request.json"));
    assert.deepEqual(body, fixture("responses-request.json"));
    assert.deepEqual(dropped.sort(), ["logprobs", "n", "seed"]);
  });

  it("maps json_object and keeps string content as is", () => {
    const { body, dropped } = chatToResponsesRequest({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      response_format: { type: "json_object" },
      stop: ["x"],
    });
    assert.deepEqual(body, { input: [{ role: "user", content: "hi" }], store: false, text: { format: { type: "json_object" } } });
    assert.deepEqual(dropped, ["stop"]);
  });
});

describe("responseToChatCompletion", () => {
  it("turns text, reasoning summary, function calls and usage into a chat.completion", () => {
    const out = responseToChatCompletion(fixture<ResponseObjectIn>("response-object.json"), { id: "chatcmpl-test", model: "gpt5" });
    assert.deepEqual(out, fixture("chat-completion.json"));
  });

  it("reports an incomplete response as length, or content_filter", () => {
    const base = { id: "r", output: [{ type: "message", content: [{ type: "output_text", text: "cut" }] }] };
    const a = responseToChatCompletion(
      { ...base, status: "incomplete", incomplete_details: { reason: "max_output_tokens" } },
      { id: "c", model: "m" },
    );
    const b = responseToChatCompletion(
      { ...base, status: "incomplete", incomplete_details: { reason: "content_filter" } },
      { id: "c", model: "m" },
    );
    assert.equal((a.choices as Json[])[0]!.finish_reason, "length");
    assert.equal((b.choices as Json[])[0]!.finish_reason, "content_filter");
  });
});

describe("ResponsesToChatChunks", () => {
  const ctx = { id: "chatcmpl-s", created: 1780000000, model: "gpt5", includeUsage: true };
  const events: Json[] = [
    { type: "response.created", response: { id: "resp_1", status: "in_progress" } },
    { type: "response.output_item.added", output_index: 0, item: { type: "reasoning", id: "rs_1" } },
    { type: "response.reasoning_summary_text.delta", item_id: "rs_1", delta: "thinking" },
    { type: "response.output_item.added", output_index: 1, item: { type: "message", id: "msg_1" } },
    { type: "response.output_text.delta", item_id: "msg_1", delta: "Hel" },
    { type: "response.output_text.delta", item_id: "msg_1", delta: "lo" },
    {
      type: "response.output_item.added",
      output_index: 2,
      item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "f", arguments: "" },
    },
    { type: "response.function_call_arguments.delta", item_id: "fc_1", delta: '{"a":' },
    { type: "response.function_call_arguments.delta", item_id: "fc_1", delta: "1}" },
    {
      type: "response.output_item.added",
      output_index: 3,
      item: { type: "function_call", id: "fc_2", call_id: "call_2", name: "g", arguments: "" },
    },
    { type: "response.completed", response: { id: "resp_1", status: "completed", usage: { input_tokens: 10, output_tokens: 5 } } },
  ];

  it("emits one role chunk, content, dense tool indexes, finish and usage, all with one id", () => {
    const m = new ResponsesToChatChunks(ctx);
    const chunks = events.flatMap((e) => m.push(e));
    const deltas = chunks.map((c) => ((c.choices as Json[])[0]?.delta ?? null) as Json | null);
    assert.deepEqual(deltas[0], { role: "assistant", content: "", reasoning_content: "thinking" });
    assert.deepEqual(deltas.slice(1, 3), [{ content: "Hel" }, { content: "lo" }]);
    assert.deepEqual(deltas[3], { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "" } }] });
    assert.deepEqual(deltas[5], { tool_calls: [{ index: 0, function: { arguments: "1}" } }] });
    assert.equal((deltas[6]!.tool_calls as Json[])[0]!.index, 1);
    assert.equal((chunks.at(-2)!.choices as Json[])[0]!.finish_reason, "tool_calls");
    assert.deepEqual(chunks.at(-1)!.choices, []);
    assert.equal((chunks.at(-1)!.usage as Json).prompt_tokens, 10);
    assert.ok(chunks.every((c) => c.id === "chatcmpl-s" && c.created === 1780000000));
    assert.equal(m.final?.id, "resp_1");
  });

  it("throws a mid-stream model error on response.failed and on error events", () => {
    const m = new ResponsesToChatChunks(ctx);
    assert.throws(
      () => m.push({ type: "response.failed", response: { error: { code: "server_error", message: "boom" } } }),
      (e: unknown) => e instanceof BedrockError && e.midStream && e.message === "boom",
    );
    assert.throws(
      () => m.push({ type: "error", message: "bad" }),
      (e: unknown) => e instanceof BedrockError && e.message === "bad",
    );
  });
});

describe("native usage and images", () => {
  it("counts cached prompt tokens as cache reads, not input (Bedrock's convention)", () => {
    assert.deepEqual(usageFromChat({ prompt_tokens: 100, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 60 } }), {
      inputTokens: 40,
      outputTokens: 7,
      cacheReadTokens: 60,
    });
    assert.deepEqual(usageFromResponses({ input_tokens: 5, output_tokens: 2 }), { inputTokens: 5, outputTokens: 2, cacheReadTokens: 0 });
    assert.equal(usageFromChat(null), undefined);
  });

  it("replaces fetched image URLs by data URLs with the format from the bytes", () => {
    const fetched = new Map([["https://example.com/cat.jpg", PNG]]);
    const messages = [
      {
        role: "user",
        content: [
          { type: "text", text: "x" },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
        ],
      },
      { role: "user", content: "plain" },
    ];
    const out = inlineChatImages(messages, fetched) as Json[];
    const part = (out[0]!.content as Json[])[1]!;
    assert.equal((part.image_url as Json).url, `data:image/png;base64,${PNG.toString("base64")}`);
    assert.equal(out[1], messages[1], "untouched messages are not copied");
    const items = inlineResponsesImages(
      [{ role: "user", content: [{ type: "input_image", image_url: "https://example.com/cat.jpg" }] }],
      fetched,
    );
    assert.match(String((items[0]!.content as Json[])[0]!.image_url), /^data:image\/png;base64,/);
  });
});

describe("native routes and discovery", () => {
  it("knows GPT-5.x as Responses-only under /openai/v1, Claude as Messages-only, others under /v1", () => {
    assert.deepEqual(mantleTarget("openai.gpt-5.5"), {
      upstream: "mantle",
      modelId: "openai.gpt-5.5",
      prefix: "/openai/v1",
      apis: ["responses"],
    });
    assert.deepEqual(mantleTarget("anthropic.claude-opus-4-8").apis, []);
    assert.deepEqual(mantleTarget("qwen.qwen3-coder-480b"), {
      upstream: "mantle",
      modelId: "qwen.qwen3-coder-480b",
      prefix: "/v1",
      apis: ["chat", "responses"],
    });
    assert.equal(runtimeTarget("openai.gpt-oss-20b-1:0")?.prefix, "/openai/v1");
    assert.equal(runtimeTarget("anthropic.claude-3-haiku-20240307-v1:0"), undefined);
  });

  it("reduces Converse ids to Mantle's unversioned spelling", () => {
    assert.equal(unversionedId("openai.gpt-oss-120b-1:0"), "openai.gpt-oss-120b");
    assert.equal(unversionedId("anthropic.claude-haiku-4-5-20251001-v1:0"), "anthropic.claude-haiku-4-5");
    assert.equal(unversionedId("us.amazon.nova-pro-v1:0"), "amazon.nova-pro");
    assert.equal(unversionedId("openai.gpt-5.5"), "openai.gpt-5.5");
  });

  const converse = () =>
    buildCatalog(foundationModelSummaries("us-east-1"), systemProfileSummaries("us-east-1"), [], {
      region: "us-east-1",
      includeSystemProfiles: true,
      includeApplicationProfiles: false,
    });
  const mantle = fixture<{ data: { id: string; created: number; owned_by: string }[] }>("mantle-models.json").data;

  it("lists only what Converse cannot serve, and makes Mantle spellings names of Converse models", () => {
    const snap = addNativeModels(converse(), mantle, { forceModels: [] });
    const native = snap.models
      .filter((m) => m.native)
      .map((m) => m.id)
      .sort();
    assert.deepEqual(native, ["openai.gpt-5.5", "qwen.qwen3-coder-480b"]);
    assert.equal(snap.lookup.get("openai.gpt-oss-120b")?.id, "openai.gpt-oss-120b-1:0");
    assert.equal(snap.lookup.get("anthropic.claude-sonnet-4-5")?.baseModelId, "anthropic.claude-sonnet-4-5-20250929-v1:0");
    // A Mantle Claude that Converse does not know is not listed: it answers only the Messages API.
    assert.equal(snap.lookup.has("anthropic.claude-opus-4-8"), false);
    const r = resolveModel(snap, "openai.gpt-5.5", "chat", { aliases: new Map(), defaultModel: "x", defaultEmbeddingModel: "y" });
    assert.equal(r.entry?.native?.prefix, "/openai/v1");
    assert.equal(r.baseModelId, "openai.gpt-5.5");
  });

  it("NATIVE_MODELS forces matching Converse models native (runtime when documented there, else Mantle)", () => {
    const snap = addNativeModels(converse(), mantle, { forceModels: ["openai.gpt-oss-*", "anthropic.claude-3-haiku*"] });
    const oss = snap.lookup.get("openai.gpt-oss-120b-1:0")!;
    assert.deepEqual(oss.native, { upstream: "runtime", modelId: "openai.gpt-oss-120b-1:0", prefix: "/openai/v1", apis: ["chat"] });
    assert.equal(snap.lookup.get("openai.gpt-oss-120b")?.native?.upstream, "runtime");
    // Claude 3 Haiku has no native chat endpoint: it stays on Converse.
    assert.equal(snap.lookup.get("anthropic.claude-3-haiku-20240307-v1:0")?.native, undefined);
    // Nothing else changed.
    assert.equal(snap.lookup.get("amazon.nova-pro-v1:0")?.native, undefined);
  });
});
