// An estimate of the input tokens of a Converse request, for where Bedrock gives no count: the
// count_tokens endpoint for models without CountTokens, Anthropic's message_start, and streams the
// client abandoned before Bedrock's final usage event. About four characters per token over every
// text, tool definition and tool input/result, plus a fixed allowance per image and document.
import type { ConverseRequest } from "../bedrock/converse-types.ts";

const PER_IMAGE = 1600;
const PER_DOCUMENT = 2000;

export function estimateConverseTokens(req: Pick<ConverseRequest, "system" | "messages" | "toolConfig">): number {
  let chars = 0;
  let fixed = 0;
  for (const b of req.system ?? []) if ("text" in b) chars += b.text.length;
  for (const m of req.messages ?? []) {
    for (const b of m.content) {
      if ("text" in b) chars += b.text.length;
      else if ("toolUse" in b) chars += JSON.stringify(b.toolUse.input).length + b.toolUse.name.length;
      else if ("toolResult" in b) chars += JSON.stringify(b.toolResult.content).length;
      else if ("image" in b) fixed += PER_IMAGE;
      else if ("document" in b) fixed += "text" in b.document.source ? Math.ceil(b.document.source.text.length / 4) : PER_DOCUMENT;
      else if ("reasoningContent" in b && "reasoningText" in b.reasoningContent) chars += b.reasoningContent.reasoningText.text.length;
    }
  }
  for (const t of req.toolConfig?.tools ?? []) if ("toolSpec" in t) chars += JSON.stringify(t.toolSpec).length;
  return Math.max(1, Math.ceil(chars / 4) + fixed);
}
