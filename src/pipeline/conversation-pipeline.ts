// The one conversation pipeline. Every conversation front door (Chat Completions, Anthropic
// Messages, Responses) is a codec handed to runConversation; the steps around it are written here
// once, in this order:
//   read body → decode (codec) → load the stored conversation it continues → resolve the model →
//   plan the output budget → ADMISSION on the resolved model and that budget → resolve media →
//   build the Converse request (codec) → execute (1..n choices, one abort for all) → encode
//   (codec: JSON body, or the stream engine) → usage, thinking memory, stored response, log fields.
// A model served by one of Bedrock's OpenAI-compatible endpoints takes every step up to the media,
// then its own execute and encode (execute-native.ts) instead of build → execute → encode.
// countConversationTokens is the same up to the build, then counts instead of calling the model.
import type { Context } from "hono";
import type { ConverseResponse, TokenUsage } from "../bedrock/converse-types.ts";
import { addUsage } from "../chat/chat-usage.ts";
import { BedrockError } from "../bedrock/bedrock-error.ts";
import { fetchImages, imageFetchOptions } from "../chat/resolve-images.ts";
import type { BuiltRequest } from "../converse/assemble-request.ts";
import { planOutputTokens } from "../converse/assemble-request.ts";
import { estimateConverseTokens } from "../converse/estimate-converse-tokens.ts";
import type { AppDeps, AppEnv } from "../http/app-env.ts";
import { asObject, readJsonBody } from "../http/read-json-body.ts";
import { SSE_HEADERS, sseStream } from "../http/sse.ts";
import { estimateBodyTokens } from "../limits/estimate-body-tokens.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import { capabilitiesFor } from "../models/capabilities.ts";
import type { ResolvedModel } from "../models/resolve-model.ts";
import { resolveModel } from "../models/resolve-model.ts";
import type { PlacedItem } from "../responses/responses-input.ts";
import type { KeptResponse } from "../responses/responses-codec.ts";
import { ChoiceNormalizer } from "./canonical-events.ts";
import type { ConversationCodec, DecodedConversation, EncodeContext } from "./conversation-codec.ts";
import { converseAll, followClient, openStreams } from "./execute-converse.ts";
import { parameterHeaders } from "./parameter-headers.ts";
import { recordUsage, streamUsage, thinkingOf } from "./request-usage.ts";
import { keepResponse, keyIdOf, loadConversation } from "./stored-conversations.ts";
import { runStream } from "./stream-engine.ts";
import { StreamTranscript } from "./stream-transcript.ts";
import { reportServed } from "../http/served-by.ts";
import { permittedFallbacks } from "../upstreams/permitted-fallbacks.ts";
import type { PermittedFallback } from "../upstreams/permitted-fallbacks.ts";
import { frontDoorOf, nativeTargetFor, runNativeConversation } from "./execute-native.ts";
import type { NativeConversation } from "./execute-native.ts";

const CATALOG_WAIT_MS = 3000;

type Codec<Req, Built extends BuiltRequest> = ConversationCodec<Req, Built, KeptResponse>;

interface Prepared<Req, Built extends BuiltRequest> {
  decoded: DecodedConversation<Req>;
  resolved: ResolvedModel;
  /** MODEL_FALLBACKS of the model that this key's allow-list permits (usually none). */
  fallbacks: PermittedFallback[];
  caps: ModelCapabilities;
  built: Built;
}

