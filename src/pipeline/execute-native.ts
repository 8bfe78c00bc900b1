// The execute and encode steps for a model served by one of Bedrock's OpenAI-compatible endpoints
// (src/upstreams/native/). Everything before them is the pipeline's, unchanged: the front door's
// validation, the stored conversation, model resolution, admission on the resolved model, media
// fetched under the SSRF guard. Here: the request goes upstream (passed through, or translated for
// a Responses-only model), the answer or the stream comes back with usage in the log fields (so
// usage records, cost, limits and metrics are the ones every request gets), stored Responses are
// kept in the gateway's store, and a stream that breaks is closed with the front door's error.
import { setMaxListeners } from "node:events";
import type { Context } from "hono";
import { errors, toOpenAIErrorBody } from "../errors/gateway-error.ts";
import { toGatewayError } from "../errors/to-gateway-error.ts";
import type { AppDeps, AppEnv, LogFields } from "../http/app-env.ts";
import { SSE_HEADERS, sseStream } from "../http/sse.ts";
import type { SseEvent } from "../http/sse.ts";
import type { ResolvedModel } from "../models/resolve-model.ts";
import { newId } from "../responses/item-ids.ts";
import type { ResponsesRequest } from "../responses/request-schema.ts";
import type { PlacedItem } from "../responses/responses-input.ts";
import { placeInput } from "../responses/responses-to-converse.ts";
import type { ResponseObject } from "../responses/response-types.ts";
import { storedInputItems } from "../responses/stored-input.ts";
import { inlineChatImages, inlineResponsesImages } from "../upstreams/native/inline-images.ts";
import { runNativeChat } from "../upstreams/native/native-chat.ts";
import type { NativeCallContext, NativeOutcome } from "../upstreams/native/native-chat.ts";
import { runNativeResponses } from "../upstreams/native/native-responses.ts";
import type { NativeTarget } from "../upstreams/native/native-routes.ts";
import type { NativeTokenUsage } from "../upstreams/native/native-usage.ts";
import type { Json, ResponseObjectIn } from "../upstreams/native/openai-shapes.ts";
import type { DecodedConversation } from "./conversation-codec.ts";
import { followClient } from "./execute-converse.ts";
import { headerList } from "./parameter-headers.ts";
import { keepResponse } from "./stored-conversations.ts";

export type FrontDoor = "chat" | "responses" | "messages";

/** The front door of a codec, by its access-log endpoint name. */
export function frontDoorOf(endpoint: string): FrontDoor {
  if (endpoint.startsWith("chat")) return "chat";
  if (endpoint.startsWith("responses")) return "responses";
  return "messages";
}

/**
 * Where this request runs: a native target, or undefined for Converse. A model Converse serves
 * but NATIVE_MODELS forces native falls back to Converse on a front door its native endpoint
 * cannot answer; a native-only model there is a 400 that names the endpoint to use.
 */
export function nativeTargetFor(
  resolved: ResolvedModel,
  frontDoor: FrontDoor,
  enabled: boolean,
  counting = false,
): NativeTarget | undefined {
  const target = resolved.entry?.native;
  if (!target || !enabled) return undefined;
  const nativeOnly = resolved.entry?.source === "native";
  if (counting) {
    if (!nativeOnly) return undefined;
    throw errors.invalidRequest(
      `Counting input tokens is not available for '${resolved.requested}', a model on Bedrock's OpenAI-compatible endpoint.`,
      "model",
      "model_not_supported",
    );
  }
  const usable = frontDoor === "chat" ? target.apis.length > 0 : frontDoor === "responses" ? target.apis.includes("responses") : false;
  if (usable) return target;
  if (!nativeOnly) return undefined;
  const use = target.apis.includes("responses") ? "/v1/responses or /v1/chat/completions" : "/v1/chat/completions";
  throw errors.invalidRequest(
    `The model '${resolved.requested}' runs on Bedrock's OpenAI-compatible endpoint and is not available through ${frontDoor === "messages" ? "the Anthropic Messages API" : "/v1/responses"}; use ${use}.`,
    "model",
    "model_not_supported",
  );
}

/** What the pipeline hands over after admission and media: everything but the Converse build. */
export interface NativeConversation {
  frontDoor: "chat" | "responses";
  target: NativeTarget;
  /** The client's body, already validated by its front door's decode. */
  raw: Json;
  decoded: DecodedConversation<unknown>;
  resolved: ResolvedModel;
  /** http(s) image URL → bytes the pipeline fetched under the SSRF guard. */
  fetchedImages: Map<string, Buffer>;
  /** Responses: the stored conversation this request continues. */
  history: PlacedItem[];
}

/** Into the same log fields Converse fills: the access log, usage records, cost, limits, metrics. */
function recordNativeUsage(log: LogFields, u: NativeTokenUsage): void {
  log.inputTokens = u.inputTokens;
  log.outputTokens = u.outputTokens;
  if (u.cacheReadTokens) log.cacheReadTokens = u.cacheReadTokens;
}

/** Reasoning items replay only where they were made: Converse's sealed thinking means nothing
 * upstream, and an upstream's reasoning is not kept encrypted for a stateless replay. */
const replayable = (p: PlacedItem) => (p.item as { type?: string }).type !== "reasoning";

