// The Anthropic Messages request as this gateway accepts it (CreateMessageParams). Blocks and
// tools are validated for what is mapped to Bedrock; fields Bedrock has no use for (such as a
// tool's `defer_loading`, or `context_management`) are accepted and dropped.
import { z } from "zod";

const cacheControl = z
  .object({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() })
  .loose()
  .nullable()
  .optional();

const TextBlock = z
  .object({ type: z.literal("text"), text: z.string(), cache_control: cacheControl, citations: z.unknown().optional() })
  .loose();
const ImageSource = z.discriminatedUnion("type", [
  z.object({ type: z.literal("base64"), media_type: z.string(), data: z.string().min(1) }).loose(),
  z.object({ type: z.literal("url"), url: z.string().min(1) }).loose(),
  z.object({ type: z.literal("file"), file_id: z.string() }).loose(),
]);
const ImageBlock = z.object({ type: z.literal("image"), source: ImageSource, cache_control: cacheControl }).loose();
const DocumentSource = z.discriminatedUnion("type", [
  z.object({ type: z.literal("base64"), media_type: z.string(), data: z.string().min(1) }).loose(),
  z.object({ type: z.literal("text"), media_type: z.string().optional(), data: z.string() }).loose(),
  z
    .object({
      type: z.literal("content"),
      content: z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }).loose())]),
    })
    .loose(),
  z.object({ type: z.literal("url"), url: z.string() }).loose(),
  z.object({ type: z.literal("file"), file_id: z.string() }).loose(),
]);
const DocumentBlock = z
  .object({
    type: z.literal("document"),
    source: DocumentSource,
    title: z.string().nullable().optional(),
    context: z.string().nullable().optional(),
    citations: z.object({ enabled: z.boolean().optional() }).loose().nullable().optional(),
    cache_control: cacheControl,
  })
  .loose();
const ToolUseBlock = z
  .object({ type: z.literal("tool_use"), id: z.string().min(1), name: z.string().min(1), input: z.unknown(), cache_control: cacheControl })
  .loose();
const ToolResultBlock = z
  .object({
    type: z.literal("tool_result"),
    tool_use_id: z.string().min(1),
    content: z.union([z.string(), z.array(z.discriminatedUnion("type", [TextBlock, ImageBlock, DocumentBlock]))]).optional(),
    is_error: z.boolean().optional(),
    cache_control: cacheControl,
  })
  .loose();
const ThinkingBlock = z.object({ type: z.literal("thinking"), thinking: z.string(), signature: z.string() }).loose();
const RedactedThinkingBlock = z.object({ type: z.literal("redacted_thinking"), data: z.string() }).loose();

export const ContentBlock = z.discriminatedUnion("type", [
  TextBlock,
  ImageBlock,
  DocumentBlock,
  ToolUseBlock,
  ToolResultBlock,
  ThinkingBlock,
  RedactedThinkingBlock,
]);
export type AnthropicBlock = z.infer<typeof ContentBlock>;

const InputMessage = z.object({
  role: z.enum(["user", "assistant", "system"]),
  content: z.union([z.string(), z.array(ContentBlock)]),
});
export type AnthropicMessage = z.infer<typeof InputMessage>;

/** A custom (client-executed) tool. Server tools have a versioned `type` and are refused. */
const Tool = z
  .object({
    type: z.string().optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().optional(),
    cache_control: cacheControl,
  })
  .loose();
export type AnthropicTool = z.infer<typeof Tool>;

const ToolChoice = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }).loose(),
  z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }).loose(),
  z.object({ type: z.literal("tool"), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }).loose(),
  z.object({ type: z.literal("none") }).loose(),
]);

const system = z.union([z.string(), z.array(TextBlock)]).optional();

export const MessagesRequest = z.object({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(InputMessage).min(1),
  system,
  tools: z.array(Tool).optional(),
  tool_choice: ToolChoice.optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  thinking: z
    .object({
      type: z.enum(["enabled", "disabled", "adaptive"]),
      budget_tokens: z.number().int().optional(),
      display: z.string().optional(),
    })
    .loose()
    .optional(),
  output_config: z
    .object({
      effort: z.enum(["low", "medium", "high", "xhigh", "max"]).nullable().optional(),
      // Structured output: the answer is JSON valid against this schema (same path as OpenAI's response_format).
      format: z
        .object({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) })
        .nullable()
        .optional(),
    })
    .loose()
    .optional(),
  metadata: z.object({ user_id: z.string().nullable().optional() }).loose().optional(),
  service_tier: z.enum(["auto", "standard_only"]).optional(),
  // Accepted and dropped: Bedrock has no equivalent.
  context_management: z.unknown().optional(),
  container: z.unknown().optional(),
  mcp_servers: z.unknown().optional(),
  inference_geo: z.unknown().optional(),
});
export type MessagesRequest = z.infer<typeof MessagesRequest>;

export const KNOWN_MESSAGE_FIELDS = new Set(Object.keys(MessagesRequest.shape));
export const DROPPED_MESSAGE_FIELDS = ["context_management", "container", "mcp_servers", "inference_geo"] as const;

export const CountTokensRequest = MessagesRequest.omit({ max_tokens: true, stream: true }).extend({
  max_tokens: z.number().int().optional(),
});
export type CountTokensRequest = z.infer<typeof CountTokensRequest>;
