// The shared Converse core: every front door (OpenAI Chat Completions, Anthropic Messages, OpenAI
// Responses) converts its own message format to Converse blocks, then hands the conversation and
// its parameters here. This is where Bedrock's rules are applied once for all of them. The order
// matters: reasoning decides whether a tool may be forced, which decides how structured output is
// obtained; cache points are placed last, on the final request.
import type {
  ConverseRequest,
  GuardrailConfiguration,
  InferenceConfiguration,
  JsonValue,
  Message,
  SystemContentBlock,
} from "../bedrock/converse-types.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import { applyCachePoints } from "./cache-points.ts";
import { hasToolBlocks, normalizeConversation, toolNamesInHistory } from "./normalize-conversation.ts";
import { prepareTools } from "./prepare-tools.ts";
import type { ToolChoiceInput, ToolDef } from "./prepare-tools.ts";
import { planReasoning } from "./reasoning.ts";
import type { Effort } from "./reasoning.ts";
import { planStructuredOutput } from "./structured-output.ts";
import type { JsonMode, ResponseFormat } from "./structured-output.ts";
import type { ToolNameMap } from "./tool-names.ts";

export interface SamplingInput {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

export interface ConversationInput {
  system: SystemContentBlock[];
  /** Converted messages, before normalisation. */
  messages: Message[];
  /** The map used while converting (tool names in the history). */
  toolNames: ToolNameMap;
  tools: ToolDef[];
  toolChoice: ToolChoiceInput;
  sampling: SamplingInput;
  effort?: Effort;
  /** A raw Anthropic thinking object (Claude only). */
  thinking?: Record<string, unknown>;
  responseFormat?: ResponseFormat;
  guardrailConfig?: GuardrailConfiguration;
  additionalModelRequestFields?: Record<string, unknown>;
  additionalModelResponseFieldPaths?: string[];
  performanceConfig?: { latency: "standard" | "optimized" };
  requestMetadata?: Record<string, string>;
  serviceTier?: "flex" | "priority" | "default";
  /** Automatic cache points for this request (undefined: the gateway default). */
  promptCaching?: boolean;
  /** Parameter names for error messages and the dropped-params header. */
  params?: { tools: string; choice: string; maxTokens: string; topP: string; temperature: string; effort?: string };
}

export interface AssembleOptions {
  caps: ModelCapabilities;
  /** The model as the client named it (error messages). */
  modelName: string;
  strictParams: boolean;
  /** ConverseStream takes guardrail streaming options Converse rejects. */
  streaming?: boolean;
  /** ENABLE_PROMPT_CACHING: automatic cache points unless the request says otherwise. */
  autoCache?: boolean;
  /** GUARDRAIL_ID / GUARDRAIL_VERSION: applied when the request names no guardrail. */
  defaultGuardrail?: GuardrailConfiguration;
  /** Parameters the front door already dropped (unknown fields, unsupported parameters). */
  dropped?: string[];
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
  /** Notes for response headers (e.g. a clamped max tokens). */
  notes: Record<string, string>;
}

type ParamNames = NonNullable<ConversationInput["params"]>;
const DEFAULT_PARAMS: ParamNames = {
  tools: "tools",
  choice: "tool_choice",
  maxTokens: "max_tokens",
  topP: "top_p",
  temperature: "temperature",
};

/** Max tokens within the model's limit (clamped and reported), the temperature/top_p conflict. */
function mapSampling(
  s: SamplingInput,
  caps: ModelCapabilities,
  params: ParamNames,
  dropped: string[],
  notes: Record<string, string>,
): InferenceConfiguration {
  const inference: InferenceConfiguration = {};
  if (s.maxTokens !== undefined) {
    if (caps.maxOutputTokens !== undefined && s.maxTokens > caps.maxOutputTokens) {
      inference.maxTokens = caps.maxOutputTokens;
      notes["x-bedrock-gateway-max-tokens"] = `clamped ${s.maxTokens} to the model limit ${caps.maxOutputTokens}`;
    } else inference.maxTokens = s.maxTokens;
  }
  if (s.temperature !== undefined) inference.temperature = Math.min(s.temperature, 1);
  if (s.topP !== undefined) {
    if (caps.temperatureTopPConflict && inference.temperature !== undefined) dropped.push(params.topP);
    else inference.topP = s.topP;
  }
  const stops = (s.stopSequences ?? []).filter((x) => x !== "");
  if (stops.length) inference.stopSequences = stops;
  return inference;
}

/** The settings that decide how many output tokens are asked for (known before any media is fetched). */
export interface InferenceSettings {
  sampling: SamplingInput;
  effort?: Effort;
  thinking?: Record<string, unknown>;
}

/**
 * The max tokens that will be sent to Bedrock, as assembleConverseRequest decides them (the model's
 * limit, reasoning budgets): what admission reserves against the key's limits and budget. Undefined
 * when the request names no limit and reasoning sets none (Bedrock's default applies).
 */
export function planOutputTokens(s: InferenceSettings, caps: ModelCapabilities): number | undefined {
  const inference = mapSampling(s.sampling, caps, DEFAULT_PARAMS, [], {});
  return planReasoning({ effort: s.effort, thinking: s.thinking, inference }, caps).inference.maxTokens;
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

export function assembleConverseRequest(input: ConversationInput, opts: AssembleOptions): BuiltRequest {
  const { caps } = opts;
  const params = input.params ?? DEFAULT_PARAMS;
  const dropped: string[] = [...(opts.dropped ?? [])];
  const notes: Record<string, string> = {};

  const sampling = mapSampling(input.sampling, caps, params, dropped, notes);
  const reasoning = planReasoning({ effort: input.effort, thinking: input.thinking, inference: sampling }, caps);
  // planReasoning names parameters as Chat Completions does; report them in this front door's terms.
  const rename: Record<string, string> = {
    temperature: params.temperature,
    top_p: params.topP,
    max_tokens: params.maxTokens,
    reasoning_effort: params.effort ?? "reasoning_effort",
  };
  dropped.push(...reasoning.dropped.map((name) => rename[name] ?? name));
  Object.assign(notes, reasoning.notes);
  let claudeThinking = reasoning.claudeThinking;
  let inference = reasoning.inference;
  const fields: Record<string, JsonValue> = { ...reasoning.fields };

  const { system, messages } = normalizeConversation(input.system, input.messages, { systemPrompt: caps.systemPrompt });

  // Bedrock rejects a thinking turn whose previous tool-calling turn lost its signed thinking. When
  // neither the client nor the store has it, answer this turn without thinking instead of failing.
  const toolTurn = lastToolTurn(messages);
  if (claudeThinking && toolTurn && !("reasoningContent" in toolTurn.content[0]!)) {
    delete fields.thinking;
    delete fields.output_config;
    claudeThinking = false;
    inference = mapSampling(input.sampling, caps, params, [], {});
    delete notes["x-bedrock-gateway-max-tokens"];
    notes["x-bedrock-gateway-thinking"] = "disabled for this turn: the previous tool-calling turn has no signed thinking to replay";
  }

  const structured = planStructuredOutput(input.responseFormat, caps, { thinking: claudeThinking, userTools: input.tools.length > 0 });
  const tools = prepareTools(
    {
      tools: input.tools,
      choice: input.toolChoice,
      historyToolNames: toolNamesInHistory(messages),
      historyHasToolBlocks: hasToolBlocks(messages),
      forbidForcedChoice: claudeThinking,
      params: { tools: params.tools, choice: params.choice },
    },
    caps,
    input.toolNames,
    opts.modelName,
  );
  dropped.push(...tools.dropped);
  let toolConfig = tools.toolConfig;
  if (structured.tool) toolConfig = { tools: [...(toolConfig?.tools ?? []), structured.tool.spec], toolChoice: structured.tool.choice };

  const request: ConverseRequest = { messages };
  const sys = structured.system ? [...system, structured.system] : system;
  if (sys.length) request.system = sys;
  if (Object.keys(inference).length) request.inferenceConfig = inference;
  if (toolConfig) request.toolConfig = toolConfig;
  if (structured.outputConfig) request.outputConfig = structured.outputConfig;

  // The client's own additionalModelRequestFields win over what the gateway derived.
  const additional = { ...fields, ...(input.additionalModelRequestFields as Record<string, JsonValue> | undefined) };
  if (Object.keys(additional).length) request.additionalModelRequestFields = additional;
  if (input.additionalModelResponseFieldPaths?.length) request.additionalModelResponseFieldPaths = input.additionalModelResponseFieldPaths;
  if (input.performanceConfig) request.performanceConfig = input.performanceConfig;
  const guardrail = input.guardrailConfig ?? opts.defaultGuardrail;
  if (guardrail) {
    const { streamProcessingMode, ...rest } = guardrail;
    request.guardrailConfig = opts.streaming && streamProcessingMode ? { ...rest, streamProcessingMode } : rest;
  }
  if (input.requestMetadata && Object.keys(input.requestMetadata).length) request.requestMetadata = input.requestMetadata;
  if (input.serviceTier && input.serviceTier !== "default") request.serviceTier = { type: input.serviceTier };

  const cache = applyCachePoints(request, { supported: caps.promptCaching, auto: input.promptCaching ?? opts.autoCache ?? false });
  if (cache.droppedExplicit) dropped.push("cache_control");
  if (cache.removedOverLimit)
    notes["x-bedrock-gateway-cache-points"] =
      `${cache.removedOverLimit} cache point(s) beyond Bedrock's limit of 4 were dropped (the earliest 4 were kept)`;

  if (opts.strictParams && dropped.length > 0) {
    const param = dropped[0]!;
    throw errors.invalidRequest(
      `The parameter '${param}' is not supported by this gateway for this model (STRICT_PARAMS is on).`,
      param,
      "unsupported_parameter",
    );
  }
  return {
    request,
    toolNames: input.toolNames,
    suppressToolCalls: tools.suppressToolCalls,
    jsonMode: structured.mode,
    ...(structured.tool ? { jsonToolName: structured.tool.name } : {}),
    claudeThinking,
    dropped,
    notes,
  };
}
