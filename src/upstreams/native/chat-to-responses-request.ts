// Pure: a Chat Completions request → the Responses request that asks the same of a model served
// only through the Responses API (OpenAI's GPT-5.x on Bedrock). What has no Responses equivalent
// is dropped and named, for the dropped-parameters header.
import type { ChatMessageIn, Json } from "./openai-shapes.ts";

export interface TranslatedRequest {
  body: Json;
  dropped: string[];
}

/** Chat fields with no Responses counterpart (n > 1 is one of them: the Responses API has no n). */
const DROPPED = [
  "stop",
  "frequency_penalty",
  "presence_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "seed",
  "audio",
  "modalities",
  "prediction",
  "web_search_options",
  "function_call",
  "functions",
];
/** Fields handled below, or meaningful only to this gateway. */
const HANDLED = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "tools",
  "tool_choice",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "reasoning_effort",
  "response_format",
  "parallel_tool_calls",
  "user",
  "metadata",
  "service_tier",
  "store",
  "n",
  "safety_identifier",
  "prompt_cache_key",
  "verbosity",
]);

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((p: { type?: string; text?: string }) => (p?.type === "text" && typeof p.text === "string" ? p.text : "")).join("");
}

function userParts(content: unknown, dropped: Set<string>): unknown {
  if (typeof content === "string" || !Array.isArray(content)) return content ?? "";
  return content.flatMap((p: Json): Json[] => {
    switch (p?.type) {
      case "text":
        return [{ type: "input_text", text: p.text }];
      case "image_url": {
        const img = p.image_url as { url?: string; detail?: string } | undefined;
        return [{ type: "input_image", image_url: img?.url, detail: img?.detail ?? "auto" }];
      }
      case "file": {
        const f = p.file as { file_data?: string; filename?: string; file_id?: string } | undefined;
        return [
          {
            type: "input_file",
            ...(f?.file_data ? { file_data: f.file_data } : {}),
            ...(f?.filename ? { filename: f.filename } : {}),
            ...(f?.file_id ? { file_id: f.file_id } : {}),
          },
        ];
      }
      default:
        dropped.add(`messages.content.${String(p?.type)}`);
        return [];
    }
  });
}

function inputItems(messages: ChatMessageIn[], dropped: Set<string>): Json[] {
  const items: Json[] = [];
  for (const m of messages) {
    switch (m.role) {
      case "system":
      case "developer":
        items.push({ role: m.role, content: textOf(m.content) });
        break;
      case "user":
        items.push({ role: "user", content: userParts(m.content, dropped) });
        break;
      case "assistant": {
        const text = textOf(m.content);
        if (text) items.push({ role: "assistant", content: text });
        for (const call of m.tool_calls ?? []) {
          items.push({ type: "function_call", call_id: call.id, name: call.function.name, arguments: call.function.arguments });
        }
        if (m.reasoning_content !== undefined) dropped.add("messages.reasoning_content");
        break;
      }
      case "tool":
        items.push({ type: "function_call_output", call_id: m.tool_call_id, output: textOf(m.content) });
        break;
      default:
        dropped.add(`messages.role.${m.role}`);
    }
  }
  return items;
}

function tools(list: unknown): Json[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((t: Json) => {
    if (t?.type !== "function") return t;
    const f = (t.function ?? {}) as Json;
    return {
      type: "function",
      name: f.name,
      ...(f.description !== undefined ? { description: f.description } : {}),
      parameters: f.parameters ?? { type: "object", properties: {} },
      ...(f.strict !== undefined ? { strict: f.strict } : {}),
    };
  });
}

function toolChoice(choice: unknown): unknown {
  if (choice && typeof choice === "object" && (choice as Json).type === "function") {
    return { type: "function", name: ((choice as Json).function as Json | undefined)?.name };
  }
  return choice;
}

function textFormat(format: unknown): Json | undefined {
  const f = format as Json | undefined;
  if (f?.type === "json_schema") {
    const s = (f.json_schema ?? {}) as Json;
    return {
      format: {
        type: "json_schema",
        name: s.name,
        schema: s.schema,
        ...(s.strict !== undefined ? { strict: s.strict } : {}),
        ...(s.description !== undefined ? { description: s.description } : {}),
      },
    };
  }
  if (f?.type === "json_object") return { format: { type: "json_object" } };
  return undefined;
}

export function chatToResponsesRequest(chat: Json): TranslatedRequest {
  const dropped = new Set<string>();
  const body: Json = { input: inputItems((chat.messages ?? []) as ChatMessageIn[], dropped), store: false };
  const t = tools(chat.tools);
  if (t) body.tools = t;
  if (chat.tool_choice !== undefined) body.tool_choice = toolChoice(chat.tool_choice);
  const maxOut = chat.max_completion_tokens ?? chat.max_tokens;
  if (maxOut !== undefined && maxOut !== null) body.max_output_tokens = maxOut;
  for (const k of [
    "temperature",
    "top_p",
    "parallel_tool_calls",
    "metadata",
    "service_tier",
    "safety_identifier",
    "prompt_cache_key",
  ] as const) {
    if (chat[k] !== undefined && chat[k] !== null) body[k] = chat[k];
  }
  if (chat.user !== undefined) body.safety_identifier ??= chat.user;
  if (chat.reasoning_effort !== undefined) body.reasoning = { effort: chat.reasoning_effort };
  const text = textFormat(chat.response_format);
  if (text) body.text = text;
  if (chat.verbosity !== undefined) body.text = { ...(body.text as Json | undefined), verbosity: chat.verbosity };
  if (typeof chat.n === "number" && chat.n > 1) dropped.add("n");
  for (const k of DROPPED) if (chat[k] !== undefined && chat[k] !== null) dropped.add(k);
  for (const k of Object.keys(chat)) if (!HANDLED.has(k) && !DROPPED.includes(k)) dropped.add(k);
  return { body, dropped: [...dropped] };
}
