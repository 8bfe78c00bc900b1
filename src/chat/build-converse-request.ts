// Pure: a validated Chat Completions request → the Converse request, plus what the response
// mappers need to know (tool-name map, suppressed tool calls, JSON mode) and the parameters that
// were dropped. The order matters: reasoning decides whether a tool may be forced, which decides
// how structured output is obtained; cache points are placed last, on the final request.
import type { ConverseRequest, InferenceConfiguration, JsonValue, Message } from "../bedrock/converse-types.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import { UNSUPPORTED_PARAMS } from "../openai/chat-request.ts";
import { applyCachePoints } from "./cache-points.ts";
import { convertMessages } from "./convert-messages.ts";
import { hasToolBlocks, normalizeConversation, toolNamesInHistory } from "./normalize-conversation.ts";
import { prepareTools } from "./prepare-tools.ts";
import { parseEffort, planReasoning } from "./reasoning.ts";
import { buildRequestMetadata } from "./request-metadata.ts";
import { parseResponseFormat, planStructuredOutput } from "./structured-output.ts";
import type { JsonMode } from "./structured-output.ts";
import type { ThinkingStore } from "./thinking-store.ts";
import { ToolNameMap } from "./tool-names.ts";

export interface BuildOptions {
  caps: ModelCapabilities;
  /** The model as the client named it (error messages). */
  modelName: string;
  fetchedImages: Map<string, Buffer>;
  /** Unknown top-level fields the client sent. */
  unknownFields: string[];
  strictParams: boolean;
  /** ConverseStream takes guardrail streaming options Converse rejects. */
  streaming?: boolean;
  thinkingStore?: ThinkingStore;
  /** ENABLE_PROMPT_CACHING: automatic cache points unless the request says otherwise. */
  autoCache?: boolean;
  /** GUARDRAIL_ID / GUARDRAIL_VERSION: applied when the request names no guardrail. */
  defaultGuardrail?: { guardrailIdentifier: string; guardrailVersion: string; trace?: "enabled" | "disabled" | "enabled_full" };
}

export interface BuiltRequest {
  request: ConverseRequest;
  toolNames: ToolNameMap;
  suppressToolCalls: boolean;
  /** How structured output is obtained (the response mappers need it for "tool" and "prompt"). */
  jsonMode: JsonMode;
  /** Name of the forced tool whose input is the JSON answer (jsonMode "tool"). */
  jsonToolName?: string;
  /** Claude thinking is on: the response's signed thinking is worth remembering for replay. */
  claudeThinking: boolean;
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

/** The last assistant turn that called tools, when the conversation continues from it. */
function lastToolTurn(messages: Message[]): Message | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== "assistant") continue;
    return m.content.some((b) => "toolUse" in b) && i === messages.length - 2 ? m : undefined;
  }
  return undefined;
}

function inferenceFrom(req: ChatCompletionRequest, caps: ModelCapabilities, dropped: string[], notes: Record<string, string>): InferenceConfiguration {
  const inference: InferenceConfiguration = {};
  const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? undefined;
  if (maxTokens !== undefined) {
    if (caps.maxOutputTokens !== undefined && maxTokens > caps.maxOutputTokens) {
      inference.maxTokens = caps.maxOutputTokens;
      notes["x-bedrock-gateway-max-tokens"] = `clamped ${maxTokens} to the model limit ${caps.maxOutputTokens}`;
    } else inference.maxTokens = maxTokens;
  }
  // OpenAI allows temperature up to 2, Bedrock up to 1: values above 1 are clamped to 1.
  if (req.temperature !== undefined && req.temperature !== null) inference.temperature = Math.min(req.temperature, 1);
  if (req.top_p !== undefined && req.top_p !== null) {
    if (caps.temperatureTopPConflict && inference.temperature !== undefined) dropped.push("top_p");
    else inference.topP = req.top_p;
  }
  const stop = typeof req.stop === "string" ? [req.stop] : (req.stop ?? []);
  const stopSequences = stop.filter((s) => s !== "");
  if (stopSequences.length) inference.stopSequences = stopSequences;
  return inference;
}

