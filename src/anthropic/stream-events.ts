// Stateful: ConverseStream events → Anthropic's SSE events, exactly as Anthropic sends them:
// message_start, then per content block content_block_start / content_block_delta (text_delta,
// input_json_delta, thinking_delta, signature_delta) / content_block_stop with dense indexes,
// then message_delta (stop_reason, stop_sequence, usage) and message_stop. Bedrock starts text and
// reasoning blocks directly with deltas, so a block is opened on its first delta. A Bedrock
// exception mid-stream becomes `event: error` and the stream ends without message_stop.
import type { ConverseStreamEvent, ReasoningContentBlock, StopReason, TokenUsage } from "../bedrock/converse-types.ts";
import { toGatewayError } from "../errors/to-gateway-error.ts";
import type { SseEvent } from "../http/sse.ts";
import type { ToolNameMap } from "../converse/tool-names.ts";
import { convertUsage, mapStopReason, stopSequenceOf } from "./messages-response.ts";
import { toAnthropicError } from "./anthropic-errors.ts";

export interface AnthropicStreamContext {
  id: string;
  model: string;
  toolNames: ToolNameMap;
  requestId: string;
  /** Shown in message_start; the exact count comes in message_delta at the end. */
  estimatedInputTokens: number;
  signal?: AbortSignal;
  onFirstContent?: () => void;
  onError?: (errorType: string) => void;
  /** Called exactly once, at the end, on error, or when the client goes away. */
  onFinish?: (usage: TokenUsage | undefined, info: { aborted: boolean; outputChars: number; toolUseIds: string[]; reasoning: ReasoningContentBlock[] }) => void;
}

type Kind = "text" | "thinking" | "redacted_thinking" | "tool_use";

const ev = (data: { type: string; [k: string]: unknown }): SseEvent => ({ event: data.type, data });

export async function* anthropicStreamEvents(stream: AsyncIterable<ConverseStreamEvent>, ctx: AnthropicStreamContext): AsyncGenerator<SseEvent> {
  let next = 0;
  let open: { bedrock: number; index: number; kind: Kind } | undefined;
  let stopReason: StopReason | undefined;
  let usage: TokenUsage | undefined;
  let additional: unknown;
  let outputChars = 0;
  let sawToolUse = false;
  let first = true;
  let finished = false;
  const toolUseIds: string[] = [];
  const reasoning: ReasoningContentBlock[] = [];
  const thinkingText = new Map<number, string>();

  const finish = (aborted: boolean) => {
    if (finished) return;
    finished = true;
    ctx.onFinish?.(usage, { aborted, outputChars, toolUseIds, reasoning });
  };
  const close = (): SseEvent[] => {
    if (!open) return [];
    const e = ev({ type: "content_block_stop", index: open.index });
    open = undefined;
    return [e];
  };
  const start = (bedrock: number, kind: Kind, block: Record<string, unknown>): SseEvent[] => {
    const out = close();
    open = { bedrock, index: next++, kind };
    if (first) {
      first = false;
      ctx.onFirstContent?.();
    }
    out.push(ev({ type: "content_block_start", index: open.index, content_block: block }));
    return out;
  };

  yield ev({
    type: "message_start",
    message: {
      id: ctx.id,
      type: "message",
      role: "assistant",
      model: ctx.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      stop_details: null,
      container: null,
      usage: { ...convertUsage({ inputTokens: ctx.estimatedInputTokens, outputTokens: 1, totalTokens: ctx.estimatedInputTokens + 1 }), cache_creation: null },
    },
  });

  try {
    for await (const e of stream) {
      if ("contentBlockStart" in e) {
        const tu = e.contentBlockStart.start.toolUse;
        if (tu) {
          sawToolUse = true;
          toolUseIds.push(tu.toolUseId);
          yield* start(e.contentBlockStart.contentBlockIndex, "tool_use", { type: "tool_use", id: tu.toolUseId, name: ctx.toolNames.clientName(tu.name), input: {}, caller: { type: "direct" } });
        }
      } else if ("contentBlockDelta" in e) {
        const { delta, contentBlockIndex: bi } = e.contentBlockDelta;
        if (delta.text !== undefined) {
          if (open?.bedrock !== bi) yield* start(bi, "text", { type: "text", text: "", citations: null });
          outputChars += delta.text.length;
          if (delta.text !== "") yield ev({ type: "content_block_delta", index: open!.index, delta: { type: "text_delta", text: delta.text } });
        } else if (delta.toolUse) {
          if (open?.bedrock === bi && delta.toolUse.input !== "") {
            outputChars += delta.toolUse.input.length;
            yield ev({ type: "content_block_delta", index: open.index, delta: { type: "input_json_delta", partial_json: delta.toolUse.input } });
          }
        } else if (delta.reasoningContent) {
          const rc = delta.reasoningContent;
          if (rc.redactedContent !== undefined) {
            reasoning.push({ redactedContent: rc.redactedContent });
            yield* start(bi, "redacted_thinking", { type: "redacted_thinking", data: rc.redactedContent });
            continue;
          }
          if (open?.bedrock !== bi) yield* start(bi, "thinking", { type: "thinking", thinking: "", signature: "" });
          if (rc.text) {
            outputChars += rc.text.length;
            thinkingText.set(bi, (thinkingText.get(bi) ?? "") + rc.text);
            yield ev({ type: "content_block_delta", index: open!.index, delta: { type: "thinking_delta", thinking: rc.text } });
          }
          if (rc.signature) {
            reasoning.push({ reasoningText: { text: thinkingText.get(bi) ?? "", signature: rc.signature } });
            yield ev({ type: "content_block_delta", index: open!.index, delta: { type: "signature_delta", signature: rc.signature } });
          }
        }
      } else if ("contentBlockStop" in e) {
        if (open?.bedrock === e.contentBlockStop.contentBlockIndex) yield* close();
      } else if ("messageStop" in e) {
        stopReason = e.messageStop.stopReason;
        additional = e.messageStop.additionalModelResponseFields;
        yield* close();
      } else if ("metadata" in e) {
        usage = e.metadata.usage;
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
    yield ev(toAnthropicError(error, ctx.requestId).body);
    return;
  } finally {
    finish(true);
  }
  yield* close();
  const stop = mapStopReason(stopReason, sawToolUse);
  yield ev({
    type: "message_delta",
    delta: { stop_reason: stop, stop_sequence: stopSequenceOf({ additionalModelResponseFields: additional }, stop), stop_details: null, container: null },
    usage: convertUsage(usage, false),
  });
  yield ev({ type: "message_stop" });
}
