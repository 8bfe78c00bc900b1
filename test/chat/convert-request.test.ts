// Unit tests of the pure request mappers: OpenAI chat request → Converse request.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildConverseRequest } from "../../src/chat/chat-to-converse.ts";
import { CONVERSATION_START, MISSING_TOOL_RESULT } from "../../src/converse/normalize-conversation.ts";
import { GatewayError } from "../../src/errors/gateway-error.ts";
import { capabilitiesFor } from "../../src/models/capabilities.ts";
import { ChatCompletionRequest } from "../../src/openai/chat-request.ts";

const PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

function build(
  body: Record<string, unknown>,
  model = "anthropic.claude-3-5-sonnet-20240620-v1:0",
  extra: { strictParams?: boolean; unknownFields?: string[] } = {},
) {
  const req = ChatCompletionRequest.parse({ model, ...body });
  return buildConverseRequest(req, {
    caps: capabilitiesFor(model),
    modelName: model,
    fetchedImages: new Map(),
    unknownFields: extra.unknownFields ?? [],
    strictParams: extra.strictParams ?? false,
  });
}

describe("message conversion", () => {
  it("maps system and developer messages (strings and text parts) to system blocks", () => {
    const { request } = build({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Use metric units." }] },
        { role: "user", content: "hi" },
      ],
    });
    assert.deepEqual(request.system, [{ text: "Be brief." }, { text: "Use metric units." }]);
    assert.deepEqual(request.messages, [{ role: "user", content: [{ text: "hi" }] }]);
  });

  it("maps user parts, assistant tool calls and tool results", () => {
    const { request } = build({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: `data:image/jpeg;base64,${PNG_1PX}` } },
          ],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }],
        },
        { role: "tool", tool_call_id: "call_1", content: "found" },
      ],
      tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } } }],
    });
    assert.deepEqual(request.messages, [
      // The declared type said jpeg; the bytes are PNG and win.
      { role: "user", content: [{ text: "What is this?" }, { image: { format: "png", source: { bytes: PNG_1PX } } }] },
      { role: "assistant", content: [{ toolUse: { toolUseId: "call_1", name: "lookup", input: { q: "x" } } }] },
      { role: "user", content: [{ toolResult: { toolUseId: "call_1", content: [{ text: "found" }] } }] },
    ]);
  });

  it("merges consecutive same-role messages and puts tool results first", () => {
    const { request } = build({
      messages: [
        { role: "user", content: "a" },
        { role: "user", content: "b" },
        {
          role: "assistant",
          content: "c",
          tool_calls: [
            { id: "t1", type: "function", function: { name: "f", arguments: "{}" } },
            { id: "t2", type: "function", function: { name: "f", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "t1", content: "r1" },
        { role: "user", content: "and?" },
        { role: "tool", tool_call_id: "t2", content: "r2" },
      ],
      tools: [{ type: "function", function: { name: "f" } }],
    });
    assert.equal(request.messages!.length, 3);
    assert.deepEqual(request.messages![0], { role: "user", content: [{ text: "a" }, { text: "b" }] });
    assert.deepEqual(
      request.messages![2]!.content.map((b) => Object.keys(b)[0]),
      ["toolResult", "toolResult", "text"],
    );
  });

  it("starts a conversation that begins with the assistant with a user turn", () => {
    const { request } = build({
      messages: [
        { role: "assistant", content: "How can I help?" },
        { role: "user", content: "Tell me a joke" },
      ],
    });
    assert.deepEqual(request.messages![0], { role: "user", content: [{ text: CONVERSATION_START }] });
    assert.equal(request.messages![1]!.role, "assistant");
  });

  it("drops blank text blocks and empty messages, never sends blank text", () => {
    const { request } = build({
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "", tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: "" } }] },
        { role: "tool", tool_call_id: "t1", content: "" },
        { role: "assistant", content: "   " },
        {
          role: "user",
          content: [
            { type: "text", text: "" },
            { type: "text", text: "next" },
          ],
        },
      ],
      tools: [{ type: "function", function: { name: "f" } }],
    });
    const texts = request.messages!.flatMap((m) => m.content.flatMap((b) => ("text" in b ? [b.text] : [])));
    assert.ok(texts.every((t) => t.trim() !== ""));
    assert.deepEqual(request.messages![1], { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "f", input: {} } }] });
    assert.deepEqual(request.messages![2]!.content[0], { toolResult: { toolUseId: "t1", content: [{ text: "(empty result)" }] } });
  });

  it("answers unanswered tool calls and turns orphan tool results into text", () => {
    const { request } = build({
      messages: [
        { role: "user", content: "go" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "a", type: "function", function: { name: "f", arguments: "{}" } },
            { id: "b", type: "function", function: { name: "f", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "a", content: "ok" },
        { role: "tool", tool_call_id: "zzz", content: "stray" },
        { role: "assistant", content: "done" },
      ],
      tools: [{ type: "function", function: { name: "f" } }],
    });
    const results = request.messages![2]!.content;
    assert.deepEqual(results[0], { toolResult: { toolUseId: "b", status: "error", content: [{ text: MISSING_TOOL_RESULT }] } });
    assert.deepEqual(results[1], { toolResult: { toolUseId: "a", content: [{ text: "ok" }] } });
    assert.deepEqual(results[2], { text: "Result of tool call zzz:\nstray" });
  });

  it("repairs a history that ends with unanswered tool calls", () => {
    const { request } = build({
      messages: [
        { role: "user", content: "go" },
        { role: "assistant", content: null, tool_calls: [{ id: "a", type: "function", function: { name: "f", arguments: "{}" } }] },
      ],
      tools: [{ type: "function", function: { name: "f" } }],
    });
    assert.equal(request.messages!.at(-1)!.role, "user");
  });

  it("synthesises a toolConfig from the history when the request has no tools", () => {
    const { request } = build({
      messages: [
        { role: "user", content: "go" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "a", type: "function", function: { name: "search.web", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "a", content: "ok" },
      ],
    });
    assert.deepEqual(request.toolConfig, {
      tools: [{ toolSpec: { name: "search_web", inputSchema: { json: { type: "object", properties: {} } } } }],
    });
  });

  it("sanitises tool names and keeps them apart", () => {
    const built = build({
      messages: [{ role: "user", content: "x" }],
      tools: [
        { type: "function", function: { name: "mcp.files/read", description: "" } },
        { type: "function", function: { name: "mcp_files_read", description: "  " } },
        { type: "function", function: { name: "x".repeat(80) } },
      ],
    });
    const names = built.request.toolConfig!.tools.map((t) => ("toolSpec" in t ? t.toolSpec.name : ""));
    assert.equal(names[0], "mcp_files_read");
    assert.notEqual(names[1], names[0]);
    assert.ok(names.every((n) => /^[a-zA-Z0-9_-]{1,64}$/.test(n)));
    assert.equal(built.toolNames.clientName(names[0]), "mcp.files/read");
    // No empty or null description is ever sent.
    assert.ok(built.request.toolConfig!.tools.every((t) => "toolSpec" in t && !("description" in t.toolSpec)));
  });

  it("rewrites tool-call ids for Mistral consistently between call and result", () => {
    const { request } = build(
      {
        messages: [
          { role: "user", content: "go" },
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "call_abc_123456789", type: "function", function: { name: "f", arguments: "{}" } }],
          },
          { role: "tool", tool_call_id: "call_abc_123456789", content: "ok" },
        ],
        tools: [{ type: "function", function: { name: "f" } }],
      },
      "mistral.mistral-large-2402-v1:0",
    );
    const use = request.messages![1]!.content[0] as { toolUse: { toolUseId: string } };
    const result = request.messages![2]!.content[0] as { toolResult: { toolUseId: string } };
    assert.match(use.toolUse.toolUseId, /^[a-zA-Z0-9]{9}$/);
    assert.equal(result.toolResult.toolUseId, use.toolUse.toolUseId);
  });

  it("refuses images for a model without image input, naming the model", () => {
    assert.throws(
      () =>
        build(
          { messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG_1PX}` } }] }] },
          "amazon.nova-micro-v1:0",
        ),
      (e: unknown) =>
        e instanceof GatewayError &&
        e.status === 400 &&
        /amazon\.nova-micro-v1:0/.test(e.message) &&
        e.param === "messages[0].content[0].image_url",
    );
  });

  it("refuses bytes that are not an image", () => {
    assert.throws(
      () =>
        build({
          messages: [
            {
              role: "user",
              content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${Buffer.from("hello").toString("base64")}` } }],
            },
          ],
        }),
      (e: unknown) => e instanceof GatewayError && e.code === "invalid_image",
    );
  });

  it("folds the system prompt into the first user turn for models without system prompts", () => {
    const { request } = build(
      {
        messages: [
          { role: "system", content: "S" },
          { role: "user", content: "U" },
        ],
      },
      "amazon.titan-text-premier-v1:0",
    );
    assert.equal(request.system, undefined);
    assert.deepEqual(request.messages![0]!.content, [{ text: "S" }, { text: "U" }]);
  });
});

