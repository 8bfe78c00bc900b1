// Pure: Anthropic messages and system → Converse blocks. Anthropic's content model is close to
// Converse's, so this is mostly a renaming; images fetched from URLs arrive pre-fetched, and
// `role: "system"` messages (Claude Code sends them for some models) join the system prompt.
import type {
  CacheTtl,
  ContentBlock,
  DocumentFormat,
  ImageFormat,
  Message,
  ReasoningContentBlock,
  SystemContentBlock,
  ToolResultContent,
} from "../bedrock/converse-types.ts";
import { documentName } from "../converse/document-names.ts";
import { MAX_IMAGE_BYTES, sniffImageFormat } from "../converse/image-input.ts";
import { toBedrockToolId } from "../converse/tool-call-ids.ts";
import type { ToolNameMap } from "../converse/tool-names.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import { thinksLikeClaude } from "../models/capabilities.ts";
import type { AnthropicBlock, AnthropicMessage, MessagesRequest } from "./messages-request.ts";

export interface AnthropicConvertContext {
  caps: ModelCapabilities;
  modelName: string;
  toolNames: ToolNameMap;
  fetchedImages: Map<string, Buffer>;
  /** Signed thinking this key's earlier answer produced for a tool call (the thinking memory). */
  recallThinking?: (toolCallId: string) => ReasoningContentBlock[] | undefined;
}

type CacheControl = { type: "ephemeral"; ttl?: CacheTtl } | null | undefined;

function cachePoint(cc: CacheControl): ContentBlock[] {
  if (!cc) return [];
  return [{ cachePoint: cc.ttl ? { type: "default", ttl: cc.ttl } : { type: "default" } }];
}

const DOC_MIME: Record<string, DocumentFormat> = {
  "application/pdf": "pdf",
  "text/plain": "txt",
  "text/csv": "csv",
  "text/html": "html",
  "text/markdown": "md",
};

function image(block: Extract<AnthropicBlock, { type: "image" }>, ctx: AnthropicConvertContext, param: string): ContentBlock {
  if (!ctx.caps.imageInput)
    throw errors.invalidRequest(`The model '${ctx.modelName}' does not accept image input.`, param, "model_not_supported");
  const src = block.source;
  let bytes: Buffer | undefined;
  if (src.type === "base64") bytes = Buffer.from(src.data, "base64");
  else if (src.type === "url") bytes = ctx.fetchedImages.get(src.url);
  else
    throw errors.invalidRequest(
      "Images by file_id are not supported by this gateway; send base64 or a URL.",
      `${param}.source`,
      "unsupported_parameter",
    );
  if (!bytes || bytes.length === 0) throw errors.invalidRequest("The image is empty or could not be fetched.", param, "invalid_image");
  if (bytes.length > MAX_IMAGE_BYTES)
    throw errors.invalidRequest(`The image is ${bytes.length} bytes; Bedrock accepts at most ${MAX_IMAGE_BYTES}.`, param, "invalid_image");
  const format: ImageFormat | undefined = sniffImageFormat(bytes);
  if (!format) throw errors.invalidRequest("The image is not a PNG, JPEG, GIF or WebP image.", param, "invalid_image");
  return { image: { format, source: { bytes: bytes.toString("base64") } } };
}

function document(
  block: Extract<AnthropicBlock, { type: "document" }>,
  ctx: AnthropicConvertContext,
  names: Set<string>,
  param: string,
): ContentBlock {
  if (!ctx.caps.documentInput)
    throw errors.invalidRequest(`The model '${ctx.modelName}' does not accept document input.`, param, "model_not_supported");
  const src = block.source;
  const name = documentName(block.title ?? undefined, names);
  const citations = block.citations?.enabled ? { citations: { enabled: true } } : {};
  const context = block.context ? { context: block.context } : {};
  switch (src.type) {
    case "base64": {
      const format = DOC_MIME[src.media_type.toLowerCase()];
      if (!format) throw errors.invalidRequest(`Unsupported document media_type '${src.media_type}'.`, `${param}.source.media_type`);
      return { document: { format, name, source: { bytes: src.data }, ...context, ...citations } };
    }
    case "text":
      return { document: { format: "txt", name, source: { text: src.data }, ...context, ...citations } };
    case "content": {
      const text = typeof src.content === "string" ? src.content : src.content.map((c) => c.text ?? "").join("\n");
      return { document: { format: "txt", name, source: { text }, ...context, ...citations } };
    }
    case "url":
    case "file":
      throw errors.invalidRequest(
        `Documents by ${src.type} are not supported by this gateway; send them base64-encoded or as text.`,
        `${param}.source`,
        "unsupported_parameter",
      );
  }
}

