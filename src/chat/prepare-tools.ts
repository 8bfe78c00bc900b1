// Pure: OpenAI tools / tool_choice (and the legacy functions / function_call) → Converse toolConfig.
// Bedrock has no tool_choice "none": tools are omitted when the history allows, otherwise kept and
// any tool call in the answer is suppressed. A history with tool blocks but no tools in the request
// gets a toolConfig synthesised from the history, because Bedrock rejects the request without one.
import type { JsonValue, Tool, ToolChoice, ToolConfiguration } from "../bedrock/converse-types.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import type { ToolNameMap } from "./tool-names.ts";

export interface PreparedTools {
  toolConfig: ToolConfiguration | undefined;
  /** tool_choice "none" with tools kept for the history: strip tool calls from the answer. */
  suppressToolCalls: boolean;
  /** Parameters that could not be honoured for this model. */
  dropped: string[];
}

interface ToolsInput {
  tools: ChatCompletionRequest["tools"];
  toolChoice: ChatCompletionRequest["tool_choice"];
  functions: ChatCompletionRequest["functions"];
  functionCall: ChatCompletionRequest["function_call"];
  /** Tool names used by toolUse blocks of the (converted) history. */
  historyToolNames: string[];
  historyHasToolBlocks: boolean;
  /** Set when thinking is on: Bedrock rejects a forced tool choice then. */
  forbidForcedChoice?: boolean;
}

const EMPTY_OBJECT_SCHEMA = { type: "object", properties: {} } as const;

function toolSpec(name: string, description: string | null | undefined, parameters: Record<string, unknown> | undefined, strict: boolean | undefined): Tool {
  const desc = description?.trim();
  return {
    toolSpec: {
      name,
      ...(desc ? { description: desc } : {}),
      inputSchema: { json: (parameters ?? EMPTY_OBJECT_SCHEMA) as JsonValue },
      ...(strict ? { strict: true } : {}),
    },
  };
}

export function prepareTools(input: ToolsInput, caps: ModelCapabilities, names: ToolNameMap, modelName: string): PreparedTools {
  const dropped: string[] = [];
  const tools: Tool[] = [];
  for (const t of input.tools ?? []) {
    const strict = t.function.strict === true;
    if (strict && !caps.strictTools && !dropped.includes("tools[].function.strict")) dropped.push("tools[].function.strict");
    tools.push(toolSpec(names.bedrockName(t.function.name), t.function.description, t.function.parameters, strict && caps.strictTools));
    if (t.cache_control) tools.push({ cachePoint: t.cache_control.ttl ? { type: "default", ttl: t.cache_control.ttl } : { type: "default" } });
  }
  for (const f of input.functions ?? []) tools.push(toolSpec(names.bedrockName(f.name), f.description, f.parameters, false));

  const choice = input.toolChoice ?? legacyChoice(input.functionCall);
  const requested = tools.some((t) => "toolSpec" in t);
  if (requested && !caps.tools) {
    throw errors.invalidRequest(`The model '${modelName}' does not support tool use.`, "tools", "model_not_supported");
  }

  if (choice === "none") {
    if (!input.historyHasToolBlocks) return { toolConfig: undefined, suppressToolCalls: false, dropped };
    return { toolConfig: { tools: withHistoryTools(tools, input.historyToolNames) }, suppressToolCalls: true, dropped };
  }
  if (!requested) {
    if (!input.historyHasToolBlocks) return { toolConfig: undefined, suppressToolCalls: false, dropped };
    return { toolConfig: { tools: withHistoryTools(tools, input.historyToolNames) }, suppressToolCalls: false, dropped };
  }

  let toolChoice: ToolChoice | undefined;
  if (choice === "required") {
    if (input.forbidForcedChoice) dropped.push("tool_choice");
    else if (caps.toolChoiceAny) toolChoice = { any: {} };
    else dropped.push("tool_choice");
  } else if (choice && typeof choice === "object") {
    const name = names.bedrockName(choice.function.name);
    if (!tools.some((t) => "toolSpec" in t && t.toolSpec.name === name)) {
      throw errors.invalidRequest(`tool_choice names the function '${choice.function.name}', which is not in tools.`, "tool_choice", "invalid_value");
    }
    if (input.forbidForcedChoice) dropped.push("tool_choice");
    else if (caps.toolChoiceTool) toolChoice = { tool: { name } };
    else if (caps.toolChoiceAny && tools.filter((t) => "toolSpec" in t).length === 1) toolChoice = { any: {} };
    else dropped.push("tool_choice");
  } else if (choice === "auto" && (caps.toolChoiceAny || caps.toolChoiceTool)) {
    // Only models that understand tool choice get an explicit auto; others reject the field.
    toolChoice = { auto: {} };
  }
  return { toolConfig: { tools: withHistoryTools(tools, input.historyToolNames), ...(toolChoice ? { toolChoice } : {}) }, suppressToolCalls: false, dropped };
}

function legacyChoice(fc: ChatCompletionRequest["function_call"]): ChatCompletionRequest["tool_choice"] {
  if (fc === undefined) return undefined;
  if (typeof fc === "string") return fc;
  return { type: "function", function: { name: fc.name } };
}

/** Tools called in the history but not defined now still need a spec for Bedrock to accept them. */
function withHistoryTools(tools: Tool[], historyNames: string[]): Tool[] {
  const defined = new Set(tools.flatMap((t) => ("toolSpec" in t ? [t.toolSpec.name] : [])));
  const extra = historyNames.filter((n) => !defined.has(n)).map((n) => toolSpec(n, undefined, undefined, false));
  return [...tools, ...extra];
}
