// Pure: one Converse response → one OpenAI choice. Every text block is kept in order (text before
// a tool call is not lost), every toolUse becomes a tool call (also when the model stopped at
// max_tokens), reasoning goes to reasoning_content (never into content unless think-tags are asked for).
import type { ContentBlock, ConverseResponse } from "../bedrock/converse-types.ts";
import type { ChatChoiceOut, ReasoningOutput, ThinkingBlockOut, ToolCallOut } from "./chat-types.ts";
import { mapFinishReason } from "../converse/map-finish-reason.ts";
import { cleanJsonText } from "../converse/structured-output.ts";
import type { ToolNameMap } from "../converse/tool-names.ts";

export interface ResponseOptions {
  toolNames: ToolNameMap;
  suppressToolCalls: boolean;
  reasoningOutput: ReasoningOutput;
  /** Structured output through a forced tool: its input is the answer's content. */
  jsonToolName?: string;
  /** Structured output through instructions: clean the answer of code fences. */
  cleanJson?: boolean;
}

export function convertChoice(res: ConverseResponse, index: number, opts: ResponseOptions): ChatChoiceOut {
  const blocks: ContentBlock[] = res.output.message?.content ?? [];
  let text = "";
  let reasoning = "";
  const toolCalls: ToolCallOut[] = [];
  const thinking: ThinkingBlockOut[] = [];
  const citations: unknown[] = [];
  const annotations: unknown[] = [];
  for (const b of blocks) {
    if ("text" in b) text += b.text;
    else if ("toolUse" in b) {
      if (opts.jsonToolName && b.toolUse.name === opts.jsonToolName) {
        text += JSON.stringify(b.toolUse.input ?? {});
        continue;
      }
      if (opts.suppressToolCalls) continue;
      toolCalls.push({
        id: b.toolUse.toolUseId,
        type: "function",
        function: { name: opts.toolNames.clientName(b.toolUse.name), arguments: JSON.stringify(b.toolUse.input ?? {}) },
      });
    } else if ("reasoningContent" in b) {
      const rc = b.reasoningContent;
      if ("reasoningText" in rc) {
        reasoning += rc.reasoningText.text;
        if (rc.reasoningText.signature)
          thinking.push({ type: "thinking", thinking: rc.reasoningText.text, signature: rc.reasoningText.signature });
      } else thinking.push({ type: "redacted_thinking", data: rc.redactedContent });
    } else if ("citationsContent" in b) {
      const start = text.length;
      for (const c of b.citationsContent.content ?? []) text += c.text ?? "";
      for (const c of b.citationsContent.citations ?? []) {
        // Web citations fit OpenAI's url_citation annotation; document citations stay raw.
        if (c.location?.web?.url)
          annotations.push({
            type: "url_citation",
            url_citation: {
              url: c.location.web.url,
              title: c.title ?? c.location.web.domain ?? c.location.web.url,
              start_index: start,
              end_index: text.length,
            },
          });
        else citations.push(c);
      }
    }
  }
  if (opts.cleanJson) text = cleanJsonText(text);
  if (opts.reasoningOutput === "think-tags" && reasoning) text = `<think>${reasoning}</think>${text}`;
  return {
    index,
    message: {
      role: "assistant",
      content: text === "" && toolCalls.length > 0 ? null : text,
      refusal: null,
      ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
      ...(opts.reasoningOutput === "reasoning_content" && reasoning ? { reasoning_content: reasoning } : {}),
      ...(thinking.length && opts.reasoningOutput !== "omit" ? { thinking_blocks: thinking } : {}),
      ...(annotations.length ? { annotations } : {}),
      ...(citations.length ? { citations } : {}),
    },
    finish_reason: mapFinishReason(res.stopReason, toolCalls.length > 0),
    logprobs: null,
  };
}
