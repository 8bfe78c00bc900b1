// Pure: a Converse response → an Anthropic Message. Content blocks keep Bedrock's order
// (thinking with its signature, text, tool_use with its input object); usage is Bedrock's own,
// which already counts like Anthropic's (input tokens exclude cache reads and writes).
import type { ContentBlock, ConverseResponse, StopReason, TokenUsage } from "../bedrock/converse-types.ts";
import type { ToolNameMap } from "../converse/tool-names.ts";

export type AnthropicStopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal" | "model_context_window_exceeded" | "pause_turn";

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
}

export function convertUsage(u: TokenUsage | undefined): AnthropicUsage {
  return {
    input_tokens: u?.inputTokens ?? 0,
    output_tokens: u?.outputTokens ?? 0,
    cache_creation_input_tokens: u?.cacheWriteInputTokens ?? 0,
    cache_read_input_tokens: u?.cacheReadInputTokens ?? 0,
  };
}

export type AnthropicContent =
  | { type: "text"; text: string; citations?: unknown[] | null }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string; input: unknown };

export function convertContent(blocks: ContentBlock[], names: ToolNameMap): AnthropicContent[] {
  const out: AnthropicContent[] = [];
  for (const b of blocks) {
    if ("text" in b) out.push({ type: "text", text: b.text });
    else if ("toolUse" in b) out.push({ type: "tool_use", id: b.toolUse.toolUseId, name: names.clientName(b.toolUse.name), input: b.toolUse.input ?? {} });
    else if ("reasoningContent" in b) {
      const rc = b.reasoningContent;
      // Always the full text and signature, whatever `display` asked: clients replay the block
      // verbatim and Bedrock checks the signature against the text.
      if ("reasoningText" in rc) out.push({ type: "thinking", thinking: rc.reasoningText.text, signature: rc.reasoningText.signature ?? "" });
      else out.push({ type: "redacted_thinking", data: rc.redactedContent });
    } else if ("citationsContent" in b) {
      const text = (b.citationsContent.content ?? []).map((c) => c.text ?? "").join("");
      out.push({ type: "text", text, citations: b.citationsContent.citations ?? [] });
    }
  }
  return out;
}

export function stopSequenceOf(res: { additionalModelResponseFields?: unknown }, stop: AnthropicStopReason): string | null {
  if (stop !== "stop_sequence") return null;
  const f = res.additionalModelResponseFields as { stop_sequence?: unknown } | undefined;
  return typeof f?.stop_sequence === "string" ? f.stop_sequence : null;
}

export function convertMessage(res: ConverseResponse, ctx: { id: string; model: string; toolNames: ToolNameMap }) {
  const content = convertContent(res.output.message?.content ?? [], ctx.toolNames);
  const stop = mapStopReason(res.stopReason, content.some((c) => c.type === "tool_use"));
  return {
    id: ctx.id,
    type: "message" as const,
    role: "assistant" as const,
    model: ctx.model,
    content,
    stop_reason: stop,
    stop_sequence: stopSequenceOf(res, stop),
    usage: convertUsage(res.usage),
  };
}
