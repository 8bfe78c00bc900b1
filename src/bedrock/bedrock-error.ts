// An error reported by Bedrock (HTTP restJson1 error or an exception frame inside a stream),
// or a transport failure on the way to it. Mapping to client-facing errors lives in
// src/errors/from-bedrock-error.ts.

/** Exception names as Bedrock's Smithy models spell them. */
export type BedrockErrorName =
  | "ValidationException"
  | "AccessDeniedException"
  | "ResourceNotFoundException"
  | "ThrottlingException"
  | "ServiceQuotaExceededException"
  | "ModelNotReadyException"
  | "ModelTimeoutException"
  | "ModelErrorException"
  | "ModelStreamErrorException"
  | "InternalServerException"
  | "ServiceUnavailableException"
  | "ConflictException"
  | "UnauthorizedException"
  | "TransportError"
  | "TimeoutError"
  | "CredentialsError"
  | (string & {});

export class BedrockError extends Error {
  override name = "BedrockError";
  readonly exception: BedrockErrorName;
  readonly status: number;
  readonly requestId: string | undefined;
  /** True when Bedrock sent this inside a stream that had already started. */
  readonly midStream: boolean;
  /** When the gateway knows better than the default when a retry can succeed (circuit breakers). */
  retryAfterSeconds: number | undefined;

  constructor(
    exception: BedrockErrorName,
    message: string,
    status: number,
    requestId?: string,
    midStream = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.exception = exception;
    this.status = status;
    this.requestId = requestId;
    this.midStream = midStream;
  }
}

/** Bedrock's status per exception (Smithy model), used for exception frames that carry no status. */
const STATUS_BY_EXCEPTION: Record<string, number> = {
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ModelTimeoutException: 408,
  ConflictException: 409,
  ModelErrorException: 424,
  ModelStreamErrorException: 424,
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  ServiceQuotaExceededException: 400,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
};

/** The exception an OpenAI-shaped error body stands for, by HTTP status. */
const EXCEPTION_BY_STATUS: Record<number, string> = {
  400: "ValidationException",
  401: "UnrecognizedClientException",
  403: "AccessDeniedException",
  404: "ResourceNotFoundException",
  408: "ModelTimeoutException",
  424: "ModelErrorException",
  429: "ThrottlingException",
  500: "InternalServerException",
  503: "ServiceUnavailableException",
};

export function statusForException(name: string): number {
  return STATUS_BY_EXCEPTION[name] ?? 500;
}

/** `throttlingException` (stream frames) and `ThrottlingException:http://…` (header) → `ThrottlingException`. */
export function normaliseExceptionName(raw: string): string {
  const base = raw.split(":")[0]!.split("#").pop()!.trim();
  return base.charAt(0).toUpperCase() + base.slice(1);
}

/** Build a BedrockError from a non-2xx restJson1 response. */
export function errorFromHttpResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  bodyText: string,
): BedrockError {
  const header = headers["x-amzn-errortype"];
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
  } catch {
    // Non-JSON error bodies (proxies, load balancers) keep their text as the message.
  }
  // Bedrock's OpenAI-compatible endpoints answer in OpenAI's shape ({"error":{"message",...}})
  // with Bedrock's statuses: the status names the exception.
  const openaiError = body.error && typeof body.error === "object" ? (body.error as Record<string, unknown>) : undefined;
  const rawName =
    (typeof header === "string" && header) ||
    (typeof body.__type === "string" && body.__type) ||
    (typeof body.code === "string" && body.code) ||
    (openaiError ? (EXCEPTION_BY_STATUS[status] ?? "") : "");
  const name = rawName ? normaliseExceptionName(rawName) : status === 429 ? "ThrottlingException" : `Http${status}`;
  const message =
    (openaiError && typeof openaiError.message === "string" && openaiError.message) ||
    (typeof body.message === "string" && body.message) ||
    (typeof body.Message === "string" && body.Message) ||
    bodyText.slice(0, 500) ||
    `Bedrock answered HTTP ${status}`;
  const requestId = headers["x-amzn-requestid"];
  return new BedrockError(name, message, status, typeof requestId === "string" ? requestId : undefined);
}

/** Exceptions worth retrying before any output was sent. */
export function isRetryable(err: BedrockError): boolean {
  return (
    err.exception === "ThrottlingException" ||
    err.exception === "ModelNotReadyException" ||
    err.exception === "ServiceUnavailableException" ||
    err.exception === "TransportError"
  );
}
