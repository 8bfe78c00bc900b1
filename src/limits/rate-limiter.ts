// The limiter contract: in-process (memory-limiter.ts) or shared through Redis (redis-limiter.ts).
import type { Decision, Limits } from "./token-bucket.ts";

export interface RateLimiter {
  readonly kind: "memory" | "redis";
  /** Atomically take one request and `tokens` estimated tokens, or refuse. */
  take(keyId: string, limits: Limits, tokens: number): Promise<Decision>;
  /** Reconcile an estimate with real usage: positive `delta` charges more, negative refunds. */
  adjust(keyId: string, limits: Limits, delta: number): Promise<void>;
  /** The current state without taking anything (headers on responses that take nothing). */
  peek(keyId: string, limits: Limits): Promise<Decision>;
  close(): Promise<void>;
}
