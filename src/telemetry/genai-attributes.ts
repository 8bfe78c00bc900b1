// Pure mappers from Bedrock calls to the OpenTelemetry GenAI semantic conventions (v1.41, the last
// release inside open-telemetry/semantic-conventions; the conventions have since moved to their own
// repository). No OTel import: plain attribute objects, tested with fixtures in
// test/genai-attributes.test.ts. Names are spelled out here rather than taken from
// @opentelemetry/semantic-conventions/incubating, whose module is several megabytes to load for a
// few dozen strings.
import type { ContentBlock, ConverseRequest, ConverseResponse, Message, StopReason, TokenUsage } from "../bedrock/converse-types.ts";

export type Attributes = Record<string, string | number | boolean | string[] | undefined>;

export const PROVIDER = "aws.bedrock";

/** Which Bedrock runtime operation a span wraps. */
export type RuntimeCall = "converse" | "converseStream" | "invokeModel" | "countTokens";

/**
 * gen_ai.operation.name. Converse is `chat`. InvokeModel serves several APIs, so the gateway
 * endpoint that made the call decides: embeddings → `embeddings`, images → `generate_content`
 * (with gen_ai.output.type=image), rerank → `rerank` (no well-known value exists). Without an
 * endpoint (a call outside a request) the model id is the hint.
 */
export function operationName(call: RuntimeCall, endpoint: string | undefined, modelId: string): string {
  if (call === "converse" || call === "converseStream") return "chat";
  if (call === "countTokens") return "count_tokens";
  if (endpoint === "embeddings" || (!endpoint && /embed/i.test(modelId))) return "embeddings";
  if (endpoint === "rerank" || (!endpoint && /rerank/i.test(modelId))) return "rerank";
  if (endpoint === "images.generations" || (!endpoint && /image|canvas|stability\./i.test(modelId))) return "generate_content";
  return "invoke_model";
}

/** Span name `{gen_ai.operation.name} {gen_ai.request.model}`. */
export function spanName(operation: string, modelId: string): string {
  return `${operation} ${modelId}`;
}

/** Attributes known when the call starts (the conventions ask for these at span creation). */
export function startAttributes(operation: string, modelId: string, server: { address: string; port: number }): Attributes {
  return {
    "gen_ai.operation.name": operation,
    "gen_ai.provider.name": PROVIDER,
    // Deprecated by gen_ai.provider.name but still what many backends (and older dashboards) group by.
    "gen_ai.system": PROVIDER,
    "gen_ai.request.model": modelId,
    "server.address": server.address,
    "server.port": server.port,
    ...(operation === "generate_content" ? { "gen_ai.output.type": "image" } : {}),
  };
}

/** Inference parameters of a Converse request. */
export function converseRequestAttributes(request: ConverseRequest, stream: boolean): Attributes {
  const inf = request.inferenceConfig;
  const out: Attributes = { "gen_ai.request.stream": stream };
  if (inf?.maxTokens !== undefined) out["gen_ai.request.max_tokens"] = inf.maxTokens;
  if (inf?.temperature !== undefined) out["gen_ai.request.temperature"] = inf.temperature;
  if (inf?.topP !== undefined) out["gen_ai.request.top_p"] = inf.topP;
  if (inf?.stopSequences?.length) out["gen_ai.request.stop_sequences"] = inf.stopSequences;
  const guardrail = request.guardrailConfig?.guardrailIdentifier;
  if (guardrail) out["aws.bedrock.guardrail.id"] = guardrail;
  if (request.outputConfig?.textFormat) out["gen_ai.output.type"] = "json";
  return out;
}

/**
 * Token usage. Bedrock's inputTokens excludes cache reads and writes; the conventions'
 * gen_ai.usage.input_tokens includes them, so they are added back.
 */
export function usageAttributes(usage: Partial<TokenUsage> | undefined): Attributes {
  if (!usage) return {};
  const read = usage.cacheReadInputTokens ?? 0;
  const write = usage.cacheWriteInputTokens ?? 0;
  const out: Attributes = {};
  if (usage.inputTokens !== undefined) out["gen_ai.usage.input_tokens"] = usage.inputTokens + read + write;
  if (usage.outputTokens !== undefined) out["gen_ai.usage.output_tokens"] = usage.outputTokens;
  if (usage.cacheReadInputTokens !== undefined) out["gen_ai.usage.cache_read.input_tokens"] = read;
  if (usage.cacheWriteInputTokens !== undefined) out["gen_ai.usage.cache_creation.input_tokens"] = write;
  return out;
}