/** Every step up to the Converse request: shared by the model call and the count endpoints. */
async function prepare<Req, Built extends BuiltRequest>(
  c: Context<AppEnv>,
  deps: AppDeps,
  codec: Codec<Req, Built>,
  count: boolean,
): Promise<Prepared<Req, Built> | { native: NativeConversation }> {
  const { config } = deps;
  const log = c.get("log");
  log.endpoint = codec.endpoint;
  const raw = asObject(await readJsonBody(c, config.server.maxRequestBodyBytes));
  const decoded = codec.decode(raw);
  const history: PlacedItem[] = await loadConversation(deps, c, decoded.previousResponseId);

  const resolved = resolveModel(await deps.catalog.ready(CATALOG_WAIT_MS), decoded.model, "chat", config.models);
  const caps = capabilitiesFor(resolved.baseModelId, resolved.entry);
  Object.assign(log, {
    model: resolved.requested,
    bedrockModel: resolved.bedrockId,
    baseModelId: resolved.baseModelId,
    stream: decoded.stream,
  });
  // Before admission: a front door the model's native endpoint cannot answer is the client's 400.
  const door = frontDoorOf(codec.endpoint);
  const native = nativeTargetFor(resolved, door, !!deps.native, count);

  // Admission on the model actually called and on the output budget that will actually be sent,
  // before any upstream work (media fetches included). Counting takes a request, not tokens.
  const n = decoded.choices;
  const maxOut = count ? 0 : planOutputTokens(decoded.settings, caps);
  await deps.admission?.admit(c, {
    model: resolved,
    estimatedInputTokens: count ? 0 : estimateBodyTokens([...decoded.estimateParts, history]) * n,
    maxOutputTokens: maxOut === undefined ? undefined : maxOut * n,
  });

  // Fallback models pass the same allow-list as the model itself.
  // Counting calls no model: no fallback applies.
  const fallbacks =
    !count && deps.upstreams?.fallbacks.size
      ? permittedFallbacks(
          deps.upstreams.fallbacks,
          resolved,
          deps.catalog.snapshot,
          "chat",
          config.models,
          deps.admission?.modelFilter(c) ?? (() => true),
        )
      : [];

  const fetchedImages = await fetchImages(codec.mediaUrls(decoded, history), imageFetchOptions(config.chat), c.req.raw.signal);
  if (native && door !== "messages") return { native: { frontDoor: door, target: native, raw, decoded, resolved, fetchedImages, history } };
  const scope = keyIdOf(c);
  const built = codec.build(decoded, {
    caps,
    modelName: resolved.requested,
    fetchedImages,
    strictParams: config.chat.strictParams,
    streaming: decoded.stream,
    recallThinking: (id) => deps.thinkingStore.recall(scope, id),
    autoCache: config.chat.promptCaching,
    defaultGuardrail: config.chat.defaultGuardrail,
    history,
  });
  for (const [k, v] of Object.entries(parameterHeaders(built, codec.droppedTools?.(built) ?? []))) c.header(k, v);
  return { decoded, resolved, fallbacks, caps, built };
}

