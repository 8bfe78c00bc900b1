// The Chat Completions front door as a codec (see src/pipeline/conversation-codec.ts): decode the
// OpenAI request, build the Converse request (chat-to-converse.ts), encode Converse answers as a
// chat.completion or as chunks (chat-stream-encoder.ts). Pure: no HTTP, no Bedrock, no policy.
import { randomUUID } from "node:crypto";
import type { TokenUsage } from "../bedrock/converse-types.ts";
import type { BuiltRequest } from "../converse/assemble-request.ts";
import { bedrockExtras } from "../converse/bedrock-extras.ts";
import { parseEffort } from "../converse/reasoning.ts";
import { ChatCompletionRequest, KNOWN_FIELDS } from "../openai/chat-request.ts";
import { zodToError } from "../openai/zod-to-error.ts";
import type { ConversationCodec, DecodedConversation } from "../pipeline/conversation-codec.ts";
import { buildConverseRequest } from "./chat-to-converse.ts";
import { convertChoice } from "./chat-response.ts";
import { ChatStreamEncoder } from "./chat-stream-encoder.ts";
import type { ChatCompletionOut } from "./chat-types.ts";
import { SYSTEM_FINGERPRINT } from "./chat-types.ts";
import { addUsage, convertUsage } from "./chat-usage.ts";
import { imageUrlsOf } from "./resolve-images.ts";

/** bedrock-access-gateway clients send Bedrock fields inside a literal "extra_body" key: lift them. */
function withExtraBody(raw: Record<string, unknown>): Record<string, unknown> {
  const extra = raw.extra_body;
  if (extra === undefined) return raw;
  const { extra_body: _, ...rest } = raw;
  if (extra === null || typeof extra !== "object" || Array.isArray(extra)) return rest;
  return { ...(extra as Record<string, unknown>), ...rest };
}

export function decodeChat(raw: Record<string, unknown>): DecodedConversation<ChatCompletionRequest> {
  const body = withExtraBody(raw);
  const parsed = ChatCompletionRequest.safeParse(body);
  if (!parsed.success) throw zodToError(parsed.error, body);
  const req = parsed.data;
  return {
    request: req,
    model: req.model,
    stream: req.stream === true,
    choices: req.n ?? 1,
    settings: {
      sampling: {
        maxTokens: req.max_completion_tokens ?? req.max_tokens ?? undefined,
        temperature: req.temperature ?? undefined,
        topP: req.top_p ?? undefined,
      },
      effort: parseEffort(req.reasoning_effort),
      thinking: req.thinking,
    },
    estimateParts: [req.messages, req.tools],
    unknownFields: Object.keys(body).filter((k) => !KNOWN_FIELDS.has(k)),
  };
}

export const chatCodec: ConversationCodec<ChatCompletionRequest> = {
  endpoint: "chat.completions",
  decode: decodeChat,
  mediaUrls: (d) => imageUrlsOf(d.request.messages),
  build: (d, ctx) => buildConverseRequest(d.request, { ...ctx, unknownFields: d.unknownFields }),
  encode(results, ctx) {
    const { built } = ctx;
    const usage = results.reduce<TokenUsage | undefined>((acc, res) => addUsage(acc, res.usage), undefined);
    const tier = results[0]?.serviceTier?.type;
    const bedrock = bedrockExtras(results[0]);
    const body: ChatCompletionOut = {
      id: ctx.id,
      object: "chat.completion",
      created: ctx.created,
      model: ctx.model,
      system_fingerprint: SYSTEM_FINGERPRINT,
      ...(tier ? { service_tier: tier } : {}),
      choices: results.map((res, i) => convertChoice(res, i, { ...mappingOf(built), reasoningOutput: ctx.reasoningOutput })),
      usage: convertUsage(usage),
      ...(bedrock ? { bedrock } : {}),
    };
    return { body };
  },
  streamEncoder: (ctx) =>
    new ChatStreamEncoder({
      id: ctx.id,
      created: ctx.created,
      model: ctx.model,
      choices: ctx.decoded.choices,
      includeUsage: ctx.decoded.request.stream_options?.include_usage === true,
      reasoningOutput: ctx.reasoningOutput,
    }),
  newId: () => `chatcmpl-${randomUUID().replaceAll("-", "")}`,
};

function mappingOf(built: BuiltRequest) {
  return {
    toolNames: built.toolNames,
    suppressToolCalls: built.suppressToolCalls,
    jsonToolName: built.jsonToolName,
    cleanJson: built.jsonMode === "prompt",
  };
}
