// Bedrock TokenUsage → OpenAI usage. Bedrock's inputTokens exclude cache reads and writes; OpenAI's
// prompt_tokens include everything read, so prompt_tokens = input + cache read + cache write, with
// cache reads in prompt_tokens_details.cached_tokens. Cache writes are reported in the extra field
// cache_creation_input_tokens (and reads in cache_read_input_tokens), the names other gateways use.
import type { TokenUsage } from "../bedrock/converse-types.ts";

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

export function addUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!a) return b;
  if (!b) return a;
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    cacheReadInputTokens: (a.cacheReadInputTokens ?? 0) + (b.cacheReadInputTokens ?? 0),
    cacheWriteInputTokens: (a.cacheWriteInputTokens ?? 0) + (b.cacheWriteInputTokens ?? 0),
  };
}

export function convertUsage(u: TokenUsage | undefined, reasoningTokens?: number): OpenAIUsage {
  const input = u?.inputTokens ?? 0;
  const read = u?.cacheReadInputTokens ?? 0;
  const write = u?.cacheWriteInputTokens ?? 0;
  const output = u?.outputTokens ?? 0;
  const prompt = input + read + write;
  return {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    prompt_tokens_details: { cached_tokens: read },
    ...(reasoningTokens !== undefined ? { completion_tokens_details: { reasoning_tokens: reasoningTokens } } : {}),
    ...(read || write ? { cache_read_input_tokens: read, cache_creation_input_tokens: write } : {}),
  };
}
