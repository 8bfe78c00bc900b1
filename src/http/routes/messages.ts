// POST /v1/messages and /v1/messages/count_tokens: the Anthropic Messages API over Bedrock
// Converse, for Claude Code and the Anthropic SDKs. Same catalog, core, keys and logging as the
// OpenAI endpoints; errors in Anthropic's shape (see app.ts: errorFormat).
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import type { SendOptions } from "../../bedrock/transport/bedrock-http.ts";
import { buildAnthropicRequest } from "../../anthropic/build-request.ts";
import { convertMessage } from "../../anthropic/convert-response.ts";
import { anthropicImageUrls } from "../../anthropic/convert-messages.ts";
import { estimateInputTokens } from "../../converse/estimate-input-tokens.ts";
import { CountTokensRequest, KNOWN_MESSAGE_FIELDS, MessagesRequest } from "../../anthropic/messages-request.ts";
import { anthropicStreamEvents } from "../../anthropic/stream-events.ts";
import { fetchImages, imageFetchOptions } from "../../chat/resolve-images.ts";
import { openConverseStream } from "../../converse/open-stream.ts";
import { BedrockError } from "../../bedrock/bedrock-error.ts";
import { capabilitiesFor } from "../../models/capabilities.ts";
import { estimateInputTokens as estimateAdmissionTokens } from "../../limits/estimate-tokens.ts";
import { resolveModel } from "../../models/resolve-model.ts";
import type { ResolvedModel } from "../../models/resolve-model.ts";
import { zodToError } from "../../openai/zod-to-error.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";
import { nativeTargetFor } from "../../pipeline/execute-native.ts";
import { asObject, readJsonBody } from "../read-json-body.ts";
import { recordAborted, recordUsage, rememberThinking } from "../record-usage.ts";
import { SSE_HEADERS, sseStream } from "../sse.ts";

const CATALOG_WAIT_MS = 3000;


