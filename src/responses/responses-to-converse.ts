// The Responses front door: a validated request (and the stored history it continues) → the shared
// Converse core's input. Only what is specific to this API lives here: item conversion, the
// parameter names (`max_output_tokens`, `reasoning.effort`, `text.format`) and their defaults;
// Bedrock's rules are applied once for every API in src/converse/assemble-request.ts.
import type { GuardrailConfiguration, ReasoningContentBlock } from "../bedrock/converse-types.ts";
import { assembleConverseRequest } from "../converse/assemble-request.ts";
import type { BuiltRequest } from "../converse/assemble-request.ts";
import type { Effort } from "../converse/reasoning.ts";
import { buildRequestMetadata } from "../converse/request-metadata.ts";
import type { ResponseFormat } from "../converse/structured-output.ts";
import { ToolNameMap } from "../converse/tool-names.ts";
import { parseServiceTier } from "../converse/service-tier.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import { thinksLikeClaude } from "../models/capabilities.ts";
import { convertInput } from "./responses-input.ts";
import type { PlacedItem } from "./responses-input.ts";
import { prepareResponseTools } from "./prepare-response-tools.ts";
import type { PreparedResponseTools } from "./prepare-response-tools.ts";
import type { ResponsesRequest, TextFormat } from "./request-schema.ts";
import { UNSUPPORTED_PARAMS } from "./request-schema.ts";

export interface ResponsesBuildOptions {
  caps: ModelCapabilities;
  modelName: string;
  fetchedImages: Map<string, Buffer>;
  unknownFields: string[];
  strictParams: boolean;
  streaming: boolean;
  recallThinking?: (toolCallId: string) => ReasoningContentBlock[] | undefined;
  openReasoning: (blob: string) => ReasoningContentBlock[] | undefined;
  autoCache?: boolean;
  defaultGuardrail?: GuardrailConfiguration;
}

export interface ResponsesBuiltRequest extends BuiltRequest {
  tools: PreparedResponseTools;
}

const PARAMS = {
  tools: "tools",
  choice: "tool_choice",
  maxTokens: "max_output_tokens",
  topP: "top_p",
  temperature: "temperature",
  effort: "reasoning.effort",
};

function isDefault(name: string, value: unknown): boolean {
  return value === undefined || value === null || (name === "top_logprobs" && value === 0);
}

/** OpenAI's "max" effort is Bedrock's highest setting. */
export function effortOf(req: ResponsesRequest): Effort | undefined {
  const e = req.reasoning?.effort;
  if (e === undefined || e === null) return undefined;
  return e === "max" ? "xhigh" : e;
}

function responseFormat(f: TextFormat | null | undefined): ResponseFormat | undefined {
  if (!f) return undefined;
  if (f.type !== "json_schema") return { type: f.type };
  return {
    type: "json_schema",
    json_schema: { name: f.name, schema: f.schema, strict: f.strict ?? null, ...(f.description ? { description: f.description } : {}) },
  };
}

/** Features that need OpenAI-side state the gateway does not have: refused rather than silently ignored. */
function refuseUnsupported(req: ResponsesRequest): void {
  if (req.background === true)
    throw errors.invalidRequest(
      "Background responses are not supported by this gateway; omit background (or set it to false).",
      "background",
      "unsupported_parameter",
    );
  if (req.conversation !== undefined && req.conversation !== null)
    throw errors.invalidRequest(
      "The Conversations API is not supported by this gateway; continue a conversation with previous_response_id.",
      "conversation",
      "unsupported_parameter",
    );
  if (req.prompt !== undefined && req.prompt !== null)
    throw errors.invalidRequest(
      "Stored prompt templates are not supported by this gateway; send instructions and input instead.",
      "prompt",
      "unsupported_parameter",
    );
}

/** This request's input as placed items (a string input is one user message). */
export function placeInput(input: ResponsesRequest["input"]): PlacedItem[] {
  if (typeof input === "string") return [{ item: { type: "message", role: "user", content: input }, param: "input" }];
  return (input ?? []).map((item, i) => ({ item, param: `input[${i}]` }));
}

export function buildResponsesConverseRequest(
  req: ResponsesRequest,
  history: PlacedItem[],
  input: PlacedItem[],
  opts: ResponsesBuildOptions,
): ResponsesBuiltRequest {
  refuseUnsupported(req);
  const { caps } = opts;
  const body = req as Record<string, unknown>;
  const dropped: string[] = UNSUPPORTED_PARAMS.filter((name) => !isDefault(name, body[name]));
  if (req.parallel_tool_calls === false) dropped.push("parallel_tool_calls");
  if (req.text?.verbosity) dropped.push("text.verbosity");
  // Bedrock never truncates a conversation: "auto" behaves like "disabled" (an overflow is a 400).
  if (req.truncation === "auto") dropped.push("truncation");
  for (const inc of req.include ?? []) if (inc !== "reasoning.encrypted_content") dropped.push(`include:${inc}`);
  dropped.push(...opts.unknownFields);

  const tools = prepareResponseTools(req.tools, req.tool_choice);
  dropped.push(...tools.dropped);

  const toolNames = new ToolNameMap();
  const converted = convertInput(req.instructions, [...history, ...input], {
    caps,
    modelName: opts.modelName,
    toolNames,
    fetchedImages: opts.fetchedImages,
    documentNames: new Set(),
    replayThinking: thinksLikeClaude(caps),
    recallThinking: opts.recallThinking,
    openReasoning: opts.openReasoning,
  });
  dropped.push(...converted.dropped);

  const built = assembleConverseRequest(
    {
      system: converted.system,
      messages: converted.messages,
      toolNames,
      tools: tools.tools,
      toolChoice: tools.choice,
      sampling: { maxTokens: req.max_output_tokens ?? undefined, temperature: req.temperature ?? undefined, topP: req.top_p ?? undefined },
      effort: effortOf(req),
      thinking: req.thinking,
      responseFormat: responseFormat(req.text?.format),
      guardrailConfig: req.guardrailConfig,
      additionalModelRequestFields: req.additionalModelRequestFields,
      additionalModelResponseFieldPaths: req.additionalModelResponseFieldPaths,
      performanceConfig: req.performanceConfig,
      requestMetadata: buildRequestMetadata(req.user, req.metadata ?? undefined),
      serviceTier: parseServiceTier(req.service_tier),
      // A prompt_cache_key says the client reuses its prompt prefix: place cache points for it.
      promptCaching: req.prompt_caching ?? (req.prompt_cache_key ? true : undefined),
      params: PARAMS,
    },
    {
      caps,
      modelName: opts.modelName,
      strictParams: opts.strictParams,
      streaming: opts.streaming,
      autoCache: opts.autoCache,
      defaultGuardrail: opts.defaultGuardrail,
      dropped,
    },
  );
  return { ...built, tools };
}
