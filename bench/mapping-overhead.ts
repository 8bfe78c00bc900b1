// Rough CPU cost of the pure chat mappers per request (no I/O): request mapping + response mapping.
// Usage: node bench/mapping-overhead.ts
import { buildConverseRequest } from "../src/chat/chat-to-converse.ts";
import { convertChoice } from "../src/chat/chat-response.ts";
import { ChatStreamEncoder } from "../src/chat/chat-stream-encoder.ts";
import { formatSse } from "../src/http/sse.ts";
import type { SseEvent } from "../src/http/sse.ts";
import { ChoiceNormalizer } from "../src/pipeline/canonical-events.ts";
import type { CanonicalEvent } from "../src/pipeline/canonical-events.ts";
import { capabilitiesFor } from "../src/models/capabilities.ts";
import { ChatCompletionRequest } from "../src/openai/chat-request.ts";

const body = {
  model: "anthropic.claude-sonnet-4-5-20250929-v1:0",
  messages: [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: "What's the weather in Paris and in Rome today? ".repeat(5) },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
    },
    { role: "tool", tool_call_id: "call_1", content: '{"sky":"clear","temp":21}' },
  ],
  tools: [
    {
      type: "function",
      function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
    },
  ],
  temperature: 0.2,
  max_tokens: 512,
};
const response = {
  output: {
    message: {
      role: "assistant" as const,
      content: [
        { text: "It is sunny in Paris, 21°C. " },
        { toolUse: { toolUseId: "tooluse_abc", name: "get_weather", input: { city: "Rome" } } },
      ],
    },
  },
  stopReason: "tool_use",
  usage: { inputTokens: 320, outputTokens: 40, totalTokens: 360 },
};
const caps = capabilitiesFor("anthropic.claude-sonnet-4-5-20250929-v1:0");
const events = [
  { messageStart: { role: "assistant" as const } },
  ...Array.from({ length: 100 }, () => ({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: "word " } } })),
  { contentBlockStop: { contentBlockIndex: 0 } },
  { messageStop: { stopReason: "end_turn" } },
  { metadata: { usage: { inputTokens: 10, outputTokens: 100, totalTokens: 110 } } },
];

function run(n: number) {
  for (let i = 0; i < n; i++) {
    const raw = JSON.parse(JSON.stringify(body)) as unknown;
    const req = ChatCompletionRequest.parse(raw);
    const built = buildConverseRequest(req, {
      caps,
      modelName: req.model!,
      fetchedImages: new Map(),
      unknownFields: [],
      strictParams: false,
    });
    JSON.stringify(built.request);
    JSON.stringify(
      convertChoice(response, 0, { toolNames: built.toolNames, suppressToolCalls: false, reasoningOutput: "reasoning_content" }),
    );
  }
}
function runStream(n: number) {
  for (let i = 0; i < n; i++) {
    // Bedrock event → canonical event → chunk object → SSE text, as the stream engine does.
    const conv = new ChoiceNormalizer(0, { toolNames: { clientName: (s: string) => s } as never, suppressToolCalls: false });
    const encoder = new ChatStreamEncoder({
      id: "chatcmpl-1",
      created: 0,
      model: "m",
      choices: 1,
      includeUsage: true,
      reasoningOutput: "reasoning_content",
    });
    const canonical: CanonicalEvent[] = [];
    const out: SseEvent[] = encoder.start();
    for (const e of events) {
      conv.push(e, canonical);
      for (const c of canonical) encoder.push(c, out);
      canonical.length = 0;
    }
    out.push(...encoder.end([conv]).events);
    for (const ev of out) formatSse(ev);
  }
}
run(2000);
runStream(200);
const N = 20_000;
let t = performance.now();
run(N);
const perReq = (performance.now() - t) / N;
t = performance.now();
runStream(2000);
const perEvent = (performance.now() - t) / (2000 * events.length);
console.log(JSON.stringify({ nonStreamMappingMsPerRequest: +perReq.toFixed(4), streamMappingUsPerEvent: +(perEvent * 1000).toFixed(3) }));
