// The stream engine alone (src/pipeline/stream-engine.ts): what every front door's stream goes
// through when it completes, fails after its first byte, loses its client, or meets the server's
// drain deadline — with each front door's encoder, fed by scripted Bedrock event sources.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChatStreamEncoder } from "../src/chat/chat-stream-encoder.ts";
import { MessagesStreamEncoder } from "../src/anthropic/messages-stream-encoder.ts";
import type { ConverseEventBatches, ConverseStreamEvent } from "../src/bedrock/converse-types.ts";
import { ToolNameMap } from "../src/converse/tool-names.ts";
import type { SseEvent } from "../src/http/sse.ts";
import { ChoiceNormalizer } from "../src/pipeline/canonical-events.ts";
import { runStream } from "../src/pipeline/stream-engine.ts";
import type { StreamEncoder, StreamOutcome } from "../src/pipeline/stream-engine.ts";
import { ResponsesStreamEncoder } from "../src/responses/responses-encoder.ts";
import { responseShell } from "../src/responses/response-object.ts";

const delta = (text: string): ConverseStreamEvent => ({ contentBlockDelta: { contentBlockIndex: 0, delta: { text } } });
const END: ConverseStreamEvent[] = [
  { contentBlockStop: { contentBlockIndex: 0 } },
  { messageStop: { stopReason: "end_turn" } },
  { metadata: { usage: { inputTokens: 5, outputTokens: 3, totalTokens: 8 } } },
];

/** A Bedrock stream that sends `events`, then waits (for an abort) when `hang` is set, like an open upstream. */
function source(events: ConverseStreamEvent[], signal: AbortSignal, hang = false): ConverseEventBatches {
  return (async function* () {
    for (const e of events) {
      await new Promise((r) => setImmediate(r));
      yield [e];
    }
    if (hang) {
      await new Promise((_, reject) => {
        const fail = () => reject(new Error("upstream aborted", { cause: signal.reason }));
        if (signal.aborted) fail();
        signal.addEventListener("abort", fail, { once: true });
      });
    }
  })();
}

const encoders: Record<string, () => StreamEncoder<unknown>> = {
  chat: () =>
    new ChatStreamEncoder({ id: "c1", created: 1, model: "m", choices: 1, includeUsage: true, reasoningOutput: "reasoning_content" }),
  messages: () => new MessagesStreamEncoder({ id: "m1", model: "m", requestId: "r1", estimatedInputTokens: 5, stopSequences: undefined }),
  responses: () =>
    new ResponsesStreamEncoder({
      shell: responseShell(
        { model: "m", input: "x" },
        {
          id: "resp_1",
          createdAt: 1,
          model: "m",
          tools: { echo: [], namespaced: new Map(), tools: [], choice: undefined, dropped: [], droppedTools: [] },
          store: false,
        },
      ),
      namespaced: new Map(),
      reasoningView: "content",
      seal: () => "sealed",
      exposeEncrypted: false,
      newId: (p) => `${p}_1`,
      cleanJson: false,
    }),
};

/** The terminal event each front door ends a stream with, on success and on failure. */
const terminal: Record<string, { ok: (e: SseEvent) => boolean; failed: (e: SseEvent, code: string) => boolean }> = {
  chat: {
    ok: (e) => "data" in e && e.data === "[DONE]",
    failed: (e, code) => "data" in e && (e.data as { error?: { code?: string } }).error?.code === code,
  },
  messages: {
    ok: (e) => "event" in e && e.event === "message_stop",
    failed: (e) => "event" in e && e.event === "error" && (e.data as { error: { type: string } }).error.type === "overloaded_error",
  },
  responses: { ok: (e) => "event" in e && e.event === "response.completed", failed: (e) => "event" in e && e.event === "response.failed" },
};

async function run(door: string, opts: { events: ConverseStreamEvent[]; hang?: boolean; drainAfterMs?: number; clientAfterMs?: number }) {
  const upstream = new AbortController();
  const client = new AbortController();
  const drain = new AbortController();
  const normalizer = new ChoiceNormalizer(0, { toolNames: new ToolNameMap(), suppressToolCalls: false });
  let outcome: StreamOutcome | undefined;
  const gen = runStream({
    sources: [source(opts.events, upstream.signal, opts.hang)],
    normalizers: [normalizer],
    encoder: encoders[door]!(),
    requestId: "r1",
    upstream,
    clientSignal: client.signal,
    drain: drain.signal,
    onFinish: (o) => (outcome = o),
  });
  if (opts.drainAfterMs !== undefined) setTimeout(() => drain.abort(), opts.drainAfterMs);
  const out: SseEvent[] = [];
  if (opts.clientAfterMs !== undefined) {
    setTimeout(() => {
      client.abort();
      upstream.abort();
    }, opts.clientAfterMs);
  }
  for await (const batch of gen) out.push(...batch);
  return { out, outcome, upstreamAborted: upstream.signal.aborted, normalizer };
}

describe("stream engine", () => {
  for (const door of Object.keys(encoders)) {
    it(`${door}: a completed stream ends with its terminal event, exactly one onFinish`, async () => {
      const r = await run(door, { events: [delta("Hel"), delta("lo"), ...END] });
      assert.ok(terminal[door]!.ok(r.out.at(-1)!), JSON.stringify(r.out.at(-1)));
      assert.deepEqual(r.outcome, { aborted: false });
      assert.equal(r.normalizer.usage!.outputTokens, 3);
    });

    it(`${door}: the drain deadline ends an open stream with the front door's terminal error and aborts the upstream`, async () => {
      const r = await run(door, { events: [delta("partial")], hang: true, drainAfterMs: 30 });
      assert.ok(terminal[door]!.failed(r.out.at(-1)!, "server_shutting_down"), JSON.stringify(r.out.at(-1)));
      assert.equal(r.upstreamAborted, true);
      assert.deepEqual(r.outcome, { aborted: true, abortReason: "shutdown", errorType: "server_shutting_down" });
      assert.equal(r.normalizer.outputChars, "partial".length, "what was produced is known for the usage estimate");
    });

    it(`${door}: a client that leaves ends the stream without another event`, async () => {
      const r = await run(door, { events: [delta("partial")], hang: true, clientAfterMs: 30 });
      assert.equal(r.outcome?.aborted, true);
      assert.ok(!terminal[door]!.ok(r.out.at(-1)!) && !terminal[door]!.failed(r.out.at(-1)!, "server_shutting_down"));
    });
  }
});
