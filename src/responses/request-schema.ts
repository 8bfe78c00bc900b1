// The Responses API request (OpenAI's CreateResponse) as this gateway accepts it. What the gateway
// interprets is validated strictly; unknown top-level fields are kept aside to be dropped and
// reported (or refused under STRICT_PARAMS), as on Chat Completions. Input items of types Bedrock
// has no equivalent for (web_search_call, …) pass validation and are dropped by the converter.
import { z } from "zod";
import { ChatCompletionRequest } from "../openai/chat-request.ts";

const InputText = z.object({ type: z.literal("input_text"), text: z.string() }).loose();
const OutputText = z.object({ type: z.literal("output_text"), text: z.string() }).loose();
const Refusal = z.object({ type: z.literal("refusal"), refusal: z.string() }).loose();
const InputImage = z
  .object({
    type: z.literal("input_image"),
    image_url: z.string().min(1).nullable().optional(),
    file_id: z.string().nullable().optional(),
    detail: z.string().nullable().optional(),
  })
  .loose();
const InputFile = z
  .object({
    type: z.literal("input_file"),
    file_data: z.string().optional(),
    file_id: z.string().nullable().optional(),
    file_url: z.string().optional(),
    filename: z.string().optional(),
  })
  .loose();

export const ContentPart = z.discriminatedUnion("type", [InputText, OutputText, Refusal, InputImage, InputFile]);

const MessageItem = z
  .object({
    type: z.literal("message"),
    id: z.string().nullable().optional(),
    role: z.enum(["user", "assistant", "system", "developer"]),
    content: z.union([z.string(), z.array(ContentPart)]),
  })
  .loose();
const FunctionCallItem = z
  .object({
    type: z.literal("function_call"),
    id: z.string().nullable().optional(),
    call_id: z.string().min(1),
    name: z.string().min(1),
    namespace: z.string().nullable().optional(),
    arguments: z.string(),
  })
  .loose();
const FunctionCallOutputItem = z
  .object({
    type: z.literal("function_call_output"),
    id: z.string().nullable().optional(),
    call_id: z.string().min(1),
    output: z.union([z.string(), z.array(z.discriminatedUnion("type", [InputText, OutputText, InputImage, InputFile]))]),
  })
  .loose();
const ReasoningInputItem = z
  .object({
    type: z.literal("reasoning"),
    id: z.string().nullable().optional(),
    summary: z
      .array(z.object({ type: z.string(), text: z.string() }).loose())
      .nullable()
      .optional(),
    content: z
      .array(z.object({ type: z.string(), text: z.string() }).loose())
      .nullable()
      .optional(),
    encrypted_content: z.string().nullable().optional(),
  })
  .loose();
const ItemReference = z.object({ type: z.literal("item_reference"), id: z.string().min(1) }).loose();

/** Item types of OpenAI-hosted tools and features: accepted, dropped and reported. */
const OtherItem = z.object({ type: z.string() }).loose();

/**
 * Validates a value with the schema its `type` names (the fallback for other types). Unlike a zod
 * union, errors are those of the right schema, so they name the field that is actually wrong.
 */
function byType<K extends Record<string, z.ZodType>, O extends z.ZodType>(known: K, other: O, defaultType?: string) {
  return z.unknown().transform((v, ctx) => {
    const obj = v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    const value = obj && obj.type === undefined && defaultType ? { ...obj, type: defaultType } : v;
    const type = (value as { type?: unknown } | undefined)?.type;
    const schema: z.ZodType = typeof type === "string" && Object.hasOwn(known, type) ? known[type]! : other;
    const r = schema.safeParse(value);
    if (r.success) return r.data as z.infer<K[keyof K]> | z.infer<O>;
    for (const issue of r.error.issues) ctx.addIssue({ ...issue, message: issue.message });
    return z.NEVER;
  });
}

/** A message may leave out `type` (EasyInputMessage): it is then a message. */
export const InputItem = byType(
  {
    message: MessageItem,
    function_call: FunctionCallItem,
    function_call_output: FunctionCallOutputItem,
    reasoning: ReasoningInputItem,
    item_reference: ItemReference,
  },
  OtherItem,
  "message",
);

export const FunctionToolIn = z
  .object({
    type: z.literal("function"),
    name: z.string().min(1),
    description: z.string().nullable().optional(),
    parameters: z.record(z.string(), z.unknown()).nullable().optional(),
    strict: z.boolean().nullable().optional(),
  })
  .loose();
