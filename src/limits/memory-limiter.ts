// In-process rate limiting: exact for one gateway process. Buckets that have refilled completely
// carry no information and are swept, so memory stays proportional to the keys in active use.
import type { RateLimiter } from "./rate-limiter.ts";
import { adjust, decide, msUntilFull, refill, take } from "./token-bucket.ts";
import type { BucketState, Limits } from "./token-bucket.ts";

const SWEEP_ABOVE = 10_000;

export function memoryLimiter(now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { state: BucketState; limits: Limits }>();
  const sweep = () => {
    if (buckets.size <= SWEEP_ABOVE) return;
    const t = now();
    for (const [k, b] of buckets) if (msUntilFull(refill(b.state, b.limits, t), b.limits) === 0) buckets.delete(k);
  };
  return {
    kind: "memory",
    async take(keyId, limits, tokens) {
      const r = take(buckets.get(keyId)?.state, limits, tokens, now());
      buckets.set(keyId, { state: r.state, limits });
      sweep();
      return r.decision;
    },
    async adjust(keyId, limits, delta) {
      buckets.set(keyId, { state: adjust(buckets.get(keyId)?.state, limits, delta, now()), limits });
    },
    async peek(keyId, limits) {
      return decide(refill(buckets.get(keyId)?.state, limits, now()), limits, true, 0);
    },
    async close() {
      buckets.clear();
    },
  };
}
