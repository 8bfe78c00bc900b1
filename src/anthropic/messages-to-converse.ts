// The Anthropic Messages front door: a validated request → the shared Converse core's input.
import type { GuardrailConfiguration, ReasoningContentBlock } from "../bedrock/converse-types.ts";
import { assembleConverseRequest } from "../converse/assemble-request.ts";
import type { BuiltRequest } from "../converse/assemble-request.ts";
import type { ToolChoiceInput, ToolDef } from "../converse/prepare-tools.ts";
import { buildRequestMetadata } from "../converse/request-metadata.ts";
import type { ResponseFormat } from "../converse/structured-output.ts";
import { ToolNameMap } from "../converse/tool-names.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import { thinksLikeClaude } from "../models/capabilities.ts";
import { convertAnthropicMessages } from "./messages-input.ts";
import { DROPPED_MESSAGE_FIELDS } from "./messages-request.ts";
import type { AnthropicTool, MessagesRequest } from "./messages-request.ts";

export interface AnthropicBuildOptions {
  caps: ModelCapabilities;
  modelName: string;
  fetchedImages: Map<string, Buffer>;
  unknownFields: string[];
  strictParams: boolean;
  streaming: boolean;
  recallThinking?: (toolCallId: string) => ReasoningContentBlock[] | undefined;
  autoCache?: boolean;
  defaultGuardrail?: GuardrailConfiguration;
}

/** Anthropic's server tools (web search, code execution, …) run on Anthropic's side; Bedrock cannot. */
function isServerTool(t: AnthropicTool): boolean {
  return t.type !== undefined && t.type !== "custom";
}

function toolChoice(req: MessagesRequest): ToolChoiceInput {
  const c = req.tool_choice;
  if (!c) return undefined;
  switch (c.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return { name: c.name };
  }
}

/** The request's thinking object as Bedrock takes it. */
export function messagesThinking(req: Pick<MessagesRequest, "thinking">): Record<string, unknown> | undefined {
  // `display` changes what Anthropic returns, not what the model accepts: never sent to Bedrock.
  if (!req.thinking) return undefined;
  return { type: req.thinking.type, ...(req.thinking.budget_tokens !== undefined ? { budget_tokens: req.thinking.budget_tokens } : {}) };
}

/** output_config.format (Anthropic structured output) → the shared structured-output plan. */
export function messagesResponseFormat(req: Pick<MessagesRequest, "output_config">): ResponseFormat | undefined {
  const format = req.output_config?.format;
  if (!format) return undefined;
  return { type: "json_schema", json_schema: { name: "structured_output", schema: format.schema, strict: true } };
}

export function buildAnthropicRequest(req: MessagesRequest, opts: AnthropicBuildOptions): BuiltRequest {
  const { caps } = opts;
  const dropped: string[] = DROPPED_MESSAGE_FIELDS.filter((f) => req[f] !== undefined);
  dropped.push(...opts.unknownFields);

  const server = (req.tools ?? []).find(isServerTool);
  if (server) {
    throw errors.invalidRequest(
      `The server tool '${server.name}' (type ${server.type}) runs on Anthropic's platform and is not available through Amazon Bedrock. Remove it or define it as a custom tool.`,
      "tools",
      "unsupported_tool",
    );
  }
  const toolNames = new ToolNameMap();
  const converted = convertAnthropicMessages(req, {
    caps,
    modelName: opts.modelName,
    toolNames,
    fetchedImages: opts.fetchedImages,
    recallThinking: opts.recallThinking,
  });
  const tools: ToolDef[] = (req.tools ?? []).map((t) => ({
    name: t.name,
    description: t.description,
    parameters: t.input_schema,
    strict: t.strict === true,
    ...(t.cache_control ? { cache: { ttl: t.cache_control.ttl } } : {}),
  }));

  const claude = thinksLikeClaude(caps);
  const additional: Record<string, unknown> = {};
  if (req.top_k !== undefined) {
    if (claude) additional.top_k = req.top_k;
    else dropped.push("top_k");
  }
  if (req.output_config?.effort !== undefined && req.output_config.effort !== null) {
    // Effort goes with adaptive thinking; models that take a budget express it through the budget.
    if (caps.reasoning === "claude-adaptive") additional.output_config = { effort: req.output_config.effort };
    else dropped.push("output_config");
  }
  // Bedrock reports which stop sequence matched only when asked for Claude's own response field.
  const responsePaths = claude && req.stop_sequences?.length ? ["/stop_sequence"] : undefined;
  const thinking = messagesThinking(req);

  return assembleConverseRequest(
    {
      system: converted.system,
      messages: converted.messages,
      toolNames,
      tools,
      toolChoice: toolChoice(req),
      sampling: { maxTokens: req.max_tokens, temperature: req.temperature, topP: req.top_p, stopSequences: req.stop_sequences },
      thinking,
      responseFormat: messagesResponseFormat(req),
      additionalModelRequestFields: Object.keys(additional).length ? additional : undefined,
      additionalModelResponseFieldPaths: responsePaths,
      requestMetadata: buildRequestMetadata(undefined, req.metadata?.user_id ? { user_id: req.metadata.user_id } : undefined),
      params: { tools: "tools", choice: "tool_choice", maxTokens: "max_tokens", topP: "top_p", temperature: "temperature" },
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
