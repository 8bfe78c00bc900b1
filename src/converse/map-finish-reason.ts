// Bedrock stopReason → OpenAI finish_reason. Bedrock's own enum never leaks to clients.
import type { StopReason } from "../bedrock/converse-types.ts";

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export function mapFinishReason(stop: StopReason | undefined, hasToolCalls: boolean): FinishReason {
  switch (stop) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return hasToolCalls ? "tool_calls" : "stop";
    case "guardrail_intervened":
    case "content_filtered":
      return "content_filter";
    case "end_turn":
    case "stop_sequence":
    case "malformed_model_output":
    case "malformed_tool_use":
    case undefined:
      return hasToolCalls ? "tool_calls" : "stop";
    default:
      return hasToolCalls ? "tool_calls" : "stop";
  }
}
