// The Chat Completions request as this gateway accepts it (OpenAI's CreateChatCompletionRequest).
// Shapes we interpret are validated strictly; unknown top-level fields are kept aside so they can
// be dropped and reported (or refused under STRICT_PARAMS).
import { z } from "zod";

const cacheControl = z.object({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() }).optional();

export const TextPart = z.object({ type: z.literal("text"), text: z.string(), cache_control: cacheControl }).loose();
export const ImageUrlPart = z
  .object({
    type: z.literal("image_url"),
    image_url: z.union([
      z.object({ url: z.string().min(1), detail: z.enum(["auto", "low", "high"]).optional() }).loose(),
      z.string().min(1),
    ]),
    cache_control: cacheControl,
  })
  .loose();
export const InputAudioPart = z
  .object({
    type: z.literal("input_audio"),
    input_audio: z.object({ data: z.string().min(1), format: z.string().min(1) }),
    cache_control: cacheControl,
  })
  .loose();
export const FilePart = z
  .object({
    type: z.literal("file"),
    file: z.object({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }).loose(),
    cache_control: cacheControl,
  })
  .loose();
export const VideoPart = z
  .object({ type: z.literal("video_url"), video_url: z.object({ url: z.string().min(1) }).loose(), cache_control: cacheControl })
  .loose();
const RefusalPart = z.object({ type: z.literal("refusal"), refusal: z.string() }).loose();

const UserPart = z.discriminatedUnion("type", [TextPart, ImageUrlPart, InputAudioPart, FilePart, VideoPart]);
const TextOnly = z.union([z.string(), z.array(TextPart)]);

export const ToolCall = z
  .object({
    id: z.string().min(1),
    type: z.literal("function").optional(),
    function: z.object({ name: z.string().min(1), arguments: z.string() }).loose(),
  })
  .loose();

const SystemMessage = z.object({ role: z.literal("system"), content: TextOnly, name: z.string().optional() }).loose();
const DeveloperMessage = z.object({ role: z.literal("developer"), content: TextOnly, name: z.string().optional() }).loose();
const UserMessage = z
  .object({ role: z.literal("user"), content: z.union([z.string(), z.array(UserPart)]), name: z.string().optional() })
  .loose();
const AssistantMessage = z
  .object({
    role: z.literal("assistant"),
    content: z.union([z.string(), z.array(z.discriminatedUnion("type", [TextPart, RefusalPart])), z.null()]).optional(),
    tool_calls: z.array(ToolCall).optional(),
    function_call: z.object({ name: z.string(), arguments: z.string() }).loose().nullable().optional(),
    reasoning_content: z.string().nullable().optional(),
    /** Signed thinking blocks as this gateway (and some others) return them, replayed by clients. */
    thinking_blocks: z
      .array(
        z.discriminatedUnion("type", [
          z.object({ type: z.literal("thinking"), thinking: z.string(), signature: z.string().min(1) }).loose(),
          z.object({ type: z.literal("redacted_thinking"), data: z.string().min(1) }).loose(),
        ]),
      )
      .nullable()
      .optional(),
    name: z.string().optional(),
    refusal: z.string().nullable().optional(),
  })
  .loose();
const ToolMessage = z.object({ role: z.literal("tool"), tool_call_id: z.string().min(1), content: TextOnly }).loose();
const FunctionMessage = z.object({ role: z.literal("function"), name: z.string().min(1), content: z.string().nullable() }).loose();

export const ChatMessage = z.discriminatedUnion("role", [
  SystemMessage,
  DeveloperMessage,
  UserMessage,
  AssistantMessage,
  ToolMessage,
  FunctionMessage,
]);

export const FunctionTool = z
  .object({
    type: z.literal("function"),
    function: z
      .object({
        name: z.string().min(1),
        description: z.string().nullable().optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        strict: z.boolean().nullable().optional(),
      })
      .loose(),
    cache_control: cacheControl,
  })
  .loose();

export const ToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }).loose(),
]);

const stop = z
  .union([z.string(), z.array(z.string()).max(2500)])
  .nullable()
  .optional();

/** Fields this gateway maps to Bedrock, or deliberately accepts and drops. */
export const ChatCompletionRequest = z.object({
  model: z.string().optional(),
  messages: z.array(ChatMessage).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  max_tokens: z.number().int().min(1).nullable().optional(),
  max_completion_tokens: z.number().int().min(1).nullable().optional(),
  stop,
  n: z.number().int().min(1).max(16).nullable().optional(),
  tools: z.array(FunctionTool).optional(),
  tool_choice: ToolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  functions: z
    .array(
      z
        .object({ name: z.string().min(1), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() })
        .loose(),
    )
    .optional(),
  function_call: z.union([z.enum(["none", "auto"]), z.object({ name: z.string().min(1) })]).optional(),
  // Accepted, not (yet) honoured by Bedrock: reported as dropped.
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().nullable().optional(),
  logit_bias: z.record(z.string(), z.number()).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  presence_penalty: z.number().nullable().optional(),
  frequency_penalty: z.number().nullable().optional(),
  user: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  store: z.boolean().nullable().optional(),
  service_tier: z.string().nullable().optional(),
  response_format: z.unknown().optional(),
  reasoning_effort: z.unknown().optional(),
  prediction: z.unknown().optional(),
  audio: z.unknown().optional(),
  modalities: z.unknown().optional(),
  web_search_options: z.unknown().optional(),
  verbosity: z.unknown().optional(),
  prompt_cache_key: z.unknown().optional(),
  safety_identifier: z.unknown().optional(),
  // Bedrock-native controls as top-level extra fields (the SDKs' extra_body lands here).
  guardrailConfig: z
    .object({
      guardrailIdentifier: z.string().min(1).max(2048),
      guardrailVersion: z.string().regex(/^(([1-9][0-9]{0,7})|(DRAFT))$/, "a version number or DRAFT"),
      trace: z.enum(["enabled", "disabled", "enabled_full"]).optional(),
      streamProcessingMode: z.enum(["sync", "async"]).optional(),
    })
    .strict()
    .optional(),
  additionalModelRequestFields: z.record(z.string(), z.unknown()).optional(),
  additionalModelResponseFieldPaths: z.array(z.string().min(1).max(256)).max(10).optional(),
  performanceConfig: z
    .object({ latency: z.enum(["standard", "optimized"]) })
    .strict()
    .optional(),
  /** A raw Anthropic thinking object, passed through for Claude. */
  thinking: z.record(z.string(), z.unknown()).optional(),
  /** Per-request switch for automatic prompt-cache points (overrides ENABLE_PROMPT_CACHING). */
  prompt_caching: z.boolean().optional(),
});

export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;
export type ChatMessage = z.infer<typeof ChatMessage>;
export type FunctionTool = z.infer<typeof FunctionTool>;
export type ToolChoice = z.infer<typeof ToolChoice>;

/** Parameters Bedrock has no equivalent for: dropped (and named in a header) unless STRICT_PARAMS. */
export const UNSUPPORTED_PARAMS = [
  "logprobs",
  "top_logprobs",
  "logit_bias",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "store",
  "prediction",
  "audio",
  "modalities",
  "web_search_options",
  "verbosity",
  "prompt_cache_key",
  "safety_identifier",
  "parallel_tool_calls",
] as const;

export const KNOWN_FIELDS = new Set(Object.keys(ChatCompletionRequest.shape));
