// Unit tests of the Responses mappers alone, with fixtures shaped exactly like Bedrock's output:
// the stream converter (items and events), input conversion, tools, the reasoning sealer, usage,
// stored input items and paging.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { ConverseResponse, ConverseStreamEvent, ReasoningContentBlock } from "../../src/bedrock/converse-types.ts";
import { responseToEvents } from "../../src/converse/response-to-events.ts";
import { ThinkingStore } from "../../src/converse/thinking-store.ts";
import { ToolNameMap } from "../../src/converse/tool-names.ts";
import { GatewayError } from "../../src/errors/gateway-error.ts";
import { capabilitiesFor } from "../../src/models/capabilities.ts";
import { convertInput } from "../../src/responses/responses-input.ts";
import type { InputContext, PlacedItem } from "../../src/responses/responses-input.ts";
import { responseUsage } from "../../src/responses/responses-usage.ts";
import { prepareResponseTools } from "../../src/responses/prepare-response-tools.ts";
import { ReasoningSealer } from "../../src/responses/reasoning-sealer.ts";
import { InputItem } from "../../src/responses/request-schema.ts";
import type { ToolIn } from "../../src/responses/request-schema.ts";
import { pageItems } from "../../src/store/response-store.ts";
import { storedInputItems } from "../../src/responses/stored-input.ts";
import { ResponsesStreamConverter } from "../../src/responses/responses-stream-converter.ts";
import { ChoiceNormalizer } from "../../src/pipeline/canonical-events.ts";
import type { CanonicalEvent, NormalizerOptions } from "../../src/pipeline/canonical-events.ts";
import type { ConverterOptions, StreamEvent } from "../../src/responses/responses-stream-converter.ts";

const fixture = <T>(path: string): T => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as T;
const sealer = new ReasoningSealer([Buffer.alloc(32, 7)]);
let n = 0;
const newId = (p: string) => `${p}_${++n}`;

/** The converter behind the normaliser that feeds it (as the stream engine does). */
function converter(over: Partial<ConverterOptions & NormalizerOptions> = {}) {
  const names = new ToolNameMap();
  names.bedrockName("mcp.clock/now");
  const tools = prepareResponseTools(
    [{ type: "namespace", name: "files", tools: [{ type: "function", name: "read_file" }] }] as ToolIn[],
    undefined,
  );
  const { toolNames = names, suppressToolCalls = false, jsonToolName, ...rest } = over;
  const conv = new ResponsesStreamConverter({
    namespaced: tools.namespaced,
    reasoningView: "summary",
    seal: (b) => sealer.seal(b),
    exposeEncrypted: false,
    newId: newId,
    ...rest,
  });
  const normalizer = new ChoiceNormalizer(0, { toolNames, suppressToolCalls, ...(jsonToolName ? { jsonToolName } : {}) });
  return Object.assign(conv, {
    toolUseIds: normalizer.toolUseIds,
    reasoningBlocks: normalizer.reasoningBlocks,
    pushBedrock(e: ConverseStreamEvent): StreamEvent[] {
      const canonical: CanonicalEvent[] = [];
      normalizer.push(e, canonical);
      return canonical.flatMap((c) => conv.push(c));
    },
  });
}

const run = (conv: ReturnType<typeof converter>, events: ConverseStreamEvent[]): StreamEvent[] => [
  ...events.flatMap((e) => conv.pushBedrock(e)),
  ...conv.finish(),
];

