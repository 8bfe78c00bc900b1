// Bedrock stopReason → the Response status: a cut-off answer is `incomplete` with the reason
// (max_output_tokens, content_filter); everything else completed. Bedrock's enum never leaks.
import type { StopReason } from "../bedrock/converse-types.ts";

export type IncompleteReason = "max_output_tokens" | "content_filter";

export function incompleteReason(stop: StopReason | undefined): IncompleteReason | undefined {
  switch (stop) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "max_output_tokens";
    case "guardrail_intervened":
    case "content_filtered":
      return "content_filter";
    default:
      return undefined;
  }
}
