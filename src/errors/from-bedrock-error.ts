// Bedrock exceptions → client-facing errors, in one place. Bedrock's own message is kept where it
// helps the user fix the request (validation, access, not found); internals are not exposed.
import { BedrockError } from "../bedrock/bedrock-error.ts";
import { GatewayError } from "./gateway-error.ts";

export function fromBedrockError(err: BedrockError): GatewayError {
  const m = err.message;
  switch (err.exception) {
    case "ValidationException":
      return new GatewayError({ status: 400, type: "invalid_request_error", code: "invalid_request", message: m, cause: err });
    case "ServiceQuotaExceededException":
      return new GatewayError({
        status: 429,
        type: "rate_limit_error",
        code: "service_quota_exceeded",
        message: m,
        shouldRetry: false,
        cause: err,
      });
    case "AccessDeniedException":
    case "UnauthorizedException":
      return new GatewayError({
        status: 403,
        type: "permission_error",
        code: "bedrock_access_denied",
        message: `Bedrock denied access: ${m}`,
        cause: err,
      });
    case "CredentialsError":
      return new GatewayError({
        status: 502,
        type: "server_error",
        code: "upstream_auth_failed",
        message: "The gateway has no usable AWS credentials for Bedrock. The operator must configure them.",
        shouldRetry: false,
        cause: err,
      });
    case "UnrecognizedClientException":
    case "InvalidSignatureException":
    case "IncompleteSignatureException":
    case "MissingAuthenticationTokenException":
    case "ExpiredTokenException":
      // The gateway's own AWS credentials were refused: not the client's fault, not retryable.
      return new GatewayError({
        status: 502,
        type: "server_error",
        code: "upstream_auth_failed",
        message: "Bedrock rejected the gateway's AWS credentials. The operator must fix the gateway's credentials.",
        shouldRetry: false,
        cause: err,
      });
    case "ResourceNotFoundException":
      return new GatewayError({ status: 404, type: "not_found_error", code: "model_not_found", param: "model", message: m, cause: err });
    case "ThrottlingException":
      return new GatewayError({
        status: 429,
        type: "rate_limit_error",
        code: "rate_limit_exceeded",
        message: `Bedrock is throttling requests: ${m}`,
        retryAfterSeconds: err.retryAfterSeconds ?? 1,
        shouldRetry: true,
        cause: err,
      });
    case "ModelNotReadyException":
      return new GatewayError({
        status: 429,
        type: "rate_limit_error",
        code: "model_not_ready",
        message: `The model is not ready yet: ${m}`,
        retryAfterSeconds: 5,
        shouldRetry: true,
        cause: err,
      });
    case "ModelTimeoutException":
    case "TimeoutError":
      return new GatewayError({
        status: 504,
        type: "timeout_error",
        code: "upstream_timeout",
        message: `The model did not answer in time: ${m}`,
        shouldRetry: true,
        cause: err,
      });
    case "ServiceUnavailableException":
    case "TransportError":
      return new GatewayError({
        status: 503,
        type: "service_unavailable_error",
        code: "upstream_unavailable",
        message: `Bedrock is unavailable: ${m}`,
        retryAfterSeconds: err.retryAfterSeconds ?? 2,
        shouldRetry: true,
        cause: err,
      });
    case "ModelErrorException":
    case "ModelStreamErrorException":
      return new GatewayError({
        status: 502,
        type: "server_error",
        code: "model_error",
        message: `The model failed to process the request: ${m}`,
        shouldRetry: true,
        cause: err,
      });
    case "InternalServerException":
      return new GatewayError({
        status: 502,
        type: "server_error",
        code: "upstream_error",
        message: "Bedrock had an internal error.",
        shouldRetry: true,
        cause: err,
      });
    default:
      return new GatewayError({
        status: 502,
        type: "server_error",
        code: "upstream_error",
        message: `Bedrock returned an unexpected error (${err.exception}).`,
        cause: err,
      });
  }
}

export { BedrockError };
