// POST /v1/chat/completions: OpenAI Chat Completions over Bedrock Converse / ConverseStream.
// HTTP concerns only: parse and validate, resolve the model, build the Converse request (pure
// mappers in src/chat/), call Bedrock, and answer as JSON or as an SSE stream.
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import type { Context } from "hono";
import type { TokenUsage } from "../../bedrock/converse-types.ts";
import type { SendOptions } from "../../bedrock/transport/bedrock-http.ts";
import type { BuiltRequest } from "../../chat/build-converse-request.ts";
import { buildConverseRequest } from "../../chat/build-converse-request.ts";
import { chatChunks } from "../../chat/chat-chunks.ts";
import type { ChatCompletionOut } from "../../chat/chat-types.ts";
import { SYSTEM_FINGERPRINT } from "../../chat/chat-types.ts";
import { bedrockExtras } from "../../converse/bedrock-extras.ts";
import { convertChoice } from "../../chat/convert-response.ts";
import { addUsage, convertUsage } from "../../chat/convert-usage.ts";
import { fetchImages, imageFetchOptions, imageUrlsOf } from "../../chat/resolve-images.ts";
import { openConverseStream } from "../../converse/open-stream.ts";
import { capabilitiesFor } from "../../models/capabilities.ts";
import { estimateInputTokens } from "../../limits/estimate-tokens.ts";
import { resolveModel } from "../../models/resolve-model.ts";
import { nativeTargetFor, runNativeConversation } from "../../pipeline/execute-native.ts";
import { ChatCompletionRequest, KNOWN_FIELDS } from "../../openai/chat-request.ts";
import { zodToError } from "../../openai/zod-to-error.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";
import { asObject, readJsonBody } from "../read-json-body.ts";
import { recordAborted, recordUsage, rememberThinking } from "../record-usage.ts";
import { SSE_HEADERS, sseStream } from "../sse.ts";

const CATALOG_WAIT_MS = 3000;


function responseHeaders(built: BuiltRequest): Record<string, string> {
  const h: Record<string, string> = { ...built.notes };
  if (built.dropped.length) h["x-bedrock-gateway-dropped-params"] = [...new Set(built.dropped)].join(",");
  return h;
}

