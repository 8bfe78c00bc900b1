// What served a model call → the response headers and the request's log fields (and so its usage
// record: region and target, priced at the serving region). Handed to the runtime as
// SendOptions.onServed by every endpoint that calls a model.
import type { Context } from "hono";
import type { ServedBy } from "../bedrock/transport/bedrock-http.ts";
import type { AppEnv } from "./app-env.ts";

export function reportServed(c: Context<AppEnv>, onFallback?: (s: ServedBy) => void): (s: ServedBy) => void {
  const log = c.get("log");
  return (s) => {
    // Several calls per request (n > 1, embedding batches): the first one names the target.
    if (log.target !== undefined) return;
    log.target = s.target;
    log.region = s.region;
    log.bedrockModel = s.modelId;
    c.header("x-bedrock-gateway-region", s.region);
    c.header("x-bedrock-gateway-target", s.target);
    if (s.fallbackFrom) {
      log.fallbackFrom = s.fallbackFrom;
      if (s.baseModelId) log.baseModelId = s.baseModelId;
      onFallback?.(s);
    }
  };
}