/** Bedrock's stopReason is recorded as Bedrock says it (end_turn, max_tokens, tool_use, …). */
export function finishAttributes(stopReason: StopReason | undefined): Attributes {
  return stopReason ? { "gen_ai.response.finish_reasons": [stopReason] } : {};
}

/** Attributes of a finished Converse call (non-streaming). */
export function converseResponseAttributes(modelId: string, res: ConverseResponse): Attributes {
  return {
    // A prompt router names the model it picked; otherwise the model is the one requested.
    "gen_ai.response.model": res.trace?.promptRouter?.invokedModelId ?? modelId,
    ...finishAttributes(res.stopReason),
    ...usageAttributes(res.usage),
  };
}

// ---- Message content (only with OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true) ----

/** Longest JSON recorded per content attribute; longer values are cut (and say so). */
export const MAX_CONTENT_CHARS = 64 * 1024;

type Part = Record<string, unknown>;

function bytesNote(source: unknown): Record<string, unknown> {
  // Media bytes are never exported: they are large and rarely useful in a trace.
  return source && typeof source === "object" && "s3Location" in source
    ? { uri: (source as { s3Location: { uri: string } }).s3Location.uri }
    : {};
}

/** One Converse content block → a part of the conventions' message schema. */
export function contentPart(block: ContentBlock): Part | undefined {
  if ("text" in block) return { type: "text", content: block.text };
  if ("toolUse" in block)
    return { type: "tool_call", id: block.toolUse.toolUseId, name: block.toolUse.name, arguments: block.toolUse.input };
  if ("toolResult" in block) {
    const response = block.toolResult.content.map((c) => ("text" in c ? c.text : "json" in c ? c.json : "[media]"));
    return { type: "tool_call_response", id: block.toolResult.toolUseId, response: response.length === 1 ? response[0] : response };
  }
  if ("reasoningContent" in block) {
    const r = block.reasoningContent;
    return "reasoningText" in r ? { type: "reasoning", content: r.reasoningText.text } : { type: "reasoning", content: "[redacted]" };
  }
  if ("image" in block)
    return { type: "blob", modality: "image", mime_type: `image/${block.image.format}`, ...bytesNote(block.image.source) };
  if ("video" in block)
    return { type: "blob", modality: "video", mime_type: `video/${block.video.format}`, ...bytesNote(block.video.source) };
  if ("audio" in block)
    return { type: "blob", modality: "audio", mime_type: `audio/${block.audio.format}`, ...bytesNote(block.audio.source) };
  if ("document" in block) {
    const s = block.document.source;
    return "text" in s ? { type: "text", content: s.text } : { type: "file", name: block.document.name, ...bytesNote(s) };
  }
  if ("guardContent" in block) return { type: "text", content: block.guardContent.text.text };
  if ("citationsContent" in block)
    return { type: "text", content: (block.citationsContent.content ?? []).map((c) => c.text ?? "").join("") };
  return undefined; // cachePoint: not content
}

function parts(blocks: readonly ContentBlock[]): Part[] {
  return blocks.map(contentPart).filter((p): p is Part => p !== undefined);
}

/** A JSON string cut to MAX_CONTENT_CHARS (the conventions allow JSON strings on spans). */
export function boundedJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.length <= MAX_CONTENT_CHARS
    ? json
    : `${json.slice(0, MAX_CONTENT_CHARS)}…[truncated ${json.length - MAX_CONTENT_CHARS} chars]`;
}

/** gen_ai.input.messages and gen_ai.system_instructions of a Converse request. */
export function inputContentAttributes(request: ConverseRequest): Attributes {
  const out: Attributes = {};
  if (request.messages?.length) {
    out["gen_ai.input.messages"] = boundedJson(request.messages.map((m) => ({ role: m.role, parts: parts(m.content) })));
  }
  const system = (request.system ?? []).flatMap((b) =>
    "text" in b ? [{ type: "text", content: b.text }] : "guardContent" in b ? [{ type: "text", content: b.guardContent.text.text }] : [],
  );
  if (system.length) out["gen_ai.system_instructions"] = boundedJson(system);
  return out;
}

/** gen_ai.output.messages for the message the model returned. */
export function outputContentAttributes(message: Message | undefined, stopReason: StopReason | undefined): Attributes {
  if (!message) return {};
  return {
    "gen_ai.output.messages": boundedJson([{ role: message.role, parts: parts(message.content), finish_reason: stopReason ?? "" }]),
  };
}