describe("tools and tool_choice", () => {
  const tools = [
    { type: "function", function: { name: "f", parameters: { type: "object" } } },
    { type: "function", function: { name: "g" } },
  ];
  const msgs = [{ role: "user", content: "x" }];
  it("auto, required and named", () => {
    assert.deepEqual(build({ messages: msgs, tools, tool_choice: "auto" }).request.toolConfig!.toolChoice, { auto: {} });
    assert.deepEqual(build({ messages: msgs, tools, tool_choice: "required" }).request.toolConfig!.toolChoice, { any: {} });
    assert.deepEqual(
      build({ messages: msgs, tools, tool_choice: { type: "function", function: { name: "g" } } }).request.toolConfig!.toolChoice,
      { tool: { name: "g" } },
    );
  });
  it("none omits tools when the history allows", () => {
    const b = build({ messages: msgs, tools, tool_choice: "none" });
    assert.equal(b.request.toolConfig, undefined);
    assert.equal(b.suppressToolCalls, false);
  });
  it("none keeps tools for a history with tool blocks, and suppresses tool calls", () => {
    const b = build({
      messages: [
        { role: "user", content: "go" },
        { role: "assistant", content: null, tool_calls: [{ id: "a", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "a", content: "ok" },
      ],
      tools,
      tool_choice: "none",
    });
    assert.ok(b.request.toolConfig);
    assert.equal(b.request.toolConfig.toolChoice, undefined);
    assert.equal(b.suppressToolCalls, true);
  });
  it("a named choice not in tools is a 400", () => {
    assert.throws(
      () => build({ messages: msgs, tools, tool_choice: { type: "function", function: { name: "nope" } } }),
      (e: unknown) => e instanceof GatewayError && e.param === "tool_choice",
    );
  });
  it("models without forced tool choice fall back to auto and report it", () => {
    const b = build({ messages: msgs, tools, tool_choice: "required" }, "meta.llama3-3-70b-instruct-v1:0");
    assert.equal(b.request.toolConfig!.toolChoice, undefined);
    assert.ok(b.dropped.includes("tool_choice"));
  });
  it("refuses tools for a model that cannot use them", () => {
    assert.throws(
      () => build({ messages: msgs, tools }, "deepseek.r1-v1:0"),
      (e: unknown) => e instanceof GatewayError && e.param === "tools",
    );
  });
  it("maps legacy functions and function_call", () => {
    const b = build({ messages: msgs, functions: [{ name: "f" }], function_call: { name: "f" } });
    assert.deepEqual(b.request.toolConfig!.toolChoice, { tool: { name: "f" } });
  });
  it("passes strict only to models that understand it", () => {
    const strictTools = [{ type: "function", function: { name: "f", strict: true, parameters: { type: "object" } } }];
    const modern = build({ messages: msgs, tools: strictTools }, "anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert.equal((modern.request.toolConfig!.tools[0] as { toolSpec: { strict?: boolean } }).toolSpec.strict, true);
    const old = build({ messages: msgs, tools: strictTools }, "amazon.nova-pro-v1:0");
    assert.equal((old.request.toolConfig!.tools[0] as { toolSpec: { strict?: boolean } }).toolSpec.strict, undefined);
    assert.ok(old.dropped.includes("tools[].strict"));
  });
});

describe("inference parameters", () => {
  const msgs = [{ role: "user", content: "x" }];
  it("clamps temperature to Bedrock's 0..1 and maps top_p, max tokens and stop", () => {
    const { request } = build({ messages: msgs, temperature: 1.7, top_p: 0.9, max_completion_tokens: 100, stop: "END" });
    assert.deepEqual(request.inferenceConfig, { temperature: 1, topP: 0.9, maxTokens: 100, stopSequences: ["END"] });
  });
  it("leaves maxTokens to the model default when omitted", () => {
    assert.equal(build({ messages: msgs }).request.inferenceConfig, undefined);
  });
  it("resolves the temperature/top_p conflict of newer Claude models from the capability table", () => {
    const b = build({ messages: msgs, temperature: 0.5, top_p: 0.9 }, "anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert.deepEqual(b.request.inferenceConfig, { temperature: 0.5 });
    assert.ok(b.dropped.includes("top_p"));
  });
  it("clamps max_tokens to the model's output limit and says so", () => {
    const b = build({ messages: msgs, max_tokens: 100_000 }, "amazon.nova-pro-v1:0");
    assert.equal(b.request.inferenceConfig!.maxTokens, 10_000);
    assert.match(b.notes["x-bedrock-gateway-max-tokens"]!, /100000.*10000/);
  });
  it("drops unsupported parameters by name, ignoring defaults", () => {
    const b = build(
      { messages: msgs, seed: 7, logprobs: true, presence_penalty: 0, frequency_penalty: 0.5, parallel_tool_calls: true },
      undefined,
      { unknownFields: ["foo"] },
    );
    assert.deepEqual(b.dropped.sort(), ["foo", "frequency_penalty", "logprobs", "seed"]);
  });
  it("rejects them under STRICT_PARAMS", () => {
    assert.throws(
      () => build({ messages: msgs, seed: 7 }, undefined, { strictParams: true }),
      (e: unknown) => e instanceof GatewayError && e.param === "seed" && e.code === "unsupported_parameter",
    );
  });
  it("maps user and metadata to requestMetadata within Bedrock's limits", () => {
    const meta = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, `v${i}`]));
    const { request } = build({ messages: msgs, user: "alice@example.com", metadata: { ...meta, "bad key!": "x".repeat(300) } });
    const rm = request.requestMetadata!;
    assert.equal(Object.keys(rm).length, 16);
    assert.equal(rm.user, "alice@example.com");
  });
  it("maps service_tier", () => {
    assert.deepEqual(build({ messages: msgs, service_tier: "flex" }).request.serviceTier, { type: "flex" });
    assert.equal(build({ messages: msgs, service_tier: "auto" }).request.serviceTier, undefined);
  });
});
