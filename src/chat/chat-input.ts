// Pure: OpenAI chat messages → Converse `system` and `messages`. Images must already be fetched
// (see resolve-images.ts); everything else is data in, data out. Conversation repairs Bedrock
// needs (merging, ordering, tool pairing) happen afterwards in normalize-conversation.ts.
import type { CacheTtl, ContentBlock, ImageFormat, Message, SystemContentBlock, ToolResultContent } from "../bedrock/converse-types.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ChatMessage } from "../openai/chat-request.ts";
import { parseDataUrl, sniffImageFormat, MAX_IMAGE_BYTES } from "../converse/image-input.ts";
import { convertMediaPart } from "./media-parts.ts";
import { toBedrockToolId } from "../converse/tool-call-ids.ts";

export type { ConvertContext } from "./convert-context.ts";
import type { ConvertContext } from "./convert-context.ts";

export interface ConvertedConversation {
  system: SystemContentBlock[];
  messages: Message[];
}

type CacheControl = { type: "ephemeral"; ttl?: CacheTtl } | undefined;

function cachePoint(cc: CacheControl): ContentBlock[] {
  if (!cc) return [];
  return [{ cachePoint: cc.ttl ? { type: "default", ttl: cc.ttl } : { type: "default" } }];
}

function textOf(content: string | { text: string }[]): string {
  return typeof content === "string" ? content : content.map((p) => p.text).join("");
}

export function imageBlock(url: string, ctx: ConvertContext, param: string): ContentBlock {
  if (!ctx.caps.imageInput) {
    throw errors.invalidRequest(`The model '${ctx.modelName}' does not accept image input.`, param, "model_not_supported");
  }
  let bytes: Buffer | undefined;
  if (url.startsWith("data:")) {
    const parsed = parseDataUrl(url);
    if (!parsed) throw errors.invalidRequest("The image data URL is malformed.", param, "invalid_image_url");
    bytes = parsed.bytes;
  } else {
    bytes = ctx.fetchedImages.get(url);
    if (!bytes) throw errors.invalidRequest("The image URL could not be fetched.", param, "invalid_image_url");
  }
  if (bytes.length === 0) throw errors.invalidRequest("The image is empty.", param, "invalid_image");
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw errors.invalidRequest(
      `The image is ${bytes.length} bytes; Bedrock accepts at most ${MAX_IMAGE_BYTES} bytes per image.`,
      param,
      "invalid_image",
    );
  }
  const format: ImageFormat | undefined = sniffImageFormat(bytes);
  if (!format) throw errors.invalidRequest("The image is not a PNG, JPEG, GIF or WebP image.", param, "invalid_image");
  return { image: { format, source: { bytes: bytes.toString("base64") } } };
}

/** Tool-call arguments are a JSON string; Bedrock wants the object. Malformed JSON is kept, wrapped. */
export function parseArguments(args: string): { [k: string]: never } | Record<string, unknown> {
  if (args.trim() === "") return {};
  try {
    const v: unknown = JSON.parse(args);
    if (v !== null && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
    return { _raw: v };
  } catch {
    return { _raw: args };
  }
}

export function convertMessages(input: ChatMessage[], ctx: ConvertContext): ConvertedConversation {
  const system: SystemContentBlock[] = [];
  const messages: Message[] = [];
  const idFormat = ctx.caps.toolIdFormat;
  // Legacy function calling has no ids: pair each function result with the last call of that name.
  const legacyCallIds = new Map<string, string>();

  input.forEach((m, i) => {
    switch (m.role) {
      case "system":
      case "developer": {
        if (typeof m.content === "string") system.push({ text: m.content });
        else for (const p of m.content) system.push({ text: p.text }, ...(cachePoint(p.cache_control) as SystemContentBlock[]));
        return;
      }
      case "user": {
        const content: ContentBlock[] = [];
        if (typeof m.content === "string") content.push({ text: m.content });
        else {
          m.content.forEach((p, j) => {
            const param = `messages[${i}].content[${j}]`;
            switch (p.type) {
              case "text":
                content.push({ text: p.text });
                break;
              case "image_url":
                content.push(imageBlock(typeof p.image_url === "string" ? p.image_url : p.image_url.url, ctx, `${param}.image_url`));
                break;
              case "input_audio":
              case "file":
              case "video_url":
                content.push(...convertMediaPart(p, ctx, param));
                break;
            }
            content.push(...cachePoint(p.cache_control));
          });
        }
        messages.push({ role: "user", content });
        return;
      }
      case "assistant": {
        const content: ContentBlock[] = ctx.replayThinking ? replayedThinking(m, ctx) : [];
        if (typeof m.content === "string") content.push({ text: m.content });
        else if (Array.isArray(m.content)) {
          for (const p of m.content) content.push({ text: p.type === "text" ? p.text : p.refusal });
        }
        m.tool_calls?.forEach((tc) => {
          content.push({
            toolUse: {
              toolUseId: toBedrockToolId(tc.id, idFormat),
              name: ctx.toolNames.bedrockName(tc.function.name),
              input: parseArguments(tc.function.arguments) as never,
            },
          });
        });
        if (m.function_call) {
          const id = toBedrockToolId(`fc_${m.function_call.name}_${i}`, idFormat);
          legacyCallIds.set(m.function_call.name, id);
          content.push({
            toolUse: {
              toolUseId: id,
              name: ctx.toolNames.bedrockName(m.function_call.name),
              input: parseArguments(m.function_call.arguments) as never,
            },
          });
        }
        messages.push({ role: "assistant", content });
        return;
      }
      case "tool": {
        messages.push({ role: "user", content: [toolResult(toBedrockToolId(m.tool_call_id, idFormat), textOf(m.content))] });
        return;
      }
      case "function": {
        const id = legacyCallIds.get(m.name) ?? toBedrockToolId(`fc_${m.name}_orphan`, idFormat);
        messages.push({ role: "user", content: [toolResult(id, m.content ?? "")] });
        return;
      }
    }
  });
  return { system, messages };
}

/**
 * The signed thinking an assistant turn started with: the client's thinking_blocks when it sent
 * them, otherwise what the gateway stored for the turn's tool calls. Clients that replay only
 * reasoning_content (which carries no signature) are served from the store too.
 */
function replayedThinking(m: Extract<ChatMessage, { role: "assistant" }>, ctx: ConvertContext): ContentBlock[] {
  if (m.thinking_blocks?.length) {
    return m.thinking_blocks.map((b) =>
      b.type === "thinking"
        ? { reasoningContent: { reasoningText: { text: b.thinking, signature: b.signature } } }
        : { reasoningContent: { redactedContent: b.data } },
    );
  }
  for (const tc of m.tool_calls ?? []) {
    const stored = ctx.recallThinking?.(tc.id);
    if (stored) return stored.map((reasoningContent) => ({ reasoningContent }));
  }
  return [];
}

function toolResult(toolUseId: string, text: string): ContentBlock {
  // Bedrock rejects blank text: an empty tool output is reported as such.
  const content: ToolResultContent[] = [{ text: text.trim() === "" ? "(empty result)" : text }];
  return { toolResult: { toolUseId, content } };
}
