// The chat stream encoder renders text deltas (one per token) from a prefix made once per stream
// instead of serialising a chunk object per token. The bytes must be exactly what serialising the
// object gives, for any text and after the service tier becomes known.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChatStreamEncoder } from "../../src/chat/chat-stream-encoder.ts";
import { SYSTEM_FINGERPRINT } from "../../src/chat/chat-types.ts";
import type { CanonicalEvent } from "../../src/pipeline/canonical-events.ts";
import { formatSse } from "../../src/pipeline/sse-event.ts";
import type { SseEvent } from "../../src/pipeline/sse-event.ts";

const TEXTS = ["plain", 'a "quote", a \\ backslash,\na newline and a\ttab', "emoji 😀 and ünïcödé", "</think>", "", "\u2028\u0000"];

function encoder(mode: "reasoning_content" | "think-tags" = "reasoning_content", model = 'm"odel') {
  return new ChatStreamEncoder({ id: "chatcmpl-1", created: 1_700_000_000, model, choices: 2, includeUsage: false, reasoningOutput: mode });
}

const push = (enc: ChatStreamEncoder, e: CanonicalEvent): SseEvent[] => {
  const out: SseEvent[] = [];
  enc.push(e, out);
  return out;
};

/** The chunk object the fast path stands for, serialised the ordinary way. */
function expected(index: number, delta: Record<string, string>, serviceTier?: string, model = 'm"odel'): string {
  return JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    ...(serviceTier ? { service_tier: serviceTier } : {}),
    choices: [{ index, delta, finish_reason: null, logprobs: null }],
  });
}

describe("chat stream encoder: text deltas", () => {
  it("renders content deltas byte for byte as the chunk object would serialise", () => {
    const enc = encoder();
    for (const text of TEXTS.filter(Boolean)) {
      for (const choice of [0, 1]) {
        const [ev] = push(enc, { type: "text", choice, block: 0, text });
        assert.equal((ev as { data: string }).data, expected(choice, { content: text }));
        assert.equal(formatSse(ev!), `data: ${expected(choice, { content: text })}\n\n`);
      }
    }
  });

  it("renders reasoning deltas the same way, in both reasoning modes", () => {
    const rc = encoder("reasoning_content");
    assert.equal(
      (push(rc, { type: "reasoning", choice: 0, block: 0, text: "hmm" })[0] as { data: string }).data,
      expected(0, { reasoning_content: "hmm" }),
    );
    const tags = encoder("think-tags");
    assert.equal(
      (push(tags, { type: "reasoning", choice: 0, block: 0, text: "hmm" })[0] as { data: string }).data,
      expected(0, { content: "<think>hmm" }),
    );
    assert.equal(
      (push(tags, { type: "text", choice: 0, block: 1, text: "answer" })[0] as { data: string }).data,
      expected(0, { content: "</think>answer" }),
    );
  });

  it("names the service tier in every chunk after the metadata that carries it", () => {
    const enc = encoder();
    assert.equal((push(enc, { type: "text", choice: 0, block: 0, text: "a" })[0] as { data: string }).data, expected(0, { content: "a" }));
    push(enc, {
      type: "metadata",
      choice: 0,
      usage: undefined,
      metadata: { usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, serviceTier: { type: "priority" } },
    });
    assert.equal(
      (push(enc, { type: "text", choice: 1, block: 0, text: "b" })[0] as { data: string }).data,
      expected(1, { content: "b" }, "priority"),
    );
  });
});
