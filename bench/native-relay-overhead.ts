// Rough CPU cost of the native upstream's stream handling per event (no I/O): the chat
// pass-through relay (one JSON.parse per upstream event, the raw text forwarded) and the
// Responses → chat translation (parse, map, serialise). Usage: node bench/native-relay-overhead.ts
import { formatSse } from "../src/http/sse.ts";
import { runNativeChat } from "../src/upstreams/native/native-chat.ts";
import type { NativeCallContext } from "../src/upstreams/native/native-chat.ts";
import type { NativeClient } from "../src/upstreams/native/native-client.ts";
import { mantleTarget } from "../src/upstreams/native/native-routes.ts";
import type { UpstreamEvent } from "../src/upstreams/native/read-sse.ts";

const EVENTS = 2000;
const base = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1780000000, model: "google.gemma-4-31b" };
const chatEvents: UpstreamEvent[] = [
  ...Array.from({ length: EVENTS }, () => ({
    data: JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: "token " }, finish_reason: null }] }),
  })),
  { data: JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: EVENTS } }) },
  { data: "[DONE]" },
];
const responsesEvents: UpstreamEvent[] = [
  ...Array.from({ length: EVENTS }, (_, i) => ({
    event: "response.output_text.delta",
    data: JSON.stringify({
      type: "response.output_text.delta",
      sequence_number: i,
      item_id: "msg_1",
      output_index: 0,
      content_index: 0,
      delta: "token ",
    }),
  })),
  {
    event: "response.completed",
    data: JSON.stringify({
      type: "response.completed",
      response: { id: "resp_1", status: "completed", output: [], usage: { input_tokens: 10, output_tokens: EVENTS } },
    }),
  },
];

function client(events: UpstreamEvent[]): NativeClient {
  return {
    listMantleModels: () => Promise.resolve([]),
    call: () => Promise.reject(new Error("unused")),
    stream: () =>
      Promise.resolve(
        (async function* () {
          yield* events;
        })(),
      ),
  };
}

async function measure(name: string, model: string, events: UpstreamEvent[]): Promise<void> {
  const ctx: NativeCallContext = {
    client: client(events),
    target: mantleTarget(model),
    send: {},
    onUsage: () => {},
    onFirstContent: () => {},
  };
  let best = Infinity;
  for (let round = 0; round < 20; round++) {
    const started = process.hrtime.bigint();
    const out = await runNativeChat(ctx, { messages: [{ role: "user", content: "hi" }] }, true, {
      id: "c",
      created: 1,
      model,
      includeUsage: false,
    });
    let bytes = 0;
    for await (const e of out.events!) bytes += formatSse(e).length;
    const us = Number(process.hrtime.bigint() - started) / 1000 / events.length;
    if (bytes > 0) best = Math.min(best, us);
  }
  console.log(`${name}: ${best.toFixed(2)} µs per upstream event (best of 20 rounds of ${events.length} events)`);
}

await measure("chat pass-through", "google.gemma-4-31b", chatEvents);
await measure("responses → chat translation", "openai.gpt-5.5", responsesEvents);
