// Pure: the Response object. The shell (what the request asked for) is known before Bedrock
// answers and goes out in response.created; the outcome (output, status, usage) completes it.
import type { PreparedResponseTools } from "./prepare-response-tools.ts";
import type { ResponsesRequest } from "./request-schema.ts";
import type { OutputItem, ResponseObject, ResponseShell, ResponseStatus, ResponseUsage } from "./response-types.ts";
import type { IncompleteReason } from "./map-status.ts";

export interface ShellInfo {
  id: string;
  createdAt: number;
  /** The model as the client named it. */
  model: string;
  tools: PreparedResponseTools;
  store: boolean;
}

export function responseShell(req: ResponsesRequest, info: ShellInfo): ResponseShell {
  const format = req.text?.format ?? { type: "text" };
  return {
    id: info.id,
    object: "response",
    created_at: info.createdAt,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    model: info.model,
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: req.previous_response_id ?? null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: req.reasoning?.summary ?? req.reasoning?.generate_summary ?? null },
    service_tier: req.service_tier ?? "auto",
    store: info.store,
    temperature: req.temperature ?? 1,
    text: { format: format, ...(req.text?.verbosity ? { verbosity: req.text.verbosity } : {}) },
    tool_choice: req.tool_choice ?? "auto",
    tools: info.tools.echo,
    top_p: req.top_p ?? 1,
    truncation: req.truncation ?? "disabled",
    ...(req.user ? { user: req.user } : {}),
    metadata: req.metadata ?? {},
    background: false,
    ...(req.prompt_cache_key ? { prompt_cache_key: req.prompt_cache_key } : {}),
  };
}

/** All output_text of the message items, concatenated (the SDKs' `output_text` convenience). */
export function outputText(output: OutputItem[]): string {
  return output.flatMap((i) => (i.type === "message" ? i.content.map((p) => p.text) : [])).join("");
}

export interface Outcome {
  output: OutputItem[];
  status: ResponseStatus;
  incomplete?: IncompleteReason;
  error?: { code: string; message: string };
  usage?: ResponseUsage;
  /** The service tier Bedrock used, when it said. */
  serviceTier?: string;
  bedrock?: unknown;
}

export function inProgressResponse(shell: ResponseShell): ResponseObject {
  return { ...shell, status: "in_progress", completed_at: null, error: null, incomplete_details: null, output: [], output_text: "" };
}

export function finalResponse(shell: ResponseShell, o: Outcome, now = Date.now()): ResponseObject {
  return {
    ...shell,
    status: o.status,
    completed_at: o.status === "completed" ? Math.floor(now / 1000) : null,
    error: o.error ?? null,
    incomplete_details: o.incomplete ? { reason: o.incomplete } : null,
    output: o.output,
    output_text: outputText(o.output),
    ...(o.usage ? { usage: o.usage } : {}),
    ...(o.serviceTier ? { service_tier: o.serviceTier } : {}),
    ...(o.bedrock ? { bedrock: o.bedrock } : {}),
  };
}
