// The Chat Completions objects this gateway returns (the subset of OpenAI's schema it fills).
import type { FinishReason } from "../converse/map-finish-reason.ts";
import type { OpenAIUsage } from "./chat-usage.ts";

export interface ToolCallOut {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface ChatMessageOut {
  role: "assistant";
  content: string | null;
  refusal: null;
  tool_calls?: ToolCallOut[];
  reasoning_content?: string;
  /** Signed thinking blocks, for clients that replay them (issue: reasoning with tools). */
  thinking_blocks?: ThinkingBlockOut[];
  /** Web citations as OpenAI url_citation annotations. */
  annotations?: unknown[];
  /** Bedrock document citations, raw: they do not fit OpenAI's url_citation annotations. */
  citations?: unknown[];
}

export type ThinkingBlockOut = { type: "thinking"; thinking: string; signature: string } | { type: "redacted_thinking"; data: string };

export interface ChatChoiceOut {
  index: number;
  message: ChatMessageOut;
  finish_reason: FinishReason;
  logprobs: null;
}

export interface ChatCompletionOut {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  system_fingerprint: string;
  service_tier?: string;
  choices: ChatChoiceOut[];
  usage: OpenAIUsage;
  [extra: string]: unknown;
}

export interface ChunkToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments: string };
}

export interface ChunkDelta {
  role?: "assistant";
  content?: string;
  refusal?: null;
  reasoning_content?: string;
  tool_calls?: ChunkToolCallDelta[];
  thinking_blocks?: ThinkingBlockOut[];
}

export interface ChunkChoice {
  index: number;
  delta: ChunkDelta;
  finish_reason: FinishReason | null;
  logprobs: null;
}

export interface ChatCompletionChunkOut {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  system_fingerprint: string;
  service_tier?: string;
  choices: ChunkChoice[];
  usage?: OpenAIUsage | null;
  [extra: string]: unknown;
}

export type ReasoningOutput = "reasoning_content" | "think-tags" | "omit";

export const SYSTEM_FINGERPRINT = "bedrock-gateway";
