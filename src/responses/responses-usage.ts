// Bedrock TokenUsage → the Responses usage object. Bedrock's inputTokens exclude cache reads and
// writes; OpenAI's input_tokens count everything read, so cache reads and writes are added in and
// reported in input_tokens_details. Bedrock does not count reasoning tokens apart: they are
// estimated from the reasoning text (about 4 characters a token), never above the output tokens.
import type { TokenUsage } from "../bedrock/converse-types.ts";
import type { ResponseUsage } from "./response-types.ts";

export function responseUsage(u: TokenUsage | undefined, reasoningChars: number): ResponseUsage {
  const read = u?.cacheReadInputTokens ?? 0;
  const write = u?.cacheWriteInputTokens ?? 0;
  const input = (u?.inputTokens ?? 0) + read + write;
  const output = u?.outputTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: read, cache_write_tokens: write },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: Math.min(output, Math.ceil(reasoningChars / 4)) },
    total_tokens: input + output,
  };
}
