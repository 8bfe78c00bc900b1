// The parts of OpenAI's wire objects the native upstream reads or writes. Tolerant on purpose:
// upstream answers are passed on, so only the fields used here are typed (unknown ones survive).

export type Json = Record<string, unknown>;

export interface ChatMessageIn {
  role: string;
  content?: unknown;
  name?: string;
  tool_calls?: { id: string; type?: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
  [k: string]: unknown;
}

export interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

export interface ResponsesUsage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  input_tokens_details?: { cached_tokens?: number } | null;
  output_tokens_details?: { reasoning_tokens?: number } | null;
}

export interface ResponseOutputItem {
  type: string;
  id?: string;
  role?: string;
  content?: { type: string; text?: string; refusal?: string }[];
  summary?: { type: string; text: string }[];
  call_id?: string;
  name?: string;
  arguments?: string;
  [k: string]: unknown;
}

export interface ResponseObjectIn {
  id: string;
  object?: string;
  created_at?: number;
  status?: string;
  model?: string;
  output?: ResponseOutputItem[];
  usage?: ResponsesUsage | null;
  incomplete_details?: { reason?: string } | null;
  error?: { code?: string; message?: string } | null;
  [k: string]: unknown;
}