/** The upstream call: chat (passed through or translated) or Responses (state kept here). */
function callUpstream(c: Context<AppEnv>, deps: AppDeps, conv: NativeConversation, ctx: NativeCallContext): Promise<NativeOutcome> {
  const stream = conv.decoded.stream;
  if (conv.frontDoor === "chat") {
    const body = { ...conv.raw, messages: inlineChatImages(conv.raw.messages, conv.fetchedImages) };
    const includeUsage = (conv.raw.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const ids = {
      id: `chatcmpl-${crypto.randomUUID().replaceAll("-", "")}`,
      created: Math.floor(Date.now() / 1000),
      model: conv.resolved.requested,
      includeUsage,
    };
    return runNativeChat(ctx, body, stream, ids);
  }
  const storeIt = conv.raw.store !== false;
  const previousResponseId = conv.decoded.previousResponseId ?? null;
  const placed = placeInput((conv.decoded.request as ResponsesRequest).input);
  const history = conv.history.filter(replayable).map((p) => p.item as unknown as Json);
  const input = placed.map((p) => p.item as unknown as Json);
  if (input.length === 0 && history.length === 0)
    throw errors.invalidRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
  return runNativeResponses(ctx, conv.raw, stream, {
    input: inlineResponsesImages([...history, ...input], conv.fetchedImages),
    store: storeIt,
    previousResponseId,
    onFinal: async (final: ResponseObjectIn) => {
      if (!storeIt) return;
      const response = { ...final, model: conv.resolved.requested } as unknown as ResponseObject;
      await keepResponse(deps, c, { response, input: storedInputItems(placed, newId), previousResponseId });
    },
  });
}

/** An AbortController that follows the client and the server's drain deadline; stop() detaches it. */
function upstreamAbort(client: AbortSignal, drain: AbortSignal | undefined): { upstream: AbortController; stop: () => void } {
  const { upstream, release } = followClient(client);
  const onDrain = () => upstream.abort(errors.shuttingDown());
  if (drain?.aborted) onDrain();
  else if (drain) {
    // One listener per open request on a process-wide signal: thousands are expected.
    setMaxListeners(0, drain);
    drain.addEventListener("abort", onDrain, { once: true });
  }
  return {
    upstream,
    stop: () => {
      release();
      drain?.removeEventListener("abort", onDrain);
    },
  };
}

export async function runNativeConversation(c: Context<AppEnv>, deps: AppDeps, conv: NativeConversation): Promise<Response> {
  const started = performance.now();
  const { config } = deps;
  const log = c.get("log");
  log.upstream = conv.target.upstream === "mantle" ? "bedrock-mantle" : "bedrock-runtime-openai";
  const requestId = c.get("requestId");
  const client = c.req.raw.signal;
  const { upstream, stop } = upstreamAbort(client, deps.drain);
  let retries = 0;
  let outputChars = 0;
  let usageSeen = false;
  const ctx: NativeCallContext = {
    client: deps.native!,
    target: conv.target,
    send: { signal: upstream.signal, onRetry: () => void (log.retries = ++retries) },
    onUsage: (u) => {
      usageSeen = true;
      recordNativeUsage(log, u);
    },
    onFirstContent: () => (log.ttftMs = Math.round(performance.now() - started)),
    onOutputChars: (n) => (outputChars += n),
    onDropped: (dropped) => {
      // Names come from the client: only the pipeline's bounded, header-safe list ever leaves.
      const names = headerList(dropped);
      if (!names) return;
      if (config.chat.strictParams) {
        throw errors.invalidRequest(
          `These parameters cannot be honoured for '${conv.resolved.requested}': ${names}.`,
          null,
          "unsupported_parameter",
        );
      }
      c.header("x-bedrock-gateway-dropped-params", names);
    },
  };

  let outcome: NativeOutcome;
  try {
    outcome = await callUpstream(c, deps, conv, ctx);
  } catch (err) {
    stop();
    throw err;
  }
  if (outcome.json) {
    stop();
    deps.bodyLogger?.debug({ requestId, endpoint: log.endpoint, body: outcome.json }, "response body");
    return c.json(outcome.json);
  }

  const source = outcome.events!;
  const frontDoor = conv.frontDoor;
  async function* events(): AsyncGenerator<SseEvent[]> {
    let completed = false;
    try {
      for await (const e of source) yield [e.event ? { event: e.event, data: e.data } : { data: e.data }];
      completed = true;
    } catch (err) {
      const shutdown = deps.drain?.aborted === true;
      if (client.aborted && !shutdown) return;
      const { error } = toGatewayError(shutdown ? errors.shuttingDown() : err, requestId);
      log.errorType = error.code ?? error.type;
      if (shutdown) Object.assign(log, { aborted: true, abortReason: "shutdown" });
      // An error the upstream already sent in the front door's own shape has reached the client.
      if ((err as { relayed?: boolean }).relayed && !shutdown) return;
      if (frontDoor === "chat") yield [{ data: toOpenAIErrorBody(error) }];
      else yield [{ event: "error", data: { type: "error", code: error.code, message: error.message, param: null, sequence_number: 0 } }];
    } finally {
      stop();
      upstream.abort();
      deps.bodyLogger?.debug({ requestId, endpoint: log.endpoint, body: { streamed: true, completed, outputChars } }, "response body");
      if (!completed && client.aborted) {
        log.aborted = true;
        log.abortReason ??= "client";
        if (!usageSeen) {
          // The upstream reports usage only at the end: estimate what was sent and produced.
          log.inputTokens = Math.ceil(JSON.stringify(conv.raw.messages ?? conv.raw.input ?? "").length / 4);
          log.outputTokens = Math.ceil(outputChars / 4);
        }
      }
    }
  }
  let resolveDone!: () => void;
  c.set("streamDone", new Promise<void>((done) => (resolveDone = done)));
  for (const [k, v] of Object.entries(SSE_HEADERS)) c.header(k, v);
  return c.body(sseStream(events(), { keepAliveMs: config.chat.keepAliveMs, onClose: () => resolveDone() }), 200);
}