export async function runConversation<Req, Built extends BuiltRequest>(
  c: Context<AppEnv>,
  deps: AppDeps,
  codec: Codec<Req, Built>,
): Promise<Response> {
  const started = performance.now();
  const prepared = await prepare(c, deps, codec, false);
  if ("native" in prepared) return runNativeConversation(c, deps, prepared.native);
  const { decoded, resolved, fallbacks, caps, built } = prepared;
  const log = c.get("log");
  const scope = keyIdOf(c);
  const remember = (toolUseIds: string[], reasoning: Parameters<typeof deps.thinkingStore.remember>[2]) => {
    if (built.claudeThinking) deps.thinkingStore.remember(scope, toolUseIds, reasoning);
  };
  const ctx: EncodeContext<Req, Built> = {
    decoded,
    built,
    id: codec.newId(),
    created: Math.floor(Date.now() / 1000),
    model: resolved.requested,
    requestId: c.get("requestId"),
    reasoningOutput: deps.config.chat.reasoningOutput,
    estimatedInputTokens: estimateConverseTokens(built.request),
  };
  let retries = 0;
  const { upstream, release } = followClient(c.req.raw.signal);
  const onServed = reportServed(c, (s) => {
    // A fallback served the call: the response names it, as MODEL_FALLBACKS does.
    const name = fallbacks.find((f) => f.bedrockId === s.fallbackModel)?.name ?? s.fallbackModel ?? ctx.model;
    ctx.model = name;
    c.header("x-bedrock-gateway-fallback", name);
  });
  const execution = {
    runtime: deps.runtime,
    modelId: resolved.bedrockId,
    built,
    caps,
    choices: decoded.choices,
    upstream,
    onRetry: () => void (log.retries = ++retries),
    onServed,
    ...(fallbacks.length ? { fallbacks: fallbacks.map((f) => f.bedrockId) } : {}),
  };

  if (!decoded.stream) {
    let results: ConverseResponse[];
    try {
      results = await converseAll(execution);
    } finally {
      release();
    }
    recordUsage(
      log,
      results.reduce<TokenUsage | undefined>((acc, r) => addUsage(acc, r.usage), undefined),
    );
    for (const res of results) {
      const t = thinkingOf(res.output.message?.content);
      remember(t.toolUseIds, t.reasoning);
    }
    const { body, result } = codec.encode(results, ctx);
    if (result) await keepResponse(deps, c, result);
    return c.json(body);
  }

  let sources;
  try {
    sources = await openStreams(execution);
  } catch (err) {
    release();
    throw err;
  }
  const normalizers = sources.map((_, i) => new ChoiceNormalizer(i, built));
  const transcript = deps.bodyLogger ? new StreamTranscript(normalizers.length) : undefined;
  let resolveDone!: () => void;
  c.set("streamDone", new Promise<void>((done) => (resolveDone = done)));
  const events = runStream({
    sources,
    normalizers,
    encoder: transcript ? transcript.wrap(codec.streamEncoder(ctx)) : codec.streamEncoder(ctx),
    requestId: ctx.requestId,
    upstream,
    clientSignal: c.req.raw.signal,
    drain: deps.drain,
    onFirstContent: () => (log.ttftMs = Math.round(performance.now() - started)),
    onResult: (kept) => keepResponse(deps, c, kept),
    onFinish: (outcome) => {
      release();
      const complete = !outcome.aborted && outcome.errorType === undefined;
      const { usage, estimated } = streamUsage(normalizers, built.request, complete);
      recordUsage(log, usage);
      if (estimated) log.usageEstimated = true;
      if (outcome.errorType) log.errorType = outcome.errorType;
      if (outcome.aborted) {
        log.aborted = true;
        log.abortReason = outcome.abortReason;
      }
      for (const n of normalizers) remember(n.toolUseIds, n.reasoningBlocks);
      if (transcript)
        deps.bodyLogger?.debug({ requestId: ctx.requestId, endpoint: codec.endpoint, body: transcript.summary() }, "response body");
    },
  });
  for (const [k, v] of Object.entries(SSE_HEADERS)) c.header(k, v);
  return c.body(
    sseStream(events, {
      keepAliveMs: deps.config.chat.keepAliveMs,
      ...(codec.keepAlive ? { keepAlive: codec.keepAlive } : {}),
      onClose: () => resolveDone(),
    }),
    200,
  );
}

/**
 * /v1/messages/count_tokens and /v1/responses/input_tokens: the same decode, resolution, admission
 * and build, then Bedrock's CountTokens (exact, never runs the model; Claude only) or an estimate.
 */
export async function countConversationTokens<Req, Built extends BuiltRequest>(
  c: Context<AppEnv>,
  deps: AppDeps,
  codec: Codec<Req, Built>,
): Promise<Response> {
  const prepared = await prepare(c, deps, codec, true);
  if ("native" in prepared) throw new Error("unreachable: native models are refused by nativeTargetFor when counting");
  const { resolved, built } = prepared;
  if (resolved.baseModelId.startsWith("anthropic.")) {
    try {
      const { messages, system, toolConfig, additionalModelRequestFields } = built.request;
      const n = await deps.runtime.countTokens(
        resolved.baseModelId,
        { converse: { messages, system, toolConfig, additionalModelRequestFields } },
        { signal: c.req.raw.signal, onServed: reportServed(c) },
      );
      return c.json(codec.countBody!(n));
    } catch (err) {
      if (!(err instanceof BedrockError) || err.exception !== "ValidationException") throw err;
    }
  }
  c.header("x-bedrock-gateway-token-count", "estimated");
  return c.json(codec.countBody!(estimateConverseTokens(built.request)));
}
