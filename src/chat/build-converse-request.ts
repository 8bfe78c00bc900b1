// Pure: a validated Chat Completions request → the Converse request, plus what the response
// mappers need to know (tool-name map, suppressed tool calls) and the parameters that were dropped.
import type { ConverseRequest, InferenceConfiguration } from "../bedrock/converse-types.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import { UNSUPPORTED_PARAMS } from "../openai/chat-request.ts";
import { convertMessages } from "./convert-messages.ts";
import { hasToolBlocks, normalizeConversation, toolNamesInHistory } from "./normalize-conversation.ts";
import { prepareTools } from "./prepare-tools.ts";
import { buildRequestMetadata } from "./request-metadata.ts";
import { ToolNameMap } from "./tool-names.ts";

export interface BuildOptions {
  caps: ModelCapabilities;
  /** The model as the client named it (error messages). */
  modelName: string;
  fetchedImages: Map<string, Buffer>;
  /** Unknown top-level fields the client sent. */
  unknownFields: string[];
  strictParams: boolean;
}

export interface BuiltRequest {
  request: ConverseRequest;
  toolNames: ToolNameMap;
  suppressToolCalls: boolean;
  /** Parameters accepted but not sent to Bedrock (reported in x-bedrock-gateway-dropped-params). */
  dropped: string[];
  /** Notes for response headers (e.g. a clamped max_tokens). */
  notes: Record<string, string>;
}

/** A parameter left at its default value is not "dropped": clients often send the defaults. */
function isDefault(name: string, value: unknown): boolean {
  if (value === undefined || value === null || value === false) return true;
  if ((name === "presence_penalty" || name === "frequency_penalty") && value === 0) return true;
  if (name === "parallel_tool_calls" && value === true) return true;
  if (name === "top_logprobs" && value === 0) return true;
  if (name === "logit_bias" && typeof value === "object" && Object.keys(value).length === 0) return true;
  return false;
}

export function buildConverseRequest(req: ChatCompletionRequest, opts: BuildOptions): BuiltRequest {
  const { caps } = opts;
  const dropped: string[] = [];
  const notes: Record<string, string> = {};
  const body = req as Record<string, unknown>;
  for (const name of UNSUPPORTED_PARAMS) if (!isDefault(name, body[name])) dropped.push(name);
  dropped.push(...opts.unknownFields);

  const toolNames = new ToolNameMap();
  const converted = convertMessages(req.messages, {
    caps,
    modelName: opts.modelName,
    toolNames,
    fetchedImages: opts.fetchedImages,
    documentNames: new Set(),
  });
  const { system, messages } = normalizeConversation(converted.system, converted.messages, { systemPrompt: caps.systemPrompt });
  const tools = prepareTools(
    {
      tools: req.tools,
      toolChoice: req.tool_choice,
      functions: req.functions,
      functionCall: req.function_call,
      historyToolNames: toolNamesInHistory(messages),
      historyHasToolBlocks: hasToolBlocks(messages),
    },
    caps,
    toolNames,
    opts.modelName,
  );
  dropped.push(...tools.dropped);

  const inferenceConfig: InferenceConfiguration = {};
  const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? undefined;
  if (maxTokens !== undefined) {
    if (caps.maxOutputTokens !== undefined && maxTokens > caps.maxOutputTokens) {
      inferenceConfig.maxTokens = caps.maxOutputTokens;
      notes["x-bedrock-gateway-max-tokens"] = `clamped ${maxTokens} to the model limit ${caps.maxOutputTokens}`;
    } else inferenceConfig.maxTokens = maxTokens;
  }
  // OpenAI allows temperature up to 2, Bedrock up to 1: values above 1 are clamped to 1.
  if (req.temperature !== undefined && req.temperature !== null) inferenceConfig.temperature = Math.min(req.temperature, 1);
  if (req.top_p !== undefined && req.top_p !== null) {
    if (caps.temperatureTopPConflict && inferenceConfig.temperature !== undefined) dropped.push("top_p");
    else inferenceConfig.topP = req.top_p;
  }
  const stop = typeof req.stop === "string" ? [req.stop] : (req.stop ?? []);
  const stopSequences = stop.filter((s) => s !== "");
  if (stopSequences.length) inferenceConfig.stopSequences = stopSequences;

  const request: ConverseRequest = { messages };
  if (system.length) request.system = system;
  if (Object.keys(inferenceConfig).length) request.inferenceConfig = inferenceConfig;
  if (tools.toolConfig) request.toolConfig = tools.toolConfig;

  const metadata = buildRequestMetadata(req.user, req.metadata ?? undefined);
  if (metadata) request.requestMetadata = metadata;
  const tier = serviceTier(req.service_tier);
  if (tier) request.serviceTier = { type: tier };

  if (opts.strictParams && dropped.length > 0) {
    const param = dropped[0]!;
    throw errors.invalidRequest(`The parameter '${param}' is not supported by this gateway for Bedrock models (STRICT_PARAMS is on).`, param, "unsupported_parameter");
  }
  return { request, toolNames, suppressToolCalls: tools.suppressToolCalls, dropped, notes };
}

/** OpenAI service_tier → Bedrock serviceTier; "auto" and "default" leave Bedrock's default. */
function serviceTier(tier: string | null | undefined): "flex" | "priority" | undefined {
  if (tier === "flex") return "flex";
  if (tier === "priority" || tier === "scale") return "priority";
  if (tier === undefined || tier === null || tier === "auto" || tier === "default") return undefined;
  throw errors.invalidRequest(`Unsupported service_tier '${tier}'. Use auto, default, flex or priority.`, "service_tier");
}
