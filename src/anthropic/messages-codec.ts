// The Anthropic Messages front door as a codec (see src/pipeline/conversation-codec.ts): decode
// the request, build the Converse request (messages-to-converse.ts), encode Converse answers as a
// Message or as Anthropic's SSE events (messages-stream-encoder.ts). Pure: no HTTP, no Bedrock.
import { randomUUID } from "node:crypto";
import { zodToError } from "../openai/zod-to-error.ts";
import type { ConversationCodec, DecodedConversation } from "../pipeline/conversation-codec.ts";
import { anthropicImageUrls } from "./messages-input.ts";
import { CountTokensRequest, KNOWN_MESSAGE_FIELDS, MessagesRequest } from "./messages-request.ts";
import { convertMessage } from "./messages-response.ts";
import { MessagesStreamEncoder } from "./messages-stream-encoder.ts";
import { buildAnthropicRequest, messagesThinking } from "./messages-to-converse.ts";

function decoded(raw: Record<string, unknown>, req: MessagesRequest): DecodedConversation<MessagesRequest> {
  return {
    request: req,
    model: req.model,
    stream: req.stream === true,
    choices: 1,
    settings: {
      sampling: { maxTokens: req.max_tokens, temperature: req.temperature, topP: req.top_p },
      thinking: messagesThinking(req),
    },
    estimateParts: [req.system, req.messages, req.tools],
    unknownFields: Object.keys(raw).filter((k) => !KNOWN_MESSAGE_FIELDS.has(k)),
  };
}

export function decodeMessages(raw: Record<string, unknown>): DecodedConversation<MessagesRequest> {
  const parsed = MessagesRequest.safeParse(raw);
  if (!parsed.success) throw zodToError(parsed.error);
  return decoded(raw, parsed.data);
}

/** /v1/messages/count_tokens: the same request without max_tokens and stream. */
export function decodeCountTokens(raw: Record<string, unknown>): DecodedConversation<MessagesRequest> {
  const parsed = CountTokensRequest.safeParse(raw);
  if (!parsed.success) throw zodToError(parsed.error);
  const d = decoded(raw, { ...parsed.data, max_tokens: parsed.data.max_tokens ?? 1 });
  return { ...d, stream: false };
}

const messagesCodecBase: Omit<ConversationCodec<MessagesRequest>, "decode" | "endpoint"> = {
  mediaUrls: (d) => anthropicImageUrls(d.request),
  build: (d, ctx) => buildAnthropicRequest(d.request, { ...ctx, unknownFields: d.unknownFields }),
  encode: (results, ctx) => ({
    body: convertMessage(results[0]!, {
      id: ctx.id,
      model: ctx.model,
      toolNames: ctx.built.toolNames,
      suppressToolCalls: ctx.built.suppressToolCalls,
      jsonToolName: ctx.built.jsonToolName,
      cleanJson: ctx.built.jsonMode === "prompt",
      stopSequences: ctx.decoded.request.stop_sequences,
    }),
  }),
  streamEncoder: (ctx) =>
    new MessagesStreamEncoder({
      id: ctx.id,
      model: ctx.model,
      requestId: ctx.requestId,
      estimatedInputTokens: ctx.estimatedInputTokens,
      stopSequences: ctx.decoded.request.stop_sequences,
    }),
  // Anthropic's SDKs expect `event: ping` during silences, not an SSE comment.
  keepAlive: { event: "ping", data: { type: "ping" } },
  newId: () => `msg_bdrk_${randomUUID().replaceAll("-", "").slice(0, 24)}`,
  countBody: (inputTokens) => ({ input_tokens: inputTokens }),
};

export const messagesCodec: ConversationCodec<MessagesRequest> = { ...messagesCodecBase, endpoint: "messages", decode: decodeMessages };
export const countTokensCodec: ConversationCodec<MessagesRequest> = {
  ...messagesCodecBase,
  endpoint: "messages.count_tokens",
  decode: decodeCountTokens,
};
