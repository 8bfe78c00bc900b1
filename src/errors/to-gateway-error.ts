// Anything thrown while handling a request → a GatewayError. Unknown errors become a 500 that
// names only the request id; the details go to the log, never to the client.
import { HTTPException } from "hono/http-exception";
import { BedrockError } from "../bedrock/bedrock-error.ts";
import { fromBedrockError } from "./from-bedrock-error.ts";
import { errors, GatewayError } from "./gateway-error.ts";

export function toGatewayError(err: unknown, requestId: string): { error: GatewayError; unexpected: boolean } {
  if (err instanceof GatewayError) return { error: err, unexpected: false };
  if (err instanceof BedrockError) return { error: fromBedrockError(err), unexpected: false };
  if (err instanceof HTTPException && err.status < 500) {
    return {
      error: new GatewayError({ status: err.status, type: "invalid_request_error", message: err.message || "Bad request" }),
      unexpected: false,
    };
  }
  return { error: errors.internal(requestId, err), unexpected: true };
}
