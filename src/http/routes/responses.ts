// The OpenAI Responses API over Bedrock Converse / ConverseStream:
//   POST   /v1/responses                      create (JSON or SSE stream; stateless or stored)
//   POST   /v1/responses/input_tokens         count input tokens (Bedrock CountTokens)
//   GET    /v1/responses/{id}                 retrieve a stored response
//   DELETE /v1/responses/{id}                 delete it
//   GET    /v1/responses/{id}/input_items     list the input items it was created from
// HTTP concerns only: the mapping lives in src/responses/ (pure), Bedrock's rules in src/converse/.
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import type { SendOptions } from "../../bedrock/transport/bedrock-http.ts";
import { fetchImages, imageFetchOptions } from "../../chat/resolve-images.ts";
import { bedrockExtras } from "../../converse/bedrock-extras.ts";
import { openConverseStream } from "../../converse/open-stream.ts";
import { responseToEvents } from "../../converse/response-to-events.ts";
import { cleanJsonText } from "../../converse/structured-output.ts";
import { errors } from "../../errors/gateway-error.ts";
import { capabilitiesFor } from "../../models/capabilities.ts";
import { estimateInputTokens as estimateAdmissionTokens } from "../../limits/estimate-tokens.ts";
import { resolveModel } from "../../models/resolve-model.ts";
import { zodToError } from "../../openai/zod-to-error.ts";
import { estimateInputTokens } from "../../converse/estimate-input-tokens.ts";
import { BedrockError } from "../../bedrock/bedrock-error.ts";
import { buildResponsesConverseRequest, placeInput } from "../../responses/build-converse-request.ts";
import type { ResponsesBuiltRequest } from "../../responses/build-converse-request.ts";
import { responseUsage } from "../../responses/convert-usage.ts";
import { imageRefsOf } from "../../responses/image-refs.ts";
import { newId } from "../../responses/item-ids.ts";
import { loadHistory } from "../../responses/load-history.ts";
import { incompleteReason } from "../../responses/map-status.ts";
import { finalResponse, inProgressResponse, responseShell } from "../../responses/response-object.ts";
import { responseEvents } from "../../responses/response-events.ts";
import type { ResponseObject, ResponseShell } from "../../responses/response-types.ts";
import { KNOWN_FIELDS, ResponsesRequest } from "../../responses/request-schema.ts";
import { storedInputItems } from "../../responses/stored-input.ts";
import type { StoredItem } from "../../responses/response-store.ts";
import { ResponsesStreamConverter } from "../../responses/stream-converter.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";
import { nativeTargetFor, runNativeConversation } from "../../pipeline/execute-native.ts";
import type { NativeConversation } from "../../pipeline/execute-native.ts";
import { recordAborted, recordUsage } from "../record-usage.ts";
import { asObject, readJsonBody } from "../read-json-body.ts";
import { SSE_HEADERS, sseStream } from "../sse.ts";

const CATALOG_WAIT_MS = 3000;
const ENCRYPTED = "reasoning.encrypted_content";

function responseHeaders(built: ResponsesBuiltRequest): Record<string, string> {
  const h: Record<string, string> = { ...built.notes };
  if (built.dropped.length) h["x-bedrock-gateway-dropped-params"] = [...new Set(built.dropped)].join(",");
  if (built.tools.droppedTools.length) h["x-bedrock-gateway-dropped-tools"] = [...new Set(built.tools.droppedTools)].join(",");
  return h;
}

/** Stored responses belong to the key that created them; without authentication, to everyone. */
const keyIdOf = (c: Context<AppEnv>) => c.get("principal")?.keyId ?? "anonymous";

/** A stored response as a client sees it: encrypted_content only when it asked for it. */
function visible(r: ResponseObject, exposeEncrypted: boolean): ResponseObject {
  if (exposeEncrypted) return r;
  return {
    ...r,
    output: r.output.map((item) => {
      if (item.type !== "reasoning") return item;
      const { encrypted_content: _, ...rest } = item;
      return rest;
    }),
  };
}

const includeQuery = (c: Context<AppEnv>) => [...(c.req.queries("include") ?? []), ...(c.req.queries("include[]") ?? [])];

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(["asc", "desc"]).default("desc"),
  after: z.string().min(1).optional(),
  before: z.string().min(1).optional(),
});