export function messagesRoutes(deps: AppDeps): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  const { config, runtime } = deps;

  /** Parse, resolve, fetch images and build: shared by messages and count_tokens. */
  async function prepare(raw: Record<string, unknown>, parsed: MessagesRequest, streaming: boolean, signal: AbortSignal, admit?: (resolved: ResolvedModel) => Promise<void>) {
    const resolved = resolveModel(await deps.catalog.ready(CATALOG_WAIT_MS), parsed.model, "chat", config.models);
    // A model only Bedrock's OpenAI-compatible endpoints serve: a 400 naming the endpoint to use.
    nativeTargetFor(resolved, "messages", !!deps.native);
    // Key limits (allow-list, budget, RPM/TPM) before any upstream work, images included.
    await admit?.(resolved);
    const caps = capabilitiesFor(resolved.baseModelId, resolved.entry);
    const fetchedImages = await fetchImages(
      anthropicImageUrls(parsed),
      imageFetchOptions(config.chat),
      signal,
    );
    const built = buildAnthropicRequest(parsed, {
      caps,
      modelName: resolved.requested,
      fetchedImages,
      unknownFields: Object.keys(raw).filter((k) => !KNOWN_MESSAGE_FIELDS.has(k)),
      strictParams: config.chat.strictParams,
      streaming,
      thinkingStore: deps.thinkingStore,
      autoCache: config.chat.promptCaching,
      defaultGuardrail: config.chat.defaultGuardrail,
    });
    return { resolved, caps, built };
  }

  r.post("/messages", async (c) => {
    const started = performance.now();
    const log = c.get("log");
    log.endpoint = "messages";
    const raw = asObject(await readJsonBody(c, config.server.maxRequestBodyBytes));
    if (config.log.debugBodies) deps.logger.debug({ requestId: c.get("requestId"), body: raw }, "request body");
    const parsed = MessagesRequest.safeParse(raw);
    if (!parsed.success) throw zodToError(parsed.error);
    const req = parsed.data;
    const signal = c.req.raw.signal;
    const { resolved, caps, built } = await prepare(raw, req, req.stream === true, signal, async (resolved) => {
      Object.assign(log, { model: resolved.requested, bedrockModel: resolved.bedrockId, baseModelId: resolved.baseModelId, stream: req.stream === true });
      await deps.admission?.admit(c, {
        model: resolved,
        estimatedInputTokens: estimateAdmissionTokens([req.system, req.messages, req.tools]),
        maxOutputTokens: req.max_tokens,
      });
    });
    Object.assign(log, { model: resolved.requested, bedrockModel: resolved.bedrockId, baseModelId: resolved.baseModelId, stream: req.stream === true });
    for (const [k, v] of Object.entries(built.notes)) c.header(k, v);
    if (built.dropped.length) c.header("x-bedrock-gateway-dropped-params", [...new Set(built.dropped)].join(","));

    let retries = 0;
    const send: SendOptions = { signal, onRetry: () => void (log.retries = ++retries) };
    const id = `msg_bdrk_${randomUUID().replaceAll("-", "").slice(0, 24)}`;

    if (req.stream !== true) {
      const res = await runtime.converse(resolved.bedrockId, built.request, send);
      recordUsage(log, res.usage);
      if (built.claudeThinking) rememberThinking(deps.thinkingStore, res.output.message?.content);
      return c.json(convertMessage(res, { id, model: resolved.requested, toolNames: built.toolNames }));
    }

    const stream = await openConverseStream(runtime, resolved.bedrockId, built, caps, send);
    let resolveDone!: () => void;
    c.set("streamDone", new Promise<void>((ok) => (resolveDone = ok)));
    const events = anthropicStreamEvents(stream, {
      id,
      model: resolved.requested,
      toolNames: built.toolNames,
      requestId: c.get("requestId"),
      estimatedInputTokens: estimateInputTokens(built.request),
      signal,
      onFirstContent: () => (log.ttftMs = Math.round(performance.now() - started)),
      onError: (type) => (log.errorType = type),
      onFinish: (usage, info) => {
        recordUsage(log, usage);
        if (built.claudeThinking) deps.thinkingStore.remember(info.toolUseIds, info.reasoning);
        if (info.aborted) recordAborted(log, usage, built.request, info.outputChars);
      },
    });
    for (const [k, v] of Object.entries(SSE_HEADERS)) c.header(k, v);
    const body = sseStream(events, { keepAliveMs: config.chat.keepAliveMs, keepAlive: { event: "ping", data: { type: "ping" } }, onClose: () => resolveDone() });
    return c.body(body, 200);
  });

  r.post("/messages/count_tokens", async (c) => {
    const log = c.get("log");
    log.endpoint = "messages.count_tokens";
    const raw = asObject(await readJsonBody(c, config.server.maxRequestBodyBytes));
    const parsed = CountTokensRequest.safeParse(raw);
    if (!parsed.success) throw zodToError(parsed.error);
    const req = { ...parsed.data, max_tokens: parsed.data.max_tokens ?? 1 } as MessagesRequest;
    const { resolved, built } = await prepare(raw, req, false, c.req.raw.signal);
    log.model = resolved.requested;
    // CountTokens counts exactly and never runs the model; Bedrock offers it for Claude models.
    if (resolved.baseModelId.startsWith("anthropic.")) {
      try {
        const { messages, system, toolConfig, additionalModelRequestFields } = built.request;
        const input_tokens = await runtime.countTokens(resolved.baseModelId, { converse: { messages, system, toolConfig, additionalModelRequestFields } }, { signal: c.req.raw.signal });
        return c.json({ input_tokens });
      } catch (err) {
        if (!(err instanceof BedrockError) || err.exception !== "ValidationException") throw err;
      }
    }
    c.header("x-bedrock-gateway-token-count", "estimated");
    return c.json({ input_tokens: estimateInputTokens(built.request) });
  });

  return r;
}

