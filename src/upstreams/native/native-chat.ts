// A Chat Completions request for a native model: passed through to the model's chat endpoint with
// the least work that still yields usage (stream_options.include_usage is always asked upstream
// and the usage chunk is dropped again when the client did not ask for it), or translated to the
// Responses API for a Responses-only model. Upstream events leave as the raw JSON text they came
// in (no re-serialising); each is parsed once to find usage, errors and the end of the stream.
import { BedrockError } from "../../bedrock/bedrock-error.ts";
import type { SendOptions } from "../../bedrock/transport/bedrock-http.ts";
import { chatToResponsesRequest } from "./chat-to-responses-request.ts";
import type { NativeClient } from "./native-client.ts";
import type { NativeTarget } from "./native-routes.ts";
import { usageFromChat, usageFromResponses } from "./native-usage.ts";
import type { NativeTokenUsage } from "./native-usage.ts";
import type { Json, ResponseObjectIn } from "./openai-shapes.ts";
import type { UpstreamEvent } from "./read-sse.ts";
import { responseToChatCompletion } from "./response-to-chat-completion.ts";
import { ResponsesToChatChunks, streamFailure } from "./responses-stream-to-chat.ts";

/** An event for the client, in the shape the gateway's SSE writer takes (data: JSON text or object). */
export interface OutEvent {
  event?: string;
  data: unknown;
}

export interface NativeCallContext {
  client: NativeClient;
  target: NativeTarget;
  send: SendOptions;
  /** Token counts, once the upstream reported them. */
  onUsage(u: NativeTokenUsage): void;
  /** The first content reached the client (time to first token). */
  onFirstContent(): void;
  /** Characters of generated text relayed so far (estimates usage of an abandoned stream). */
  onOutputChars?(n: number): void;
  /** Parameters that cannot be carried, before anything is sent upstream (may throw to refuse). */
  onDropped?(dropped: string[]): void;
}

export interface ChatOptions {
  id: string;
  created: number;
  /** The model name the client used (echoed back). */
  model: string;
  includeUsage: boolean;
}

export interface NativeOutcome {
  json?: Json;
  events?: AsyncIterable<OutEvent>;
}

/** Fields this gateway decides, never forwarded from the client. */
const GATEWAY_FIELDS = ["model", "stream", "stream_options", "store", "extra_body"];

function passThroughBody(body: Json, stream: boolean): Json {
  const out: Json = { ...body };
  for (const k of GATEWAY_FIELDS) delete out[k];
  if (stream) out.stream_options = { include_usage: true };
  return out;
}

const brokenStream = () => new BedrockError("TransportError", "Bedrock's stream ended before it was complete", 502, undefined, true);

async function* relayChat(events: AsyncIterable<UpstreamEvent>, ctx: NativeCallContext, includeUsage: boolean): AsyncGenerator<OutEvent> {
  let first = true;
  let done = false;
  for await (const e of events) {
    if (e.data === "[DONE]") {
      done = true;
      yield { data: "[DONE]" };
      break;
    }
    const chunk = JSON.parse(e.data) as Json;
    if (chunk.error) {
      const err = chunk.error as { message?: string };
      throw streamFailure(err.message ?? "The model failed while streaming.");
    }
    const usage = usageFromChat(chunk.usage as Json | undefined);
    if (usage) ctx.onUsage(usage);
    const choices = chunk.choices as unknown[] | undefined;
    if (usage && choices?.length === 0 && !includeUsage) continue;
    if (first && choices?.length) {
      first = false;
      ctx.onFirstContent();
    }
    const delta = (choices?.[0] as { delta?: { content?: unknown; reasoning_content?: unknown } } | undefined)?.delta;
    if (delta)
      ctx.onOutputChars?.(
        (typeof delta.content === "string" ? delta.content.length : 0) +
          (typeof delta.reasoning_content === "string" ? delta.reasoning_content.length : 0),
      );
    yield { data: e.data };
  }
  if (!done) throw brokenStream();
}

async function* translateStream(events: AsyncIterable<UpstreamEvent>, ctx: NativeCallContext, o: ChatOptions): AsyncGenerator<OutEvent> {
  const mapper = new ResponsesToChatChunks(o);
  let first = true;
  for await (const e of events) {
    const chunks = mapper.push(JSON.parse(e.data) as Json);
    if (mapper.final) {
      const usage = usageFromResponses(mapper.final.usage);
      if (usage) ctx.onUsage(usage);
    }
    for (const c of chunks) {
      if (first) {
        first = false;
        ctx.onFirstContent();
      }
      yield { data: c };
    }
    if (mapper.final) {
      yield { data: "[DONE]" };
      return;
    }
  }
  throw brokenStream();
}

export async function runNativeChat(ctx: NativeCallContext, body: Json, stream: boolean, o: ChatOptions): Promise<NativeOutcome> {
  const { client, target, send } = ctx;
  if (target.apis.includes("chat")) {
    const upstreamBody = passThroughBody(body, stream);
    if (!stream) {
      const res = (await client.call(target, "chat", upstreamBody, send)) as Json;
      const usage = usageFromChat(res.usage as Json | undefined);
      if (usage) ctx.onUsage(usage);
      return { json: { ...res, model: o.model } };
    }
    const events = await client.stream(target, "chat", upstreamBody, send);
    return { events: relayChat(events, ctx, o.includeUsage) };
  }
  // A Responses-only model (OpenAI's GPT-5.x on Bedrock): ask the same through the Responses API.
  const { body: request, dropped } = chatToResponsesRequest(body);
  if (dropped.length) ctx.onDropped?.(dropped);
  if (!stream) {
    const res = (await client.call(target, "responses", request, send)) as ResponseObjectIn;
    const usage = usageFromResponses(res.usage);
    if (usage) ctx.onUsage(usage);
    if (res.status === "failed")
      throw new BedrockError("ModelErrorException", res.error?.message ?? "The model failed to produce a response.", 424);
    return { json: responseToChatCompletion(res, o) };
  }
  const events = await client.stream(target, "responses", request, send);
  return { events: translateStream(events, ctx, o) };
}
