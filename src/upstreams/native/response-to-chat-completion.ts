// Pure: a Responses API response object → the chat.completion a Chat Completions client expects
// (text, refusal, reasoning summary as reasoning_content, function calls as tool_calls, usage).
import type { ChatUsage, Json, ResponseObjectIn, ResponsesUsage } from "./openai-shapes.ts";

export function chatUsageOf(u: ResponsesUsage | null | undefined): ChatUsage | undefined {
  if (!u) return undefined;
  const input = u.input_tokens ?? 0;
  const output = u.output_tokens ?? 0;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: u.total_tokens ?? input + output,
    prompt_tokens_details: { cached_tokens: u.input_tokens_details?.cached_tokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: u.output_tokens_details?.reasoning_tokens ?? 0 },
  };
}

/** finish_reason for a finished response (tool calls win, as in Chat Completions). */
export function finishReasonOf(r: Pick<ResponseObjectIn, "status" | "incomplete_details">, hasToolCalls: boolean): string {
  if (hasToolCalls) return "tool_calls";
  if (r.status === "incomplete") return r.incomplete_details?.reason === "content_filter" ? "content_filter" : "length";
  return "stop";
}

export function responseToChatCompletion(r: ResponseObjectIn, ids: { id: string; model: string }): Json {
  let text = "";
  let refusal = "";
  let reasoning = "";
  const toolCalls: Json[] = [];
  for (const item of r.output ?? []) {
    if (item.type === "message") {
      for (const part of item.content ?? []) {
        if (part.type === "output_text") text += part.text ?? "";
        else if (part.type === "refusal") refusal += part.refusal ?? "";
      }
    } else if (item.type === "reasoning") {
      reasoning += (item.summary ?? []).map((s) => s.text).join("\n");
    } else if (item.type === "function_call") {
      toolCalls.push({ id: item.call_id, type: "function", function: { name: item.name, arguments: item.arguments ?? "" } });
    }
  }
  const message: Json = { role: "assistant", content: text || (toolCalls.length || refusal ? null : ""), refusal: refusal || null };
  if (reasoning) message.reasoning_content = reasoning;
  if (toolCalls.length) message.tool_calls = toolCalls;
  const usage = chatUsageOf(r.usage);
  return {
    id: ids.id,
    object: "chat.completion",
    created: r.created_at ?? Math.floor(Date.now() / 1000),
    model: ids.model,
    choices: [{ index: 0, message, finish_reason: finishReasonOf(r, toolCalls.length > 0), logprobs: null }],
    ...(usage ? { usage } : {}),
  };
}
