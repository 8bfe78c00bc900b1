// GatewayError → Anthropic's error shape {type: "error", error: {type, message}}. Bedrock
// throttling stays 429 rate_limit_error; Bedrock being unavailable is 529 overloaded_error,
// which the Anthropic SDKs and Claude Code retry like Anthropic's own overload answers.
import type { GatewayError } from "../errors/gateway-error.ts";

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

export function toAnthropicError(
  err: GatewayError,
  requestId: string,
): { status: number; body: { type: "error"; error: { type: AnthropicErrorType; message: string }; request_id: string } } {
  let type: AnthropicErrorType;
  let status = err.status;
  if (err.status === 401) type = "authentication_error";
  else if (err.status === 403) type = "permission_error";
  else if (err.status === 404) type = "not_found_error";
  else if (err.status === 413) type = "request_too_large";
  else if (err.status === 429) type = "rate_limit_error";
  else if (err.status === 503) {
    type = "overloaded_error";
    status = 529;
  } else if (err.status >= 500) type = "api_error";
  else type = "invalid_request_error";
  return { status, body: { type: "error", error: { type, message: err.message }, request_id: requestId } };
}
