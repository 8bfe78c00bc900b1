// Pure: a Converse response → an Anthropic Message. Content blocks keep Bedrock's order
// (thinking with its signature, text, tool_use with its input object); usage is Bedrock's own,
// which already counts like Anthropic's (input tokens exclude cache reads and writes).
import type { ContentBlock, ConverseResponse, StopReason, TokenUsage } from "../bedrock/converse-types.ts";
import { cleanJsonText } from "../converse/structured-output.ts";
import type { ToolNameMap } from "../converse/tool-names.ts";

export type AnthropicStopReason =
  "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal" | "model_context_window_exceeded" | "pause_turn";

export function mapStopReason(stop: StopReason | undefined, hasToolUse: boolean): AnthropicStopReason {
  switch (stop) {
    case "max_tokens":
      return "max_tokens";
    case "stop_sequence":
      return "stop_sequence";
    case "tool_use":
      return hasToolUse ? "tool_use" : "end_turn";
    case "guardrail_intervened":
    case "content_filtered":
      return "refusal";
    case "model_context_window_exceeded":
      return "model_context_window_exceeded";
    default:
      return hasToolUse ? "tool_use" : "end_turn";
  }
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number } | null;
  server_tool_use: null;
  service_tier?: "standard";
  inference_geo?: null;
}

/** Usage as Message.usage (full) or message_delta.usage (the delta's subset). */
export function convertUsage(u: TokenUsage | undefined, full = true): AnthropicUsage {
  const base = {
    input_tokens: u?.inputTokens ?? 0,
    output_tokens: u?.outputTokens ?? 0,
    cache_creation_input_tokens: u?.cacheWriteInputTokens ?? 0,
    cache_read_input_tokens: u?.cacheReadInputTokens ?? 0,
    server_tool_use: null,
  };
  if (!full) return base;
  // Bedrock breaks cache writes down by TTL when it has them, as Anthropic does.
  const details = u?.cacheDetails;
  const cache_creation = details
    ? {
        ephemeral_5m_input_tokens: details.filter((d) => d.ttl === "5m").reduce((n, d) => n + d.inputTokens, 0),
        ephemeral_1h_input_tokens: details.filter((d) => d.ttl === "1h").reduce((n, d) => n + d.inputTokens, 0),
      }
    : null;
  return { ...base, cache_creation, service_tier: "standard", inference_geo: null };
}

export type AnthropicContent =
  | { type: "text"; text: string; citations: unknown[] | null }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string; input: unknown; caller: { type: "direct" } };

export function convertContent(blocks: ContentBlock[], names: ToolNameMap): AnthropicContent[] {
  const out: AnthropicContent[] = [];
  for (const b of blocks) {
    if ("text" in b) out.push({ type: "text", text: b.text, citations: null });
    else if ("toolUse" in b)
      out.push({
        type: "tool_use",
        id: b.toolUse.toolUseId,
        name: names.clientName(b.toolUse.name),
        input: b.toolUse.input ?? {},
        caller: { type: "direct" },
      });
    else if ("reasoningContent" in b) {
      const rc = b.reasoningContent;
      // Always the full text and signature, whatever `display` asked: clients replay the block
      // verbatim and Bedrock checks the signature against the text.
      if ("reasoningText" in rc)
        out.push({ type: "thinking", thinking: rc.reasoningText.text, signature: rc.reasoningText.signature ?? "" });
      else out.push({ type: "redacted_thinking", data: rc.redactedContent });
    } else if ("citationsContent" in b) {
      const text = (b.citationsContent.content ?? []).map((c) => c.text ?? "").join("");
      out.push({ type: "text", text, citations: b.citationsContent.citations ?? [] });
    }
  }
  return out;
}

/**
 * The stop sequence that stopped the model: Claude reports it when asked for its `/stop_sequence`
 * response field; otherwise, with a single stop sequence in the request, it can only be that one.
 */
export function stopSequenceOf(
  res: { additionalModelResponseFields?: unknown },
  stop: AnthropicStopReason,
  requested?: string[],
): string | null {
  if (stop !== "stop_sequence") return null;
  const f = res.additionalModelResponseFields as { stop_sequence?: unknown } | undefined;
  if (typeof f?.stop_sequence === "string") return f.stop_sequence;
  const stops = (requested ?? []).filter((s) => s !== "");
  return stops.length === 1 ? stops[0]! : null;
}

export interface MessageContext {
  id: string;
  model: string;
  toolNames: ToolNameMap;
  /** tool_choice "none" with tools kept for the history: tool calls are dropped from the answer. */
  suppressToolCalls?: boolean;
  /** Structured output through a forced tool: its input is the answer's text. */
  jsonToolName?: string;
  /** Structured output through instructions: the answer's text is cleaned of code fences. */
  cleanJson?: boolean;
  stopSequences?: string[];
}

/** The answer's blocks as the client sees them: structured-output tool → text, suppressed calls gone. */
function visibleBlocks(blocks: ContentBlock[], ctx: MessageContext): ContentBlock[] {
  if (!ctx.jsonToolName && !ctx.suppressToolCalls) return blocks;
  return blocks.flatMap((b): ContentBlock[] => {
    if (!("toolUse" in b)) return [b];
    if (ctx.jsonToolName && b.toolUse.name === ctx.jsonToolName) return [{ text: JSON.stringify(b.toolUse.input ?? {}) }];
    return ctx.suppressToolCalls ? [] : [b];
  });
}

export function convertMessage(res: ConverseResponse, ctx: MessageContext) {
  const content = convertContent(visibleBlocks(res.output.message?.content ?? [], ctx), ctx.toolNames);
  if (ctx.cleanJson) for (const c of content) if (c.type === "text") c.text = cleanJsonText(c.text);
  const stop = mapStopReason(
    res.stopReason,
    content.some((c) => c.type === "tool_use"),
  );
  return {
    id: ctx.id,
    type: "message" as const,
    role: "assistant" as const,
    model: ctx.model,
    content,
    stop_reason: stop,
    stop_sequence: stopSequenceOf(res, stop, ctx.stopSequences),
    stop_details: null,
    container: null,
    usage: convertUsage(res.usage),
  };
}
