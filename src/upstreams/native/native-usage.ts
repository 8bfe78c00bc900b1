// Token counts from a native answer → the request's usage fields (the same ones Converse fills:
// access log, usage records, cost, limits and metrics all read them). OpenAI counts cached
// prompt tokens inside prompt/input tokens; Bedrock's inputTokens excludes cache reads.
import type { ChatUsage, ResponsesUsage } from "./openai-shapes.ts";

export interface NativeTokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
}

const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

export function usageFromChat(u: ChatUsage | null | undefined): NativeTokenUsage | undefined {
  if (!u || typeof u !== "object") return undefined;
  const cached = n(u.prompt_tokens_details?.cached_tokens);
  return { inputTokens: Math.max(0, n(u.prompt_tokens) - cached), outputTokens: n(u.completion_tokens), cacheReadTokens: cached };
}

export function usageFromResponses(u: ResponsesUsage | null | undefined): NativeTokenUsage | undefined {
  if (!u || typeof u !== "object") return undefined;
  const cached = n(u.input_tokens_details?.cached_tokens);
  return { inputTokens: Math.max(0, n(u.input_tokens) - cached), outputTokens: n(u.output_tokens), cacheReadTokens: cached };
}