function toolResult(
  block: Extract<AnthropicBlock, { type: "tool_result" }>,
  ctx: AnthropicConvertContext,
  names: Set<string>,
  param: string,
): ContentBlock {
  const content: ToolResultContent[] = [];
  if (typeof block.content === "string") content.push({ text: block.content });
  else {
    (block.content ?? []).forEach((c, k) => {
      if (c.type === "text") content.push({ text: c.text });
      else if (c.type === "image") content.push(image(c, ctx, `${param}.content[${k}]`) as { image: never });
      else content.push(document(c, ctx, names, `${param}.content[${k}]`) as { document: never });
    });
  }
  const nonBlank = content.filter((c) => !("text" in c) || c.text.trim() !== "");
  return {
    toolResult: {
      toolUseId: toBedrockToolId(block.tool_use_id, ctx.caps.toolIdFormat),
      content: nonBlank.length ? nonBlank : [{ text: "(empty result)" }],
      ...(block.is_error ? { status: "error" as const } : {}),
    },
  };
}

function blocksOf(m: AnthropicMessage, i: number, ctx: AnthropicConvertContext, names: Set<string>): ContentBlock[] {
  if (typeof m.content === "string") return [{ text: m.content }];
  const out: ContentBlock[] = [];
  const replayThinking = thinksLikeClaude(ctx.caps);
  m.content.forEach((b, j) => {
    const param = `messages[${i}].content[${j}]`;
    switch (b.type) {
      case "text":
        out.push({ text: b.text });
        break;
      case "image":
        out.push(image(b, ctx, param));
        break;
      case "document":
        out.push(document(b, ctx, names, param));
        break;
      case "tool_use": {
        const input = b.input !== null && typeof b.input === "object" && !Array.isArray(b.input) ? b.input : { _raw: b.input ?? null };
        out.push({
          toolUse: {
            toolUseId: toBedrockToolId(b.id, ctx.caps.toolIdFormat),
            name: ctx.toolNames.bedrockName(b.name),
            input: input as never,
          },
        });
        break;
      }
      case "tool_result":
        out.push(toolResult(b, ctx, names, param));
        break;
      case "thinking":
        // Thinking only means something to Claude; other models reject reasoning blocks.
        if (replayThinking && m.role === "assistant")
          out.push({ reasoningContent: { reasoningText: { text: b.thinking, signature: b.signature } } });
        break;
      case "redacted_thinking":
        if (replayThinking && m.role === "assistant") out.push({ reasoningContent: { redactedContent: b.data } });
        break;
    }
    if ("cache_control" in b) out.push(...cachePoint(b.cache_control as CacheControl));
  });
  // An assistant tool turn replayed without its thinking: use what the gateway stored, if anything.
  if (replayThinking && m.role === "assistant" && !out.some((b) => "reasoningContent" in b)) {
    for (const b of m.content) {
      const stored = b.type === "tool_use" ? ctx.recallThinking?.(b.id) : undefined;
      if (stored) return [...stored.map((reasoningContent) => ({ reasoningContent })), ...out];
    }
  }
  return out;
}

export function convertAnthropicMessages(
  req: Pick<MessagesRequest, "messages" | "system">,
  ctx: AnthropicConvertContext,
): { system: SystemContentBlock[]; messages: Message[] } {
  const system: SystemContentBlock[] = [];
  if (typeof req.system === "string") system.push({ text: req.system });
  else for (const b of req.system ?? []) system.push({ text: b.text }, ...(cachePoint(b.cache_control) as SystemContentBlock[]));
  const names = new Set<string>();
  const messages: Message[] = [];
  req.messages.forEach((m, i) => {
    const blocks = blocksOf(m, i, ctx, names);
    if (m.role === "system") {
      // Claude Code's environment reminders: part of the instructions, not of the dialogue.
      for (const b of blocks) if ("text" in b) system.push({ text: b.text });
      return;
    }
    messages.push({ role: m.role, content: blocks });
  });
  return { system, messages };
}

/** Every http(s) image URL of a request, for fetching before conversion. */
export function anthropicImageUrls(req: Pick<MessagesRequest, "messages">): { url: string; param: string }[] {
  const out: { url: string; param: string }[] = [];
  req.messages.forEach((m, i) => {
    if (typeof m.content === "string") return;
    m.content.forEach((b, j) => {
      if (b.type === "image" && b.source.type === "url") out.push({ url: b.source.url, param: `messages[${i}].content[${j}]` });
      if (b.type === "tool_result" && Array.isArray(b.content)) {
        b.content.forEach((c, k) => {
          if (c.type === "image" && c.source.type === "url")
            out.push({ url: c.source.url, param: `messages[${i}].content[${j}].content[${k}]` });
        });
      }
    });
  });
  return out;
}
