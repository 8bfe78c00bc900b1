// Bedrock event streams (one per choice) → the OpenAI chunk sequence: a role delta per choice
// first, content and tool-call deltas as they arrive, a finish chunk per choice, then (with
// stream_options.include_usage) one chunk with `choices: []` and the usage, then [DONE]. Every
// chunk carries the same id and created. An error after the first byte becomes
// `data: {"error": …}` and the stream ends, which the OpenAI SDKs raise as APIError.
import type { ConverseStreamEvent, TokenUsage } from "../bedrock/converse-types.ts";
import { toOpenAIErrorBody } from "../errors/gateway-error.ts";
import { toGatewayError } from "../errors/to-gateway-error.ts";
import type { SseEvent } from "../http/sse.ts";
import type { ChatCompletionChunkOut, ChunkChoice, ReasoningOutput } from "./chat-types.ts";
import { SYSTEM_FINGERPRINT } from "./chat-types.ts";
import { ChatStreamConverter } from "./convert-stream.ts";
import { addUsage, convertUsage } from "./chat-usage.ts";
import { bedrockExtras } from "../converse/bedrock-extras.ts";
import { mergeStreams } from "../converse/merge-streams.ts";
import type { ToolNameMap } from "../converse/tool-names.ts";

export interface ChunkContext {
  id: string;
  created: number;
  model: string;
  includeUsage: boolean;
  toolNames: ToolNameMap;
  suppressToolCalls: boolean;
  reasoningOutput: ReasoningOutput;
  jsonToolName?: string;
  requestId: string;
  /** The client's connection: when it is gone, upstream errors are just the abort echoing back. */
  signal?: AbortSignal;
  /** Observers for the access log / usage records. */
  onFirstContent?: () => void;
  /** Called exactly once: at the end, on error, or when the client goes away (aborted). */
  onFinish?: (usage: TokenUsage | undefined, info: { serviceTier?: string; aborted: boolean; outputChars: number; converters: ChatStreamConverter[] }) => void;
  onError?: (errorType: string) => void;
}

export async function* chatChunks(streams: AsyncIterable<ConverseStreamEvent>[], ctx: ChunkContext): AsyncGenerator<SseEvent> {
  const converters = streams.map(() => new ChatStreamConverter({ toolNames: ctx.toolNames, suppressToolCalls: ctx.suppressToolCalls, reasoningOutput: ctx.reasoningOutput, jsonToolName: ctx.jsonToolName }));
  let serviceTier: string | undefined;
  const envelope = (choices: ChunkChoice[]): ChatCompletionChunkOut => ({
    id: ctx.id,
    object: "chat.completion.chunk",
    created: ctx.created,
    model: ctx.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    ...(serviceTier ? { service_tier: serviceTier } : {}),
    choices,
  });
  const usage = () => converters.reduce<TokenUsage | undefined>((acc, c) => addUsage(acc, c.usage), undefined);

  for (let i = 0; i < streams.length; i++) {
    yield { data: envelope([{ index: i, delta: { role: "assistant", content: "" }, finish_reason: null, logprobs: null }]) };
  }
  let first = true;
  let finished = false;
  const finish = (aborted: boolean) => {
    if (finished) return;
    finished = true;
    const outputChars = converters.reduce((n, c) => n + c.outputChars, 0);
    ctx.onFinish?.(usage(), { serviceTier, aborted, outputChars, converters });
  };
  try {
    for await (const { index, value } of mergeStreams(streams)) {
      const conv = converters[index]!;
      if ("metadata" in value && value.metadata.serviceTier?.type) serviceTier = value.metadata.serviceTier.type;
      for (const step of conv.push(value)) {
        if (step.delta) {
          if (first) {
            first = false;
            ctx.onFirstContent?.();
          }
          yield { data: envelope([{ index, delta: step.delta, finish_reason: null, logprobs: null }]) };
        }
        if (step.finishReason) yield { data: envelope([{ index, delta: {}, finish_reason: step.finishReason, logprobs: null }]) };
      }
    }
    finish(false);
  } catch (err) {
    if (ctx.signal?.aborted) {
      finish(true);
      return;
    }
    const { error } = toGatewayError(err, ctx.requestId);
    ctx.onError?.(error.code ?? error.type);
    finish(false);
    yield { data: toOpenAIErrorBody(error) };
    return;
  } finally {
    // Reached without finish() only when the consumer stopped early: the client went away.
    finish(true);
  }
  const total = usage();
  // Bedrock-specific results (guardrail trace, performance config) arrive in metadata at the end.
  const first0 = converters[0];
  const bedrock = bedrockExtras(first0 && { ...first0.metadata, additionalModelResponseFields: first0.additionalFields });
  if (ctx.includeUsage) yield { data: { ...envelope([]), usage: convertUsage(total), ...(bedrock ? { bedrock } : {}) } };
  // The service tier Bedrock used is known only from the final metadata: say it in a last chunk.
  else if (bedrock || serviceTier) yield { data: { ...envelope([]), ...(bedrock ? { bedrock } : {}) } };
  yield { data: "[DONE]" };
}