export function chatCompletionsRoutes(deps: AppDeps): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  const { config, runtime } = deps;

  r.post("/chat/completions", async (c) => {
    const started = performance.now();
    const log = c.get("log");
    log.endpoint = "chat.completions";
    const raw = withExtraBody(asObject(await readJsonBody(c, config.server.maxRequestBodyBytes)));
    if (config.log.debugBodies) deps.logger.debug({ requestId: c.get("requestId"), body: raw }, "request body");
    const parsed = ChatCompletionRequest.safeParse(raw);
    if (!parsed.success) throw zodToError(parsed.error, raw);
    const req = parsed.data;
    const unknownFields = Object.keys(raw).filter((k) => !KNOWN_FIELDS.has(k));

    const resolved = resolveModel(await deps.catalog.ready(CATALOG_WAIT_MS), req.model, "chat", config.models);
    const caps = capabilitiesFor(resolved.baseModelId, resolved.entry);
    Object.assign(log, { model: resolved.requested, bedrockModel: resolved.bedrockId, baseModelId: resolved.baseModelId, stream: req.stream === true });
    // Key limits (allow-list, budget, RPM/TPM) before any upstream work, images included.
    const choices = req.n ?? 1;
    const maxOut = req.max_completion_tokens ?? req.max_tokens ?? undefined;
    await deps.admission?.admit(c, {
      model: resolved,
      estimatedInputTokens: estimateInputTokens([req.messages, req.tools]) * choices,
      maxOutputTokens: maxOut === undefined ? undefined : maxOut * choices,
    });

    const signal = c.req.raw.signal;
    const fetchedImages = await fetchImages(
      imageUrlsOf(req.messages),
      imageFetchOptions(config.chat),
      signal,
    );
    const native = nativeTargetFor(resolved, "chat", !!deps.native);
    if (native && deps.native) {
      return runNativeConversation(c, { ...deps, native: deps.native }, { frontDoor: "chat", target: native, raw, stream: req.stream === true, resolved, fetchedImages });
    }
    const built = buildConverseRequest(req, {
      caps,
      modelName: resolved.requested,
      fetchedImages,
      unknownFields,
      strictParams: config.chat.strictParams,
      streaming: req.stream === true,
      thinkingStore: deps.thinkingStore,
      autoCache: config.chat.promptCaching,
      defaultGuardrail: config.chat.defaultGuardrail,
    });
    const mapping = {
      toolNames: built.toolNames,
      suppressToolCalls: built.suppressToolCalls,
      reasoningOutput: config.chat.reasoningOutput,
      jsonToolName: built.jsonToolName,
      cleanJson: built.jsonMode === "prompt",
    };
    for (const [k, v] of Object.entries(responseHeaders(built))) c.header(k, v);

    let retries = 0;
    const send: SendOptions = { signal, onRetry: () => void (log.retries = ++retries) };
    const n = req.n ?? 1;
    const id = `chatcmpl-${randomUUID().replaceAll("-", "")}`;
    const created = Math.floor(Date.now() / 1000);

    if (req.stream !== true) {
      const results = await Promise.all(Array.from({ length: n }, () => runtime.converse(resolved.bedrockId, built.request, send)));
      const usage = results.reduce<TokenUsage | undefined>((acc, res) => addUsage(acc, res.usage), undefined);
      recordUsage(log, usage);
      const tier = results[0]?.serviceTier?.type;
      if (built.claudeThinking) for (const res of results) rememberThinking(deps.thinkingStore, res.output.message?.content);
      const bedrock = bedrockExtras(results[0]);
      const body: ChatCompletionOut = {
        id,
        object: "chat.completion",
        created,
        model: resolved.requested,
        system_fingerprint: SYSTEM_FINGERPRINT,
        ...(tier ? { service_tier: tier } : {}),
        choices: results.map((res, i) => convertChoice(res, i, mapping)),
        usage: convertUsage(usage),
        ...(bedrock ? { bedrock } : {}),
      };
      if (config.log.debugBodies) deps.logger.debug({ requestId: c.get("requestId"), body }, "response body");
      return c.json(body);
    }

    // Streaming: open every upstream stream first, so a failure before the first byte is still a
    // normal HTTP error (and retried by the transport).
    const streams = await Promise.all(Array.from({ length: n }, () => openConverseStream(runtime, resolved.bedrockId, built, caps, send)));
    let resolveDone!: () => void;
    c.set("streamDone", new Promise<void>((r) => (resolveDone = r)));
    const events = chatChunks(streams, {
      id,
      created,
      model: resolved.requested,
      includeUsage: req.stream_options?.include_usage === true,
      ...mapping,
      requestId: c.get("requestId"),
      signal,
      onFirstContent: () => (log.ttftMs = Math.round(performance.now() - started)),
      onError: (type) => (log.errorType = type),
      onFinish: (usage, info) => {
        recordUsage(log, usage);
        if (built.claudeThinking) for (const conv of info.converters) deps.thinkingStore.remember(conv.toolUseIds, conv.reasoningBlocks);
        if (info.aborted) recordAborted(log, usage, built.request, info.outputChars);
      },
    });
    return streamResponse(c, sseStream(events, { keepAliveMs: config.chat.keepAliveMs, onClose: () => resolveDone() }));
  });

  return r;
}

/** bedrock-access-gateway clients send Bedrock fields inside a literal "extra_body" key: lift them. */
function withExtraBody(raw: Record<string, unknown>): Record<string, unknown> {
  const extra = raw.extra_body;
  if (extra === undefined) return raw;
  const { extra_body: _, ...rest } = raw;
  if (extra === null || typeof extra !== "object" || Array.isArray(extra)) return rest;
  return { ...(extra as Record<string, unknown>), ...rest };
}


function streamResponse(c: Context<AppEnv>, body: ReadableStream<Uint8Array>): Response {
  for (const [k, v] of Object.entries(SSE_HEADERS)) c.header(k, v);
  return c.body(body, 200);
}
