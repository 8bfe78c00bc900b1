// Per-request bookkeeping shared by the endpoints that call Converse: Bedrock's token counts go
// into the request's log fields (from which the access log, usage records and metrics are made),
// and a thinking turn's signed blocks are kept for clients that will not replay them.
import type { ContentBlock, ConverseRequest, TokenUsage } from "../bedrock/converse-types.ts";
import { estimateInputTokens } from "../converse/estimate-input-tokens.ts";
import type { ThinkingStore } from "../converse/thinking-store.ts";
import type { LogFields } from "./app-env.ts";

export function recordUsage(log: LogFields, u: TokenUsage | undefined): void {
  if (!u) return;
  log.inputTokens = u.inputTokens;
  log.outputTokens = u.outputTokens;
  if (u.cacheReadInputTokens) log.cacheReadTokens = u.cacheReadInputTokens;
  if (u.cacheWriteInputTokens) log.cacheWriteTokens = u.cacheWriteInputTokens;
}

export function rememberThinking(store: ThinkingStore, blocks: ContentBlock[] | undefined): void {
  if (!blocks) return;
  store.remember(
    blocks.flatMap((b) => ("toolUse" in b ? [b.toolUse.toolUseId] : [])),
    blocks.flatMap((b) => ("reasoningContent" in b ? [b.reasoningContent] : [])),
  );
}

/**
 * A stream the client abandoned: Bedrock sends usage only at the end, so when it never came the
 * record carries estimates of what was sent and produced (input from the request, output from
 * the characters streamed), rather than nothing.
 */
export function recordAborted(log: LogFields, usage: TokenUsage | undefined, request: ConverseRequest, outputChars: number): void {
  log.aborted = true;
  if (usage) return;
  log.inputTokens = estimateInputTokens(request);
  log.outputTokens = Math.ceil(outputChars / 4);
}