export function buildConverseRequest(req: ChatCompletionRequest, opts: BuildOptions): BuiltRequest {
  const { caps } = opts;
  const dropped: string[] = [];
  const notes: Record<string, string> = {};
  const body = req as Record<string, unknown>;
  for (const name of UNSUPPORTED_PARAMS) if (!isDefault(name, body[name])) dropped.push(name);
  dropped.push(...opts.unknownFields);

  // Reasoning first: it constrains sampling, max tokens, tool choice and structured output.
  const reasoning = planReasoning({ effort: parseEffort(req.reasoning_effort), thinking: req.thinking, inference: inferenceFrom(req, caps, dropped, notes) }, caps);
  dropped.push(...reasoning.dropped);
  Object.assign(notes, reasoning.notes);
  let claudeThinking = reasoning.claudeThinking;
  let inference = reasoning.inference;
  const fields: Record<string, JsonValue> = { ...reasoning.fields };

  const toolNames = new ToolNameMap();
  const converted = convertMessages(req.messages, {
    caps,
    modelName: opts.modelName,
    toolNames,
    fetchedImages: opts.fetchedImages,
    documentNames: new Set(),
    replayThinking: caps.reasoning === "claude-budget" || caps.reasoning === "claude-adaptive",
    thinkingStore: opts.thinkingStore,
  });
  const { system, messages } = normalizeConversation(converted.system, converted.messages, { systemPrompt: caps.systemPrompt });

  // Bedrock rejects a thinking turn whose previous tool-calling turn lost its signed thinking. When
  // neither the client nor the store has it, answer this turn without thinking instead of failing.
  const toolTurn = lastToolTurn(messages);
  if (claudeThinking && toolTurn && !("reasoningContent" in toolTurn.content[0]!)) {
    delete fields.thinking;
    delete fields.output_config;
    claudeThinking = false;
    inference = inferenceFrom(req, caps, [], {});
    notes["x-bedrock-gateway-thinking"] = "disabled for this turn: the previous tool-calling turn has no signed thinking to replay";
  }

  const structured = planStructuredOutput(parseResponseFormat(req.response_format), caps, { thinking: claudeThinking, userTools: (req.tools?.length ?? 0) + (req.functions?.length ?? 0) > 0 });
  const tools = prepareTools(
    {
      tools: req.tools,
      toolChoice: req.tool_choice,
      functions: req.functions,
      functionCall: req.function_call,
      historyToolNames: toolNamesInHistory(messages),
      historyHasToolBlocks: hasToolBlocks(messages),
      forbidForcedChoice: claudeThinking,
    },
    caps,
    toolNames,
    opts.modelName,
  );
  dropped.push(...tools.dropped);
  let toolConfig = tools.toolConfig;
  if (structured.tool) {
    toolConfig = { tools: [...(toolConfig?.tools ?? []), structured.tool.spec], toolChoice: structured.tool.choice };
  }

  const request: ConverseRequest = { messages };
  const sys = structured.system ? [...system, structured.system] : system;
  if (sys.length) request.system = sys;
  if (Object.keys(inference).length) request.inferenceConfig = inference;
  if (toolConfig) request.toolConfig = toolConfig;
  if (structured.outputConfig) request.outputConfig = structured.outputConfig;

  // The client's own additionalModelRequestFields win over what the gateway derived.
  const additional = { ...fields, ...(req.additionalModelRequestFields as Record<string, JsonValue> | undefined) };
  if (Object.keys(additional).length) request.additionalModelRequestFields = additional;
  if (req.additionalModelResponseFieldPaths?.length) request.additionalModelResponseFieldPaths = req.additionalModelResponseFieldPaths;
  if (req.performanceConfig) request.performanceConfig = req.performanceConfig;
  const guardrail = req.guardrailConfig ?? opts.defaultGuardrail;
  if (guardrail) {
    const { streamProcessingMode, ...rest } = guardrail as typeof guardrail & { streamProcessingMode?: "sync" | "async" };
    request.guardrailConfig = opts.streaming && streamProcessingMode ? { ...rest, streamProcessingMode } : rest;
  }

  const metadata = buildRequestMetadata(req.user, req.metadata ?? undefined);
  if (metadata) request.requestMetadata = metadata;
  const tier = serviceTier(req.service_tier);
  if (tier) request.serviceTier = { type: tier };

  const cache = applyCachePoints(request, { supported: caps.promptCaching, auto: req.prompt_caching ?? opts.autoCache ?? false });
  if (cache.droppedExplicit) dropped.push("cache_control");
  if (cache.removedOverLimit) notes["x-bedrock-gateway-cache-points"] = `${cache.removedOverLimit} cache point(s) beyond Bedrock's limit of 4 were dropped (the earliest 4 were kept)`;

  if (opts.strictParams && dropped.length > 0) {
    const param = dropped[0]!;
    throw errors.invalidRequest(`The parameter '${param}' is not supported by this gateway for this model (STRICT_PARAMS is on).`, param, "unsupported_parameter");
  }
  return {
    request,
    toolNames,
    suppressToolCalls: tools.suppressToolCalls,
    jsonMode: structured.mode,
    ...(structured.tool ? { jsonToolName: structured.tool.name } : {}),
    claudeThinking,
    dropped,
    notes,
  };
}

/** OpenAI service_tier → Bedrock serviceTier; "auto" and "default" leave Bedrock's default. */
function serviceTier(tier: string | null | undefined): "flex" | "priority" | undefined {
  if (tier === "flex") return "flex";
  if (tier === "priority" || tier === "scale") return "priority";
  if (tier === undefined || tier === null || tier === "auto" || tier === "default") return undefined;
  throw errors.invalidRequest(`Unsupported service_tier '${tier}'. Use auto, default, flex or priority.`, "service_tier");
}
