// Unit tests of the pure response mappers with fixtures shaped exactly like Bedrock's output.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { ConverseResponse, ConverseStreamEvent } from "../../src/bedrock/converse-types.ts";
import { convertChoice } from "../../src/chat/chat-response.ts";
import { ChatStreamEncoder } from "../../src/chat/chat-stream-encoder.ts";
import type { ChatCompletionChunkOut } from "../../src/chat/chat-types.ts";
import type { SseEvent } from "../../src/http/sse.ts";
import { ChoiceNormalizer } from "../../src/pipeline/canonical-events.ts";
import type { CanonicalEvent } from "../../src/pipeline/canonical-events.ts";
import { convertUsage } from "../../src/chat/chat-usage.ts";
import { mapFinishReason } from "../../src/converse/map-finish-reason.ts";
import { responseToEvents } from "../../src/converse/response-to-events.ts";
import { ToolNameMap } from "../../src/converse/tool-names.ts";

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8")) as T;

function names(): ToolNameMap {
  const m = new ToolNameMap();
  m.bedrockName("mcp.clock/now"); // the client's name that became mcp_clock_now
  return m;
}

describe("non-streaming response", () => {
  it("keeps every text block in order and a tool call even at max_tokens", () => {
    const choice = convertChoice(fixture<ConverseResponse>("converse-response-text-tool.json"), 0, {
      toolNames: names(),
      suppressToolCalls: false,
      reasoningOutput: "reasoning_content",
    });
    assert.equal(choice.message.content, "Let me look that up. One moment.");
    assert.deepEqual(choice.message.tool_calls, [
      {
        id: "tooluse_2SZp7TdJRmi5fFOMV1JDkQ",
        type: "function",
        function: { name: "search_docs", arguments: '{"query":"bedrock limits"}' },
      },
    ]);
    assert.equal(choice.finish_reason, "length");
  });

  it("suppresses tool calls for tool_choice none", () => {
    const choice = convertChoice(fixture<ConverseResponse>("converse-response-text-tool.json"), 0, {
      toolNames: names(),
      suppressToolCalls: true,
      reasoningOutput: "reasoning_content",
    });
    assert.equal(choice.message.tool_calls, undefined);
    assert.equal(choice.message.content, "Let me look that up. One moment.");
  });

  it("puts reasoning in reasoning_content, or in think tags, or nowhere", () => {
    const res: ConverseResponse = {
      output: {
        message: {
          role: "assistant",
          content: [{ reasoningContent: { reasoningText: { text: "hmm", signature: "sig" } } }, { text: "42" }],
        },
      },
      stopReason: "end_turn",
      usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
    };
    const opts = { toolNames: names(), suppressToolCalls: false } as const;
    const a = convertChoice(res, 0, { ...opts, reasoningOutput: "reasoning_content" });
    assert.equal(a.message.content, "42");
    assert.equal(a.message.reasoning_content, "hmm");
    assert.deepEqual(a.message.thinking_blocks, [{ type: "thinking", thinking: "hmm", signature: "sig" }]);
    assert.equal(convertChoice(res, 0, { ...opts, reasoningOutput: "think-tags" }).message.content, "<think>hmm</think>42");
    const c = convertChoice(res, 0, { ...opts, reasoningOutput: "omit" });
    assert.equal(c.message.content, "42");
    assert.equal(c.message.reasoning_content, undefined);
  });
});

describe("finish reasons and usage", () => {
  it("maps every Bedrock stop reason", () => {
    const cases: [string, boolean, string][] = [
      ["end_turn", false, "stop"],
      ["stop_sequence", false, "stop"],
      ["max_tokens", false, "length"],
      ["max_tokens", true, "length"],
      ["model_context_window_exceeded", false, "length"],
      ["tool_use", true, "tool_calls"],
      ["tool_use", false, "stop"],
      ["guardrail_intervened", false, "content_filter"],
      ["content_filtered", false, "content_filter"],
      ["malformed_model_output", false, "stop"],
      ["malformed_tool_use", false, "stop"],
      ["something_new", false, "stop"],
    ];
    for (const [stop, tools, expected] of cases) assert.equal(mapFinishReason(stop, tools), expected, stop);
  });
  it("counts cache reads and writes in prompt_tokens", () => {
    assert.deepEqual(
      convertUsage({ inputTokens: 10, outputTokens: 5, totalTokens: 1015, cacheReadInputTokens: 800, cacheWriteInputTokens: 200 }),
      {
        prompt_tokens: 1010,
        completion_tokens: 5,
        total_tokens: 1015,
        prompt_tokens_details: { cached_tokens: 800 },
        cache_read_input_tokens: 800,
        cache_creation_input_tokens: 200,
      },
    );
  });
});

/** Bedrock events → the chunks' deltas and finish reasons, through the normaliser and the chat encoder. */
function streamSteps(events: ConverseStreamEvent[]) {
  const conv = new ChoiceNormalizer(0, { toolNames: names(), suppressToolCalls: false });
  const encoder = new ChatStreamEncoder({
    id: "chatcmpl-1",
    created: 0,
    model: "m",
    choices: 1,
    includeUsage: false,
    reasoningOutput: "reasoning_content",
  });
  const out: SseEvent[] = [];
  const canonical: CanonicalEvent[] = [];
  for (const e of events) {
    conv.push(e, canonical);
    for (const c of canonical) encoder.push(c, out);
    canonical.length = 0;
  }
  const steps = out.map((ev) => {
    const data = (ev as { data: ChatCompletionChunkOut | string }).data;
    // Text deltas arrive rendered as JSON text (the encoder's hot path), the rest as objects.
    const choice = (typeof data === "string" ? (JSON.parse(data) as ChatCompletionChunkOut) : data).choices[0]!;
    return {
      ...(Object.keys(choice.delta).length ? { delta: choice.delta } : {}),
      ...(choice.finish_reason ? { finishReason: choice.finish_reason } : {}),
    };
  });
  return { steps, conv };
}

describe("stream conversion", () => {
  it("gives tool calls a dense index of their own, with metadata before messageStop", () => {
    const { steps, conv } = streamSteps(fixture<ConverseStreamEvent[]>("converse-stream-tools.json"));
    const toolDeltas = steps.flatMap((s) => s.delta?.tool_calls ?? []);
    assert.deepEqual(
      toolDeltas.map((t) => t.index),
      [0, 0, 0, 1, 1],
    );
    assert.deepEqual(toolDeltas[0], {
      index: 0,
      id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q",
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    assert.equal(toolDeltas[3]!.function.name, "mcp.clock/now", "names map back to the client's");
    assert.equal(
      toolDeltas
        .filter((t) => t.index === 0)
        .map((t) => t.function.arguments)
        .join(""),
      '{"city": "Paris"}',
    );
    assert.equal(steps.at(-1)!.finishReason, "tool_calls");
    assert.equal(conv.usage!.cacheReadInputTokens, 600);
    assert.equal(
      steps
        .filter((s) => s.delta?.content)
        .map((s) => s.delta!.content)
        .join(""),
      "I'll check both.",
    );
  });

  it("replays a Converse response as the same events a stream would carry", () => {
    const res = fixture<ConverseResponse>("converse-response-text-tool.json");
    const { steps, conv } = streamSteps(responseToEvents(res));
    assert.equal(steps.flatMap((s) => (s.delta?.content ? [s.delta.content] : [])).join(""), "Let me look that up. One moment.");
    assert.equal(steps.flatMap((s) => s.delta?.tool_calls ?? []).length, 2);
    assert.equal(steps.at(-1)!.finishReason, "length");
    assert.equal(conv.usage!.inputTokens, 1230);
  });
});
