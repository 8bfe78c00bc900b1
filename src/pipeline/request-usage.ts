// Usage of a conversation request, from what each choice reported or saw: Bedrock's token counts
// go into the request's log fields, from which the access log line, the usage record, metrics and
// the limit reconciliation are made. A choice that ended without Bedrock's final usage (client
// gone, upstream error, shutdown) is estimated rather than lost: input from the request, output
// from the characters it produced.
import type { ContentBlock, ConverseRequest, ReasoningContentBlock, TokenUsage } from "../bedrock/converse-types.ts";
import { addUsage } from "../chat/chat-usage.ts";
import { estimateConverseTokens } from "../converse/estimate-converse-tokens.ts";
import type { LogFields } from "../logging/request-record.ts";
import type { ChoiceNormalizer } from "./canonical-events.ts";

export function recordUsage(log: LogFields, u: TokenUsage | undefined): void {
  if (!u) return;
  log.inputTokens = u.inputTokens;
  log.outputTokens = u.outputTokens;
  if (u.cacheReadInputTokens) log.cacheReadTokens = u.cacheReadInputTokens;
  if (u.cacheWriteInputTokens) log.cacheWriteTokens = u.cacheWriteInputTokens;
}

/** Every choice's usage: Bedrock's when it came, an estimate when the choice was cut (complete=false). */
export function streamUsage(
  choices: readonly ChoiceNormalizer[],
  request: ConverseRequest,
  complete: boolean,
): { usage: TokenUsage | undefined; estimated: boolean } {
  let usage: TokenUsage | undefined;
  let estimated = false;
  let input: number | undefined;
  for (const c of choices) {
    if (c.usage) usage = addUsage(usage, c.usage);
    else if (!complete) {
      input ??= estimateConverseTokens(request);
      const output = Math.ceil(c.outputChars / 4);
      usage = addUsage(usage, { inputTokens: input, outputTokens: output, totalTokens: input + output });
      estimated = true;
    }
  }
  return { usage, estimated };
}

/** The signed thinking and tool-call ids of a Converse answer (the thinking memory's input). */
export function thinkingOf(blocks: ContentBlock[] | undefined): { toolUseIds: string[]; reasoning: ReasoningContentBlock[] } {
  return {
    toolUseIds: (blocks ?? []).flatMap((b) => ("toolUse" in b ? [b.toolUse.toolUseId] : [])),
    reasoning: (blocks ?? []).flatMap((b) => ("reasoningContent" in b ? [b.reasoningContent] : [])),
  };
}
