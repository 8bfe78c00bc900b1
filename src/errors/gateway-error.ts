// The one error catalog. Every failure the gateway reports is a GatewayError built by one of the
// factories below, so status, OpenAI `type` and `code` stay consistent across endpoints. The
// renderers (OpenAI shape here, Anthropic shape in its own front door) only format it.

export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "insufficient_quota"
  | "server_error"
  | "service_unavailable_error"
  | "timeout_error";

export interface GatewayErrorInit {
  status: number;
  type: ErrorType;
  message: string;
  code?: string | null;
  param?: string | null;
  /** Seconds the client should wait before retrying (429 / 503). */
  retryAfterSeconds?: number;
  /** Whether a retry may succeed; sent as `x-should-retry` (honoured by the OpenAI SDKs). */
  shouldRetry?: boolean;
  /** Extra response headers (e.g. Allow on 405). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class GatewayError extends Error {
  override name = "GatewayError";
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryAfterSeconds: number | undefined;
  readonly shouldRetry: boolean | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(init: GatewayErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.type = init.type;
    this.code = init.code ?? null;
    this.param = init.param ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.shouldRetry = init.shouldRetry;
    this.headers = init.headers;
  }
}

export const errors = {
  invalidRequest: (message: string, param: string | null = null, code: string | null = "invalid_value") =>
    new GatewayError({ status: 400, type: "invalid_request_error", message, param, code }),
  invalidJson: (detail: string) =>
    new GatewayError({
      status: 400,
      type: "invalid_request_error",
      code: "invalid_json",
      message: `We could not parse the JSON body of your request: ${detail}`,
    }),
  jsonTooDeep: (param: string, limit: number, inSchema: boolean) =>
    new GatewayError({
      status: 400,
      type: "invalid_request_error",
      code: "json_too_deep",
      param: param || null,
      message: inSchema
        ? `The JSON Schema at '${param}' nests deeper than ${limit} levels, the most this gateway accepts inside a schema.`
        : `The request body nests deeper than ${limit} levels${param ? ` (at '${param}')` : ""}, the most this gateway accepts.`,
    }),
  unsupportedMediaType: (contentType: string) =>
    new GatewayError({
      status: 415,
      type: "invalid_request_error",
      code: "unsupported_media_type",
      message: `Unsupported Content-Type "${contentType}". Send the body as JSON with Content-Type: application/json.`,
    }),
  bodyTooLarge: (limitBytes: number) =>
    new GatewayError({
      status: 413,
      type: "invalid_request_error",
      code: "request_too_large",
      message: `The request body exceeds the limit of ${limitBytes} bytes.`,
    }),
  missingApiKey: () =>
    new GatewayError({
      status: 401,
      type: "authentication_error",
      code: "missing_api_key",
      message: "You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY' (or in the x-api-key header).",
    }),
  /** `reason` (revoked, disabled, expired) never repeats any part of the presented key. */
  invalidApiKey: (reason?: string) =>
    new GatewayError({
      status: 401,
      type: "authentication_error",
      code: "invalid_api_key",
      message: reason ?? "Incorrect API key provided.",
    }),
  permissionDenied: (message: string, param: string | null = null) =>
    new GatewayError({ status: 403, type: "permission_error", code: "permission_denied", message, param }),
  modelNotAllowed: (model: string, calledModel?: string) =>
    new GatewayError({
      status: 403,
      type: "permission_error",
      code: "permission_denied",
      param: "model",
      message:
        calledModel && calledModel !== model
          ? `This API key is not allowed to use the model '${model}' (which calls '${calledModel}').`
          : `This API key is not allowed to use the model '${model}'.`,
    }),
  adminDisabled: () =>
    new GatewayError({
      status: 403,
      type: "permission_error",
      code: "admin_api_disabled",
      message: "The admin API is disabled. Set ADMIN_API_KEY on the gateway to enable it.",
    }),
  /** The operator console (/console) without a valid login session. */
  consoleSessionRequired: () =>
    new GatewayError({
      status: 401,
      type: "authentication_error",
      code: "console_session_required",
      message: "Log in to the console first (/console/login).",
    }),
  /** A console state change without its CSRF token, or sent from another site. */
  consoleForbidden: (why: string) =>
    new GatewayError({
      status: 403,
      type: "permission_error",
      code: "csrf_check_failed",
      message: `Refused: ${why}. Reload the console page and try again.`,
    }),
  keyNotFound: (id: string) =>
    new GatewayError({
      status: 404,
      type: "invalid_request_error",
      code: "key_not_found",
      param: "id",
      message: `No API key with id '${id}'.`,
    }),
  /** 429 for an exhausted RPM or TPM limit; `headers` carries the x-ratelimit-* set. */
  rateLimited: (what: "requests" | "tokens", limit: number, retryAfterSeconds: number, headers: Record<string, string>) =>
    new GatewayError({
      status: 429,
      type: "rate_limit_error",
      code: "rate_limit_exceeded",
      retryAfterSeconds,
      shouldRetry: true,
      headers,
      message:
        `Rate limit reached for this API key on ${what} per minute (${what === "requests" ? "RPM" : "TPM"}): limit ${limit}. ` +
        `Please try again in ${formatSeconds(retryAfterSeconds)}.`,
    }),
  /** 429 for a request whose estimated prompt alone exceeds the key's TPM: waiting cannot help. */
  requestTooLargeForLimit: (estimatedTokens: number, limit: number, headers: Record<string, string>) =>
    new GatewayError({
      status: 429,
      type: "rate_limit_error",
      code: "rate_limit_exceeded",
      shouldRetry: false,
      headers,
      message: `Request too large for this API key: about ${estimatedTokens} input tokens, but the limit is ${limit} tokens per minute (TPM).`,
    }),
  /** 429 once a key's budget for the period is spent; a retry cannot succeed before `resetsAt`. */
  budgetExceeded: (
    usd: number,
    period: "day" | "month",
    resetsAt: number,
    retryAfterSeconds: number,
    headers: Record<string, string> = {},
  ) =>
    new GatewayError({
      status: 429,
      type: "insufficient_quota",
      code: "insufficient_quota",
      retryAfterSeconds,
      shouldRetry: false,
      headers,
      message: `You exceeded the budget of this API key (${usd} USD per ${period}). It resets at ${new Date(resetsAt).toISOString()}.`,
    }),
  rateLimiterUnavailable: () =>
    new GatewayError({
      status: 503,
      type: "service_unavailable_error",
      code: "rate_limiter_unavailable",
      shouldRetry: true,
      retryAfterSeconds: 1,
      message: "The gateway cannot check rate limits right now. Try again shortly.",
    }),
  storeUnavailable: () =>
    new GatewayError({
      status: 503,
      type: "service_unavailable_error",
      code: "store_unavailable",
      shouldRetry: true,
      retryAfterSeconds: 1,
      message: "The gateway cannot reach its database right now. Try again shortly.",
    }),
  unknownRoute: (method: string, path: string) =>
    new GatewayError({
      status: 404,
      type: "invalid_request_error",
      code: "unknown_url",
      message: `Invalid URL (${method} ${path})`,
    }),
  methodNotAllowed: (method: string, path: string, allowed: string[]) =>
    new GatewayError({
      status: 405,
      type: "invalid_request_error",
      code: "method_not_allowed",
      message: `Method ${method} is not allowed for ${path}. Allowed: ${allowed.join(", ")}.`,
      headers: { allow: allowed.join(", ") },
    }),
  modelNotFound: (model: string, param: string | null = "model") =>
    new GatewayError({
      status: 404,
      type: "invalid_request_error",
      code: "model_not_found",
      param,
      message: `The model '${model}' does not exist or you do not have access to it.`,
    }),
  /** A stored Response that does not exist, expired, or belongs to another API key (never told apart). */
  responseNotFound: (id: string, param: string | null = null) =>
    new GatewayError({
      status: 404,
      type: "invalid_request_error",
      code: param === "previous_response_id" ? "previous_response_not_found" : "response_not_found",
      param,
      message: param === "previous_response_id" ? `Previous response with id '${id}' not found.` : `Response with id '${id}' not found.`,
    }),
  /** Reasoning encrypted_content that this gateway cannot open: altered, foreign, or sealed with a retired key. */
  invalidEncryptedContent: (param: string) =>
    new GatewayError({
      status: 400,
      type: "invalid_request_error",
      code: "invalid_encrypted_content",
      param,
      message:
        "The encrypted content could not be verified: it was altered, or it was not produced by this gateway with its current keys. Send the reasoning item exactly as it was returned, or leave it out.",
    }),
  /** A model of the right kind that this endpoint has no request mapping for. */
  modelNotSupported: (model: string, detail: string) =>
    new GatewayError({
      status: 400,
      type: "invalid_request_error",
      code: "model_not_supported",
      param: "model",
      message: `The model '${model}' is not supported here: ${detail}`,
    }),
  /** The model refused the prompt or filtered its output (OpenAI's code for the same case). */
  contentPolicyViolation: (detail: string, param: string | null = "prompt") =>
    new GatewayError({
      status: 400,
      type: "invalid_request_error",
      code: "content_policy_violation",
      param,
      message: `Your request was rejected by the model's safety system: ${detail}`,
    }),
  /** Bedrock answered 200 with a body that does not have the model's documented shape. */
  upstreamInvalidResponse: (detail: string) =>
    new GatewayError({
      status: 502,
      type: "server_error",
      code: "upstream_invalid_response",
      shouldRetry: false,
      message: `Bedrock returned a response the gateway could not read: ${detail}`,
    }),
  authUnavailable: () =>
    new GatewayError({
      status: 503,
      type: "service_unavailable_error",
      code: "auth_unavailable",
      shouldRetry: true,
      retryAfterSeconds: 2,
      message: "The gateway has not been able to load its API key yet. Try again shortly.",
    }),
  /** The hosting platform's own time limit (the Lambda function timeout) is about to end the request. */
  deadlineReached: () =>
    new GatewayError({
      status: 504,
      type: "timeout_error",
      code: "gateway_deadline",
      shouldRetry: false,
      message:
        "The request reached the gateway's time limit (its AWS Lambda function timeout) before it completed. " +
        "Ask for less output, or use a deployment with a longer limit.",
    }),
  /** Files and Batch APIs need a setting the operator has not made (BATCH_S3_BUCKET, BATCH_ROLE_ARN, a database). */
  batchNotConfigured: (setting: string, what: string) =>
    new GatewayError({
      status: 400,
      type: "invalid_request_error",
      code: "batch_not_configured",
      message: `${what} is not available on this gateway: ${setting} is not set. Ask its operator to configure it (docs/batch.md).`,
    }),
  /** A line of a batch input file that cannot run; `line` is 1-based, as editors count. */
  invalidBatchLine: (line: number, detail: string, code = "invalid_batch_line") =>
    new GatewayError({ status: 400, type: "invalid_request_error", code, param: `line ${line}`, message: `Line ${line}: ${detail}` }),
  /** A file or batch that does not exist or belongs to another API key (never told apart). */
  fileNotFound: (id: string) =>
    new GatewayError({
      status: 404,
      type: "invalid_request_error",
      code: "file_not_found",
      param: "file_id",
      message: `No such File object: ${id}`,
    }),
  batchNotFound: (id: string) =>
    new GatewayError({
      status: 404,
      type: "invalid_request_error",
      code: "batch_not_found",
      param: "batch_id",
      message: `No such Batch object: ${id}`,
    }),
  batchNotCancellable: (id: string, status: string) =>
    new GatewayError({
      status: 409,
      type: "invalid_request_error",
      code: "batch_not_cancellable",
      message: `Batch ${id} cannot be cancelled: it is ${status}.`,
    }),
  /** The object store (S3) refused or could not be reached. */
  objectStoreFailed: (detail: string) =>
    new GatewayError({
      status: 502,
      type: "server_error",
      code: "object_store_error",
      shouldRetry: true,
      message: `The gateway could not use its S3 bucket: ${detail}`,
    }),
  /** The server is shutting down and its drain deadline ended a stream that was still open. */
  shuttingDown: () =>
    new GatewayError({
      status: 503,
      type: "service_unavailable_error",
      code: "server_shutting_down",
      shouldRetry: true,
      retryAfterSeconds: 1,
      message: "The gateway is shutting down and ended this stream before the model finished. Retry the request.",
    }),
  internal: (requestId: string, cause?: unknown) =>
    new GatewayError({
      status: 500,
      type: "server_error",
      code: "internal_error",
      cause,
      message: `The gateway had an unexpected error while processing your request (request id ${requestId}).`,
    }),
} as const;

function formatSeconds(s: number): string {
  return s < 1 ? `${Math.max(1, Math.round(s * 1000))}ms` : `${Math.ceil(s)}s`;
}

/** The OpenAI error body. */
export function toOpenAIErrorBody(err: GatewayError) {
  return { error: { message: err.message, type: err.type, param: err.param, code: err.code } };
}

/** Headers that accompany an error response (retry hints). */
export function errorHeaders(err: GatewayError): Record<string, string> {
  const h: Record<string, string> = { ...err.headers };
  if (err.retryAfterSeconds !== undefined) {
    h["retry-after"] = String(Math.max(1, Math.ceil(err.retryAfterSeconds)));
    h["retry-after-ms"] = String(Math.round(err.retryAfterSeconds * 1000));
  }
  if (err.shouldRetry !== undefined) h["x-should-retry"] = String(err.shouldRetry);
  return h;
}