describe("stream converter", () => {
  it("turns reasoning, text and tool blocks into items with their events, in order", () => {
    const conv = converter();
    const events = run(conv, fixture("./__fixtures__/converse-stream-thinking-tool.json"));
    assert.deepEqual(
      events.map((e) => e.type),
      [
        "response.output_item.added",
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.done",
        "response.reasoning_summary_part.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
      ],
    );
    assert.deepEqual(
      events.map((e) => e.output_index),
      [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3],
    );
    const [reasoning, message, read, clock] = conv.output;
    assert.equal(reasoning!.type, "reasoning");
    assert.deepEqual(reasoning?.type === "reasoning" && reasoning.summary, [
      { type: "summary_text", text: "The user wants the weather. I should call the tool." },
    ]);
    assert.deepEqual(message, {
      type: "message",
      id: message!.id,
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: "Let me check.", annotations: [], logprobs: [] }],
    });
    assert.deepEqual(read, {
      type: "function_call",
      id: read!.id,
      call_id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q",
      name: "read_file",
      namespace: "files",
      arguments: '{"path": "a.txt"}',
      status: "completed",
    });
    assert.equal(clock?.type === "function_call" && clock.name, "mcp.clock/now", "sanitised names are mapped back");
    assert.equal(clock?.type === "function_call" && clock.arguments, "{}", "a call without arguments carries an empty object");
    assert.deepEqual(conv.toolUseIds, ["tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "tooluse_b9F4gXhGS0uZwX1d1yBc6A"]);
    assert.equal(conv.usage!.cacheReadInputTokens, 600);
  });

  it("seals signed reasoning into encrypted_content, shown only when asked for", () => {
    const hidden = converter();
    const events = run(hidden, fixture("./__fixtures__/converse-stream-thinking-tool.json"));
    const done = events.find((e) => e.type === "response.output_item.done")!.item as Record<string, unknown>;
    assert.equal("encrypted_content" in done, false);
    const kept = hidden.output[0]!;
    assert.ok(kept.type === "reasoning" && kept.encrypted_content);
    const opened = sealer.open(kept.encrypted_content);
    assert.deepEqual(opened, [
      { reasoningText: { text: "The user wants the weather. I should call the tool.", signature: "ErUBCkYIBRgCIkD0sig" } },
    ]);
    assert.deepEqual(hidden.reasoningBlocks, opened);
    const shown = converter({ exposeEncrypted: true });
    const shownDone = run(shown, fixture("./__fixtures__/converse-stream-thinking-tool.json")).find(
      (e) => e.type === "response.output_item.done",
    )!.item as { encrypted_content?: string };
    assert.match(shownDone.encrypted_content!, /^bgw1\./);
  });

  it("puts reasoning in reasoning_text content without a summary request, and nowhere when omitted", () => {
    const content = converter({ reasoningView: "content" });
    const events = run(content, fixture("./__fixtures__/converse-stream-thinking-tool.json"));
    assert.ok(events.some((e) => e.type === "response.reasoning_text.delta"));
    const item = content.output[0]!;
    assert.deepEqual(item.type === "reasoning" && [item.summary, item.content], [
      [],
      [{ type: "reasoning_text", text: "The user wants the weather. I should call the tool." }],
    ]);
    const none = converter({ reasoningView: "none" });
    const quiet = run(none, fixture("./__fixtures__/converse-stream-thinking-tool.json"));
    assert.ok(!quiet.some((e) => String(e.type).includes("reasoning")));
    const sealed = none.output[0];
    assert.ok(sealed?.type === "reasoning" && sealed.encrypted_content, "still sealed for replay");
  });

  it("replays a Converse answer to the same items: text kept in order, a tool call even at max_tokens", () => {
    const conv = converter();
    run(conv, responseToEvents(fixture<ConverseResponse>("../chat/__fixtures__/converse-response-text-tool.json")));
    const [message, call] = conv.output;
    assert.ok(message?.type === "message");
    assert.equal(message.content[0]?.text, "Let me look that up. One moment.");
    assert.equal(message.status, "completed", "closed by the tool call, before the stop reason was known");
    assert.equal(call?.type === "function_call" && call.name, "search_docs");
    assert.equal(conv.stopReason, "max_tokens");
  });

  it("marks the message incomplete when the answer was cut", () => {
    const conv = converter();
    run(
      conv,
      responseToEvents({
        output: { message: { role: "assistant", content: [{ text: "cut" }] } },
        stopReason: "max_tokens",
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      }),
    );
    assert.equal(conv.output[0]!.status, "incomplete");
  });

  it("streams a forced JSON tool's input as text, and suppresses tool calls for tool_choice none", () => {
    const json = converter({ jsonToolName: "weather" });
    run(
      json,
      responseToEvents({
        output: { message: { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "weather", input: { c: 1 } } }] } },
        stopReason: "tool_use",
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      }),
    );
    assert.deepEqual(
      json.output.map((o) => o.type),
      ["message"],
    );
    const msg = json.output[0]!;
    assert.equal(msg.type === "message" && msg.content[0]!.text, '{"c":1}');
    const none = converter({ suppressToolCalls: true });
    run(none, fixture("./__fixtures__/converse-stream-thinking-tool.json"));
    assert.deepEqual(
      none.output.map((o) => o.type),
      ["reasoning", "message"],
    );
    assert.equal(none.toolUseIds.length, 2, "ids still known for the thinking store");
  });

  it("turns web citations into url_citation annotations", () => {
    const conv = converter();
    run(
      conv,
      responseToEvents({
        output: {
          message: {
            role: "assistant",
            content: [
              { text: "Intro. " },
              {
                citationsContent: {
                  content: [{ text: "Bedrock is managed." }],
                  citations: [{ title: "AWS", location: { web: { url: "https://aws.amazon.com/bedrock/" } } }],
                },
              },
            ],
          },
        },
        stopReason: "end_turn",
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      }),
    );
    const item = conv.output[0]!;
    const part = item.type === "message" ? item.content[0] : undefined;
    assert.equal(part!.text, "Intro. Bedrock is managed.");
    assert.deepEqual(part!.annotations, [
      { type: "url_citation", url: "https://aws.amazon.com/bedrock/", title: "AWS", start_index: 7, end_index: 26 },
    ]);
  });

  it("leaves open items incomplete when the stream fails", () => {
    const conv = converter();
    conv.pushBedrock({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: "partial" } } });
    conv.markOpenIncomplete();
    assert.equal(conv.output[0]!.status, "incomplete");
  });
});