const NamespaceToolIn = z
  .object({
    type: z.literal("namespace"),
    name: z.string().min(1),
    description: z.string().nullable().optional(),
    tools: z.array(z.union([FunctionToolIn, z.object({ type: z.string() }).loose()])),
  })
  .loose();
const OtherTool = z.object({ type: z.string() }).loose();
export const ToolIn = byType({ function: FunctionToolIn, namespace: NamespaceToolIn }, OtherTool);

export const ToolChoiceIn = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), name: z.string().min(1) }).loose(),
  z
    .object({
      type: z.literal("allowed_tools"),
      mode: z.enum(["auto", "required"]),
      tools: z.array(z.object({ type: z.string() }).loose()),
    })
    .loose(),
  z.object({ type: z.string() }).loose(),
]);

export const TextFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }).loose(),
  z.object({ type: z.literal("json_object") }).loose(),
  z
    .object({
      type: z.literal("json_schema"),
      name: z.string().min(1),
      schema: z.record(z.string(), z.unknown()),
      description: z.string().nullable().optional(),
      strict: z.boolean().nullable().optional(),
    })
    .loose(),
]);

const EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh", "max"] as const;
const SUMMARIES = ["auto", "concise", "detailed"] as const;
const chat = ChatCompletionRequest.shape;

export const ResponsesRequest = z.object({
  model: z.string().optional(),
  input: z.union([z.string(), z.array(InputItem)]).optional(),
  instructions: z.string().nullable().optional(),
  tools: z.array(ToolIn).nullable().optional(),
  tool_choice: ToolChoiceIn.nullable().optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  max_output_tokens: z.number().int().min(1).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  reasoning: z
    .object({
      effort: z.enum(EFFORTS).nullable().optional(),
      summary: z.enum(SUMMARIES).nullable().optional(),
      generate_summary: z.enum(SUMMARIES).nullable().optional(),
    })
    .loose()
    .nullable()
    .optional(),
  text: z
    .object({ format: TextFormat.nullable().optional(), verbosity: z.enum(["low", "medium", "high"]).nullable().optional() })
    .loose()
    .nullable()
    .optional(),
  store: z.boolean().nullable().optional(),
  previous_response_id: z.string().min(1).nullable().optional(),
  include: z.array(z.string()).nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  prompt_cache_key: z.string().nullable().optional(),
  service_tier: z.string().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_obfuscation: z.boolean().optional() }).loose().nullable().optional(),
  truncation: z.enum(["auto", "disabled"]).nullable().optional(),
  user: z.string().optional(),
  // Accepted; reported as dropped unless left at their default.
  safety_identifier: z.string().nullable().optional(),
  top_logprobs: z.number().int().nullable().optional(),
  max_tool_calls: z.number().int().nullable().optional(),
  prompt_cache_retention: z.string().nullable().optional(),
  context_management: z.unknown().optional(),
  moderation: z.unknown().optional(),
  /** Codex's per-turn telemetry (thread and turn ids): accepted and ignored, not a model parameter. */
  client_metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  // Refused when used: they need OpenAI-side state this gateway does not have.
  background: z.boolean().nullable().optional(),
  conversation: z.unknown().optional(),
  prompt: z.unknown().optional(),
  // Bedrock-native controls, as on Chat Completions.
  guardrailConfig: chat.guardrailConfig,
  additionalModelRequestFields: chat.additionalModelRequestFields,
  additionalModelResponseFieldPaths: chat.additionalModelResponseFieldPaths,
  performanceConfig: chat.performanceConfig,
  thinking: chat.thinking,
  prompt_caching: chat.prompt_caching,
});

export type ResponsesRequest = z.infer<typeof ResponsesRequest>;
export type InputItem = z.infer<typeof InputItem>;
export type ContentPart = z.infer<typeof ContentPart>;
export type ToolIn = z.infer<typeof ToolIn>;
export type FunctionToolIn = z.infer<typeof FunctionToolIn>;
export type ToolChoiceIn = z.infer<typeof ToolChoiceIn>;
export type TextFormat = z.infer<typeof TextFormat>;

/** Parameters with no Bedrock equivalent: dropped and named in a header (400 under STRICT_PARAMS). */
export const UNSUPPORTED_PARAMS = [
  "safety_identifier",
  "top_logprobs",
  "max_tool_calls",
  "prompt_cache_retention",
  "context_management",
  "moderation",
] as const;

export const KNOWN_FIELDS = new Set(Object.keys(ResponsesRequest.shape));
