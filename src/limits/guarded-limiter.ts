// What happens when the shared limiter (Redis) cannot answer: RATE_LIMIT_FAIL_MODE=open admits
// the request without limits, closed answers 503. Either way it is logged — once when the outage
// starts and once when it ends, not per request.
import type { Logger } from "pino";
import { errors } from "../errors/gateway-error.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import type { Decision, Limits } from "./token-bucket.ts";

export interface GuardedLimiter {
  /** undefined: the limiter is down and the fail mode is open (admit, no headers). Throws 503 when closed. */
  take(keyId: string, limits: Limits, tokens: number): Promise<Decision | undefined>;
  peek(keyId: string, limits: Limits): Promise<Decision | undefined>;
  adjust(keyId: string, limits: Limits, delta: number): void;
}

export function guardLimiter(limiter: RateLimiter, failMode: "open" | "closed", log: Logger): GuardedLimiter {
  let down = false;
  const failed = (err: unknown) => {
    if (!down) {
      down = true;
      log.error({ err: (err as Error).message, limiter: limiter.kind, failMode }, `rate limiter unavailable: failing ${failMode}`);
    }
  };
  const ok = () => {
    if (down) {
      down = false;
      log.info({ limiter: limiter.kind }, "rate limiter available again");
    }
  };
  return {
    async take(keyId, limits, tokens) {
      try {
        const d = await limiter.take(keyId, limits, tokens);
        ok();
        return d;
      } catch (err) {
        failed(err);
        if (failMode === "closed") throw errors.rateLimiterUnavailable();
        return undefined;
      }
    },
    async peek(keyId, limits) {
      try {
        const d = await limiter.peek(keyId, limits);
        ok();
        return d;
      } catch (err) {
        failed(err);
        return undefined;
      }
    },
    adjust(keyId, limits, delta) {
      limiter.adjust(keyId, limits, delta).then(ok, failed);
    },
  };
}