describe("input conversion", () => {
  const caps = capabilitiesFor("anthropic.claude-sonnet-4-5-20250929-v1:0");
  const ctx = (over: Partial<InputContext> = {}): InputContext => ({
    caps,
    modelName: "claude",
    toolNames: new ToolNameMap(),
    fetchedImages: new Map(),
    documentNames: new Set(),
    replayThinking: true,
    openReasoning: (b) => sealer.open(b),
    ...over,
  });
  const place = (items: unknown[]): PlacedItem[] => items.map((item, i) => ({ item: InputItem.parse(item), param: `input[${i}]` }));
  const signed: ReasoningContentBlock = { reasoningText: { text: "plan", signature: "sig" } };

  it("puts a turn's signed thinking first, whatever order its items came in", () => {
    const out = convertInput(
      "Be brief",
      place([
        { role: "user", content: "hi" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking." }] },
        { type: "reasoning", summary: [], encrypted_content: sealer.seal([signed]) },
        { type: "function_call", call_id: "c1", name: "read", namespace: "files", arguments: '{"p":1}' },
        { type: "function_call_output", call_id: "c1", output: "ok" },
      ]),
      ctx(),
    );
    assert.deepEqual(out.system, [{ text: "Be brief" }]);
    assert.deepEqual(out.messages[1], {
      role: "assistant",
      content: [
        { reasoningContent: signed },
        { text: "Checking." },
        { toolUse: { toolUseId: "c1", name: "files__read", input: { p: 1 } } },
      ],
    });
    assert.deepEqual(out.messages[2], { role: "user", content: [{ toolResult: { toolUseId: "c1", content: [{ text: "ok" }] } }] });
  });

  it("refuses a reasoning blob that does not open, even for models that do not replay thinking", () => {
    const bad = place([{ type: "reasoning", summary: [], encrypted_content: "bgw1.AAAA" }]);
    assert.throws(
      () => convertInput(null, bad, ctx({ replayThinking: false })),
      (e: unknown) => e instanceof GatewayError && e.param === "input[0].encrypted_content",
    );
  });

  it("serves thinking from the store when the reasoning item has no encrypted content", () => {
    const store = new ThinkingStore(60_000, 10);
    store.remember("key-a", ["c9"], [signed]);
    const out = convertInput(
      null,
      place([
        { role: "user", content: "x" },
        { type: "reasoning", summary: [{ type: "summary_text", text: "plan" }], content: null },
        { type: "function_call", call_id: "c9", name: "f", arguments: "{}" },
      ]),
      ctx({ recallThinking: (id) => store.recall("key-a", id) }),
    );
    assert.deepEqual(out.messages[1]!.content[0], { reasoningContent: signed });
  });

  it("drops item types Bedrock has no equivalent for, and takes text from system messages only", () => {
    const out = convertInput(
      null,
      place([
        { role: "user", content: "x" },
        { type: "web_search_call", id: "ws_1", status: "completed" },
      ]),
      ctx(),
    );
    assert.deepEqual(out.dropped, ["input[1]:web_search_call"]);
    assert.throws(
      () =>
        convertInput(null, place([{ role: "system", content: [{ type: "input_image", image_url: "data:image/png;base64,AA" }] }]), ctx()),
      GatewayError,
    );
  });
});

describe("tools", () => {
  it("flattens namespaces, drops built-ins, and narrows to allowed_tools", () => {
    const t = prepareResponseTools(
      [
        { type: "function", name: "exec_command", parameters: { type: "object" }, strict: false },
        {
          type: "namespace",
          name: "agents_",
          tools: [
            { type: "function", name: "_spawn" },
            { type: "custom", name: "free" },
          ],
        },
        { type: "web_search" },
      ] as ToolIn[],
      { type: "allowed_tools", mode: "required", tools: [{ type: "function", name: "exec_command" }] },
    );
    assert.deepEqual(
      t.tools.map((x) => x.name),
      ["exec_command"],
    );
    assert.equal(t.choice, "required");
    assert.deepEqual(t.namespaced.get("agents__spawn"), { namespace: "agents_", name: "_spawn" });
    assert.deepEqual(t.droppedTools, ["custom", "web_search"]);
    assert.deepEqual(t.dropped, ["tools[1].tools[1]", "tools[2]"]);
    const forced = prepareResponseTools([{ type: "web_search" }] as ToolIn[], { type: "web_search_preview" });
    assert.equal(forced.choice, "auto");
    assert.ok(forced.dropped.includes("tool_choice"));
  });
});

describe("reasoning sealer", () => {
  it("round-trips, refuses altered bytes and foreign keys, and decrypts with retired keys", () => {
    const blocks: ReasoningContentBlock[] = [{ reasoningText: { text: "secret plan", signature: "s" } }, { redactedContent: "b64==" }];
    const blob = sealer.seal(blocks);
    assert.deepEqual(sealer.open(blob), blocks);
    assert.notEqual(sealer.seal(blocks), blob, "a fresh IV every time");
    const raw = Buffer.from(blob.slice(5), "base64url");
    raw[raw.length - 1]! ^= 1;
    assert.equal(sealer.open(`bgw1.${raw.toString("base64url")}`), undefined);
    assert.equal(new ReasoningSealer([Buffer.alloc(32, 8)]).open(blob), undefined);
    assert.deepEqual(new ReasoningSealer([Buffer.alloc(32, 8), Buffer.alloc(32, 7)]).open(blob), blocks);
    assert.equal(sealer.open("not-ours"), undefined);
  });
});

describe("usage, stored items and paging", () => {
  it("adds cache reads and writes into input tokens and estimates reasoning tokens", () => {
    assert.deepEqual(
      responseUsage({ inputTokens: 10, outputTokens: 20, totalTokens: 30, cacheReadInputTokens: 100, cacheWriteInputTokens: 5 }, 40),
      {
        input_tokens: 115,
        input_tokens_details: { cached_tokens: 100, cache_write_tokens: 5 },
        output_tokens: 20,
        output_tokens_details: { reasoning_tokens: 10 },
        total_tokens: 135,
      },
    );
    assert.equal(responseUsage({ inputTokens: 1, outputTokens: 3, totalTokens: 4 }, 400).output_tokens_details.reasoning_tokens, 3);
  });

  it("gives stored input items ids and the API's resource shapes", () => {
    const items = storedInputItems(
      [
        { item: InputItem.parse({ role: "user", content: "hi" }), param: "input" },
        {
          item: InputItem.parse({ type: "message", role: "assistant", id: "msg_x", content: [{ type: "output_text", text: "yo" }] }),
          param: "input[1]",
        },
        { item: InputItem.parse({ type: "function_call_output", call_id: "c", output: "r" }), param: "input[2]" },
      ],
      (p) => `${p}_new`,
    );
    assert.deepEqual(items, [
      { type: "message", role: "user", id: "msg_new", status: "completed", content: [{ type: "input_text", text: "hi" }] },
      {
        type: "message",
        role: "assistant",
        id: "msg_x",
        status: "completed",
        content: [{ annotations: [], logprobs: [], type: "output_text", text: "yo" }],
      },
      { status: "completed", type: "function_call_output", call_id: "c", output: "r", id: "fco_new" },
    ]);
  });

  it("pages items by id in both orders", () => {
    const items = ["a", "b", "c", "d"].map((id) => ({ id, type: "message" }));
    assert.deepEqual(pageItems(items, { limit: 2, order: "asc" }), {
      data: items.slice(0, 2),
      has_more: true,
      first_id: "a",
      last_id: "b",
    });
    assert.deepEqual(
      pageItems(items, { limit: 2, order: "desc", after: "c" }).data.map((i) => i.id),
      ["b", "a"],
    );
    assert.deepEqual(
      pageItems(items, { limit: 10, order: "asc", before: "c" }).data.map((i) => i.id),
      ["a", "b"],
    );
    assert.deepEqual(pageItems(items, { limit: 10, order: "asc", after: "zz" }), {
      data: [],
      has_more: false,
      first_id: null,
      last_id: null,
    });
  });
});
