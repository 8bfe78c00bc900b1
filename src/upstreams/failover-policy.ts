// Pure: what an upstream error means for routing. Throttling, unavailability, 5xx, timeouts and
// connection failures are the target's problem: they count against its breaker and the call
// moves on. Access denied / not found are about this target's account or region (model access
// not granted there, profile missing): the call moves on when another target serves the model,
// without blaming the target's health. Everything else (validation, quota-exceeded, model errors)
// would fail the same way anywhere and goes back to the client as it is.
import type { BedrockError } from "../bedrock/bedrock-error.ts";

export type FailoverVerdict =
  /** Count against the breaker and try the next target. */
  | "target-failure"
  /** Try the next target; the target's health is not in question. */
  | "not-here"
  /** Give the error to the client. */
  | "final";

const TARGET_FAILURES = new Set([
  "ThrottlingException",
  "ServiceUnavailableException",
  "ModelNotReadyException",
  "InternalServerException",
  "TransportError",
  "TimeoutError",
  // This target's credentials could not be loaded or were refused (an expired role session, say).
  "CredentialsError",
  "UnrecognizedClientException",
  "ExpiredTokenException",
  "InvalidSignatureException",
]);

const NOT_HERE = new Set(["AccessDeniedException", "ResourceNotFoundException"]);

export function classifyUpstreamError(err: BedrockError): FailoverVerdict {
  if (TARGET_FAILURES.has(err.exception)) return "target-failure";
  if (NOT_HERE.has(err.exception)) return "not-here";
  // An unmodelled 5xx (a proxy or VPC endpoint answering 502/504) is the target's failure too.
  if (err.status >= 500 && err.exception !== "ModelErrorException" && err.exception !== "ModelStreamErrorException")
    return "target-failure";
  return "final";
}
