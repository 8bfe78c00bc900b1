// Pure: tool definitions and tool choice (front-door neutral) → Converse toolConfig.
// Bedrock has no tool_choice "none": tools are omitted when the history allows, otherwise kept and
// any tool call in the answer is suppressed. A history with tool blocks but no tools in the request
// gets a toolConfig synthesised from the history, because Bedrock rejects the request without one.
import type { JsonValue, Tool, ToolChoice, ToolConfiguration } from "../bedrock/converse-types.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import type { ToolNameMap } from "./tool-names.ts";

/** A function tool as a client defines it (OpenAI function, Anthropic custom tool, Responses function). */
export interface ToolDef {
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown>;
  strict?: boolean;
  /** A prompt-cache point right after this tool. */
  cache?: { ttl?: "5m" | "1h" };
}

export type ToolChoiceInput = "auto" | "none" | "required" | { name: string } | undefined;

export interface PreparedTools {
  toolConfig: ToolConfiguration | undefined;
  /** tool choice "none" with tools kept for the history: strip tool calls from the answer. */
  suppressToolCalls: boolean;
  /** Parameters that could not be honoured for this model. */
  dropped: string[];
}

export interface ToolsInput {
  tools: ToolDef[];
  choice: ToolChoiceInput;
  /** Tool names used by toolUse blocks of the (converted) history. */
  historyToolNames: string[];
  historyHasToolBlocks: boolean;
  /** Set when thinking is on: Bedrock rejects a forced tool choice then. */
  forbidForcedChoice?: boolean;
  /** The request parameter names, for error messages (`tools`, `tool_choice`). */
  params?: { tools: string; choice: string };
}

const EMPTY_OBJECT_SCHEMA = { type: "object", properties: {} } as const;

function toolSpec(
  name: string,
  description: string | null | undefined,
  parameters: Record<string, unknown> | undefined,
  strict: boolean,
): Tool {
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
  const params = input.params ?? { tools: "tools", choice: "tool_choice" };
  const dropped: string[] = [];
  const tools: Tool[] = [];
  for (const t of input.tools) {
    const strict = t.strict === true;
    if (strict && !caps.strictTools && !dropped.includes(`${params.tools}[].strict`)) dropped.push(`${params.tools}[].strict`);
    tools.push(toolSpec(names.bedrockName(t.name), t.description, t.parameters, strict && caps.strictTools));
    if (t.cache) tools.push({ cachePoint: t.cache.ttl ? { type: "default", ttl: t.cache.ttl } : { type: "default" } });
  }

  const choice = input.choice;
  const requested = tools.some((t) => "toolSpec" in t);
  if (requested && !caps.tools) {
    throw errors.invalidRequest(`The model '${modelName}' does not support tool use.`, params.tools, "model_not_supported");
  }

  if (choice === "none" || !requested) {
    if (!input.historyHasToolBlocks) return { toolConfig: undefined, suppressToolCalls: false, dropped };
    return { toolConfig: { tools: withHistoryTools(tools, input.historyToolNames) }, suppressToolCalls: choice === "none", dropped };
  }

  let toolChoice: ToolChoice | undefined;
  if (choice === "required") {
    if (input.forbidForcedChoice || !caps.toolChoiceAny) dropped.push(params.choice);
    else toolChoice = { any: {} };
  } else if (choice && typeof choice === "object") {
    const name = names.bedrockName(choice.name);
    if (!tools.some((t) => "toolSpec" in t && t.toolSpec.name === name)) {
      throw errors.invalidRequest(
        `${params.choice} names the tool '${choice.name}', which is not in ${params.tools}.`,
        params.choice,
        "invalid_value",
      );
    }
    if (input.forbidForcedChoice) dropped.push(params.choice);
    else if (caps.toolChoiceTool) toolChoice = { tool: { name } };
    else if (caps.toolChoiceAny && tools.filter((t) => "toolSpec" in t).length === 1) toolChoice = { any: {} };
    else dropped.push(params.choice);
  } else if (choice === "auto" && (caps.toolChoiceAny || caps.toolChoiceTool)) {
    // Only models that understand tool choice get an explicit auto; others reject the field.
    toolChoice = { auto: {} };
  }
  return {
    toolConfig: { tools: withHistoryTools(tools, input.historyToolNames), ...(toolChoice ? { toolChoice } : {}) },
    suppressToolCalls: false,
    dropped,
  };
}

/** Tools called in the history but not defined now still need a spec for Bedrock to accept them. */
function withHistoryTools(tools: Tool[], historyNames: string[]): Tool[] {
  const defined = new Set(tools.flatMap((t) => ("toolSpec" in t ? [t.toolSpec.name] : [])));
  const extra = historyNames.filter((n) => !defined.has(n)).map((n) => toolSpec(n, undefined, undefined, false));
  return [...tools, ...extra];
}
