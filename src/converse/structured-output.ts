// Pure: response_format → how to get JSON out of a Bedrock model.
// 1. native: Converse outputConfig.textFormat with the JSON schema, on models that support it;
// 2. tool: a forced tool whose input schema is the requested schema; its input becomes the
//    message content (never while thinking is on — Bedrock forbids forcing a tool then — and
//    not when the client also sends tools of its own);
// 3. prompt: instructions in the system prompt, and the answer cleaned of code fences.
import type { OutputConfig, SystemContentBlock, Tool, ToolChoice } from "../bedrock/converse-types.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null } };

export type JsonMode = "none" | "native" | "tool" | "prompt";

export interface StructuredPlan {
  mode: JsonMode;
  outputConfig?: OutputConfig;
  tool?: { spec: Tool; choice: ToolChoice; name: string };
  system?: SystemContentBlock;
}

const OPEN_OBJECT = { type: "object", additionalProperties: true };

export function parseResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value as { type?: unknown; json_schema?: { name?: unknown; schema?: unknown } };
  if (v.type === "text" || v.type === "json_object") return v as ResponseFormat;
  if (v.type === "json_schema") {
    const js = v.json_schema;
    if (!js || typeof js.name !== "string" || js.name === "")
      throw errors.invalidRequest(
        "response_format.json_schema.name is required.",
        "response_format.json_schema.name",
        "missing_required_parameter",
      );
    if (js.schema !== undefined && (js.schema === null || typeof js.schema !== "object" || Array.isArray(js.schema))) {
      throw errors.invalidRequest("response_format.json_schema.schema must be a JSON Schema object.", "response_format.json_schema.schema");
    }
    return v as ResponseFormat;
  }
  throw errors.invalidRequest("response_format.type must be text, json_object or json_schema.", "response_format.type");
}

function toolName(name: string): string {
  const n = name.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
  return n || "json_response";
}

export function planStructuredOutput(
  rf: ResponseFormat | undefined,
  caps: ModelCapabilities,
  ctx: { thinking: boolean; userTools: boolean },
): StructuredPlan {
  if (!rf || rf.type === "text") return { mode: "none" };
  const schema = rf.type === "json_schema" ? (rf.json_schema.schema ?? OPEN_OBJECT) : OPEN_OBJECT;
  const name = rf.type === "json_schema" ? rf.json_schema.name : "json_response";
  const description = rf.type === "json_schema" ? rf.json_schema.description : undefined;

  if (rf.type === "json_schema" && caps.structuredOutput) {
    return {
      mode: "native",
      outputConfig: {
        textFormat: {
          type: "json_schema",
          structure: { jsonSchema: { schema: JSON.stringify(schema), name, ...(description ? { description } : {}) } },
        },
      },
    };
  }
  const canForce = caps.tools && (caps.toolChoiceTool || caps.toolChoiceAny);
  if (!ctx.thinking && !ctx.userTools && canForce) {
    const tn = toolName(name);
    return {
      mode: "tool",
      tool: {
        name: tn,
        spec: {
          toolSpec: {
            name: tn,
            description: description ?? "Return the response as JSON that matches this schema.",
            inputSchema: { json: schema as never },
          },
        },
        choice: caps.toolChoiceTool ? { tool: { name: tn } } : { any: {} },
      },
    };
  }
  const instruction =
    rf.type === "json_schema"
      ? `Respond with a single JSON value that matches this JSON Schema, and nothing else (no prose, no code fences):\n${JSON.stringify(schema)}`
      : "Respond with a single valid JSON object, and nothing else (no prose, no code fences).";
  return { mode: "prompt", system: { text: instruction } };
}

/** For the prompt mode: strip code fences and surrounding prose when the JSON inside parses. */
export function cleanJsonText(text: string): string {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(trimmed);
  const candidate = fenced ? fenced[1]! : trimmed;
  try {
    JSON.parse(candidate);
    return candidate;
  } catch {
    const start = candidate.search(/[[{]/);
    const end = Math.max(candidate.lastIndexOf("}"), candidate.lastIndexOf("]"));
    if (start >= 0 && end > start) {
      const inner = candidate.slice(start, end + 1);
      try {
        JSON.parse(inner);
        return inner;
      } catch {
        // fall through: return what the model said
      }
    }
    return text;
  }
}
