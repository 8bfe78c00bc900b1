// The Responses API objects this gateway returns (OpenAI's Response, its output items and usage),
// typed for what the mappers write. Validated against spec/openai-openapi.yaml in the tests.

export interface OutputTextPart {
  type: "output_text";
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

export interface MessageItem {
  type: "message";
  id: string;
  status: ItemStatus;
  role: "assistant";
  content: OutputTextPart[];
}

export interface SummaryTextPart {
  type: "summary_text";
  text: string;
}

export interface ReasoningTextPart {
  type: "reasoning_text";
  text: string;
}

export interface ReasoningItem {
  type: "reasoning";
  id: string;
  summary: SummaryTextPart[];
  content?: ReasoningTextPart[];
  /** Sealed signed reasoning (include: reasoning.encrypted_content; always kept in the store). */
  encrypted_content?: string | null;
  status?: ItemStatus;
}

export interface FunctionCallItem {
  type: "function_call";
  id: string;
  call_id: string;
  name: string;
  /** Set when the function came from a namespace tool (the name is then the name inside it). */
  namespace?: string;
  arguments: string;
  status: ItemStatus;
}

export type OutputItem = MessageItem | ReasoningItem | FunctionCallItem;
export type ItemStatus = "in_progress" | "completed" | "incomplete";

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = "completed" | "incomplete" | "failed" | "in_progress";

export interface ResponseObject {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  completed_at: number | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: OutputItem[];
  output_text: string;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  service_tier: string | null;
  store: boolean;
  temperature: number | null;
  text: { format: Record<string, unknown> };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: "disabled" | "auto";
  /** Absent until Bedrock reports it (the spec has no null here). */
  usage?: ResponseUsage;
  user?: string;
  metadata: Record<string, string>;
  background: boolean;
  prompt_cache_key?: string | null;
  /** Bedrock-only results (guardrail trace, additional response fields), as on Chat Completions. */
  bedrock?: unknown;
}

/** What the stream and the final object share: everything but the output and the outcome. */
export type ResponseShell = Omit<
  ResponseObject,
  "status" | "completed_at" | "error" | "incomplete_details" | "output" | "output_text" | "usage"
>;