export function responsesRoutes(deps: AppDeps): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  const { config, runtime } = deps;
  const { store, sealer, retentionMs } = deps.responses;
  const openReasoning = (blob: string) => sealer.open(blob);

  /** Everything both create and input_tokens need: the validated request and the built Converse request. */
  async function prepare(c: Context<AppEnv>, streaming: (req: ResponsesRequest) => boolean, admit = false) {
    const raw = asObject(await readJsonBody(c, config.server.maxRequestBodyBytes));
    if (config.log.debugBodies) deps.logger.debug({ requestId: c.get("requestId"), body: raw }, "request body");
    const parsed = ResponsesRequest.safeParse(raw);
    if (!parsed.success) throw zodToError(parsed.error);
    const req = parsed.data;
    const unknownFields = Object.keys(raw).filter((k) => !KNOWN_FIELDS.has(k));
    const resolved = resolveModel(await deps.catalog.ready(CATALOG_WAIT_MS), req.model, "chat", config.models);
    const caps = capabilitiesFor(resolved.baseModelId, resolved.entry);
    Object.assign(c.get("log"), { model: resolved.requested, bedrockModel: resolved.bedrockId, baseModelId: resolved.baseModelId, stream: streaming(req) });

    const keyId = keyIdOf(c);
    const history = req.previous_response_id ? await loadHistory(store, req.previous_response_id, keyId) : [];
    const input = placeInput(req.input);
    if (input.length === 0 && history.length === 0) throw errors.invalidRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
    // Key limits (allow-list, budget, RPM/TPM) before any upstream work, images included.
    if (admit) {
      await deps.admission?.admit(c, {
        model: resolved,
        estimatedInputTokens: estimateAdmissionTokens([req.instructions, history, input, req.tools]),
        maxOutputTokens: req.max_output_tokens ?? undefined,
      });
    }
    const fetchedImages = await fetchImages(
      imageRefsOf([...history, ...input]),
      imageFetchOptions(config.chat),
      c.req.raw.signal,
    );
    const target = nativeTargetFor(resolved, "responses", !!deps.native);
    if (target) {
      const nativeConv: NativeConversation = { frontDoor: "responses", target, raw, stream: streaming(req), resolved, fetchedImages, history, input, ...(req.previous_response_id ? { previousResponseId: req.previous_response_id } : {}) };
      return { nativeConv } as const;
    }
    const built = buildResponsesConverseRequest(req, history, input, {
      caps,
      modelName: resolved.requested,
      fetchedImages,
      unknownFields,
      strictParams: config.chat.strictParams,
      streaming: streaming(req),
      thinkingStore: deps.thinkingStore,
      openReasoning,
      autoCache: config.chat.promptCaching,
      defaultGuardrail: config.chat.defaultGuardrail,
    });
    for (const [k, v] of Object.entries(responseHeaders(built))) c.header(k, v);
    return { req, resolved, caps, built, input, keyId, nativeConv: undefined };
  }

  r.post("/responses", async (c) => {
    const started = performance.now();
    const log = c.get("log");
    log.endpoint = "responses";
    const prepared = await prepare(c, (q) => q.stream === true, true);
    if (prepared.nativeConv) return runNativeConversation(c, { ...deps, native: deps.native! }, prepared.nativeConv);
    const { req, resolved, caps, built, input, keyId } = prepared;
    const storeIt = req.store !== false;
    const id = newId("resp");
    const createdAt = Math.floor(Date.now() / 1000);
    const shell: ResponseShell = responseShell(req, { id, createdAt, model: resolved.requested, tools: built.tools, store: storeIt });
    const exposeEncrypted = (req.include ?? []).includes(ENCRYPTED);
    const summary = req.reasoning?.summary ?? req.reasoning?.generate_summary;
    const converter = new ResponsesStreamConverter({
      toolNames: built.toolNames,
      namespaced: built.tools.namespaced,
      suppressToolCalls: built.suppressToolCalls,
      jsonToolName: built.jsonToolName,
      reasoningView: config.chat.reasoningOutput === "omit" ? "none" : summary ? "summary" : "content",
      seal: (blocks) => sealer.seal(blocks),
      exposeEncrypted,
      newId,
    });

    /** The final Response from what the converter saw (internal copy: encrypted_content kept). */
    const complete = (error?: { code: string; message: string }): ResponseObject => {
      const reason = incompleteReason(converter.stopReason);
      if (built.jsonMode === "prompt" && req.stream !== true) {
        for (const item of converter.output) if (item.type === "message") for (const p of item.content) p.text = cleanJsonText(p.text);
      }
      const meta = converter.metadata as { serviceTier?: { type?: string }; trace?: unknown; performanceConfig?: unknown } | undefined;
      return finalResponse(shell, {
        output: converter.output,
        status: error ? "failed" : reason ? "incomplete" : "completed",
        ...(error ? { error } : reason ? { incomplete: reason } : {}),
        ...(converter.usage ? { usage: responseUsage(converter.usage, converter.reasoningChars) } : {}),
        // Bedrock's "reserved" tier has no name in the Responses API: it is the account's default capacity.
        serviceTier: meta?.serviceTier?.type === "reserved" ? "default" : meta?.serviceTier?.type,
        bedrock: bedrockExtras(meta && { ...meta, additionalModelResponseFields: converter.additionalFields }),
      });
    };
    const remember = () => {
      if (built.claudeThinking) deps.thinkingStore.remember(converter.toolUseIds, converter.reasoningBlocks);
    };
    const save = async (final: ResponseObject) => {
      remember();
      if (!storeIt) return;
      const items: StoredItem[] = storedInputItems(input, newId);
      const now = Date.now();
      await store.save({ id, keyId, createdAt: now, expiresAt: now + retentionMs, previousResponseId: req.previous_response_id ?? null, response: final, input: items });
    };

    let retries = 0;
    const signal = c.req.raw.signal;
    const send: SendOptions = { signal, onRetry: () => void (log.retries = ++retries) };

    if (req.stream !== true) {
      const res = await runtime.converse(resolved.bedrockId, built.request, send);
      for (const ev of responseToEvents(res)) converter.push(ev);
      converter.finish();
      recordUsage(log, res.usage);
      // The non-streaming answer carries these at top level rather than in stream metadata.
      converter.metadata = { serviceTier: res.serviceTier, trace: res.trace, performanceConfig: res.performanceConfig };
      converter.additionalFields = res.additionalModelResponseFields;
      const final = complete();
      await save(final);
      const body = visible(final, exposeEncrypted);
      if (config.log.debugBodies) deps.logger.debug({ requestId: c.get("requestId"), body }, "response body");
      return c.json(body);
    }

    const stream = await openConverseStream(runtime, resolved.bedrockId, built, caps, send);
    let resolveDone!: () => void;
    c.set("streamDone", new Promise<void>((done) => (resolveDone = done)));
    const events = responseEvents(stream, {
      initial: inProgressResponse(shell),
      converter,
      requestId: c.get("requestId"),
      signal,
      onFirstContent: () => (log.ttftMs = Math.round(performance.now() - started)),
      complete,
      present: (final) => visible(final, exposeEncrypted),
      onFinal: save,
      onFinish: ({ aborted, errorType }) => {
        recordUsage(log, converter.usage);
        if (errorType) log.errorType = errorType;
        if (aborted) recordAborted(log, converter.usage, built.request, converter.outputChars);
      },
    });
    for (const [k, v] of Object.entries(SSE_HEADERS)) c.header(k, v);
    return c.body(sseStream(events, { keepAliveMs: config.chat.keepAliveMs, onClose: () => resolveDone() }), 200);
  });

  r.post("/responses/input_tokens", async (c) => {
    const log = c.get("log");
    log.endpoint = "responses.input_tokens";
    const prepared = await prepare(c, () => false);
    if (prepared.nativeConv) throw errors.invalidRequest("Counting input tokens is not available for models on Bedrock's OpenAI-compatible endpoints.", "model", "model_not_supported");
    const { resolved, built } = prepared;
    // CountTokens counts exactly and never runs the model; Bedrock offers it for Claude models only.
    if (resolved.baseModelId.startsWith("anthropic.")) {
      try {
        const { messages, system, toolConfig, additionalModelRequestFields } = built.request;
        const inputTokens = await runtime.countTokens(resolved.baseModelId, { converse: { messages, system, toolConfig, additionalModelRequestFields } }, { signal: c.req.raw.signal });
        return c.json({ object: "response.input_tokens", input_tokens: inputTokens });
      } catch (err) {
        if (!(err instanceof BedrockError) || err.exception !== "ValidationException") throw err;
      }
    }
    c.header("x-bedrock-gateway-token-count", "estimated");
    const inputTokens = estimateInputTokens(built.request);
    return c.json({ object: "response.input_tokens", input_tokens: inputTokens });
  });

  r.get("/responses/:id", async (c) => {
    c.get("log").endpoint = "responses.retrieve";
    if (c.req.query("stream") === "true") throw errors.invalidRequest("Streaming a stored response again is not supported by this gateway.", "stream", "unsupported_parameter");
    const found = await store.get(c.req.param("id"), keyIdOf(c));
    if (!found) throw errors.responseNotFound(c.req.param("id"));
    return c.json(visible(found.response, includeQuery(c).includes(ENCRYPTED)));
  });

  r.delete("/responses/:id", async (c) => {
    c.get("log").endpoint = "responses.delete";
    const id = c.req.param("id");
    if (!(await store.delete(id, keyIdOf(c)))) throw errors.responseNotFound(id);
    return c.json({ id, object: "response", deleted: true });
  });

  r.get("/responses/:id/input_items", async (c) => {
    c.get("log").endpoint = "responses.input_items";
    const q = ListQuery.safeParse(c.req.query());
    if (!q.success) throw zodToError(q.error);
    const page = await store.listInputItems(c.req.param("id"), keyIdOf(c), q.data);
    if (!page) throw errors.responseNotFound(c.req.param("id"));
    return c.json({ object: "list", ...page });
  });

  return r;
}
