// The Chat Completions front door: a validated OpenAI request → the shared Converse core's input.
// Only what is specific to this API lives here (message conversion, OpenAI parameter names and
// defaults); Bedrock's rules are applied once for every API in src/converse/assemble-request.ts.
import type { GuardrailConfiguration, ReasoningContentBlock } from "../bedrock/converse-types.ts";
import { assembleConverseRequest } from "../converse/assemble-request.ts";
import type { BuiltRequest } from "../converse/assemble-request.ts";
import type { ToolChoiceInput, ToolDef } from "../converse/prepare-tools.ts";
import { parseEffort } from "../converse/reasoning.ts";
import { buildRequestMetadata } from "../converse/request-metadata.ts";
import { parseResponseFormat } from "../converse/structured-output.ts";
import { ToolNameMap } from "../converse/tool-names.ts";
import { parseServiceTier } from "../converse/service-tier.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import { thinksLikeClaude } from "../models/capabilities.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import { UNSUPPORTED_PARAMS } from "../openai/chat-request.ts";
import { convertMessages } from "./chat-input.ts";

export type { BuiltRequest } from "../converse/assemble-request.ts";

export interface BuildOptions {
  caps: ModelCapabilities;
  /** The model as the client named it (error messages). */
  modelName: string;
  fetchedImages: Map<string, Buffer>;
  /** Unknown top-level fields the client sent. */
  unknownFields: string[];
  strictParams: boolean;
  streaming?: boolean;
  recallThinking?: (toolCallId: string) => ReasoningContentBlock[] | undefined;
  autoCache?: boolean;
  defaultGuardrail?: GuardrailConfiguration;
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

function toolChoice(req: ChatCompletionRequest): ToolChoiceInput {
  const c = req.tool_choice ?? req.function_call;
  if (c === undefined) return undefined;
  if (typeof c === "string") return c;
  return { name: "function" in c ? c.function.name : c.name };
}

export function buildConverseRequest(req: ChatCompletionRequest, opts: BuildOptions): BuiltRequest {
  const { caps } = opts;
  const body = req as Record<string, unknown>;
  const dropped = UNSUPPORTED_PARAMS.filter((name) => !isDefault(name, body[name])) as string[];
  dropped.push(...opts.unknownFields);

  const toolNames = new ToolNameMap();
  const converted = convertMessages(req.messages, {
    caps,
    modelName: opts.modelName,
    toolNames,
    fetchedImages: opts.fetchedImages,
    documentNames: new Set(),
    replayThinking: thinksLikeClaude(caps),
    recallThinking: opts.recallThinking,
  });
  const tools: ToolDef[] = [
    ...(req.tools ?? []).map((t) => ({
      name: t.function.name,
      description: t.function.description,
      parameters: t.function.parameters,
      strict: t.function.strict === true,
      ...(t.cache_control ? { cache: { ttl: t.cache_control.ttl } } : {}),
    })),
    ...(req.functions ?? []).map((f) => ({ name: f.name, description: f.description, parameters: f.parameters })),
  ];
  const stop = typeof req.stop === "string" ? [req.stop] : (req.stop ?? undefined);

  return assembleConverseRequest(
    {
      system: converted.system,
      messages: converted.messages,
      toolNames,
      tools,
      toolChoice: toolChoice(req),
      sampling: {
        maxTokens: req.max_completion_tokens ?? req.max_tokens ?? undefined,
        temperature: req.temperature ?? undefined,
        topP: req.top_p ?? undefined,
        stopSequences: stop,
      },
      effort: parseEffort(req.reasoning_effort),
      thinking: req.thinking,
      responseFormat: parseResponseFormat(req.response_format),
      guardrailConfig: req.guardrailConfig,
      additionalModelRequestFields: req.additionalModelRequestFields,
      additionalModelResponseFieldPaths: req.additionalModelResponseFieldPaths,
      performanceConfig: req.performanceConfig,
      requestMetadata: buildRequestMetadata(req.user, req.metadata ?? undefined),
      serviceTier: parseServiceTier(req.service_tier),
      promptCaching: req.prompt_caching,
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
}
