// Verifies the key a client presents. The key comes from API_KEY, or from Secrets Manager / SSM
// and is then re-read periodically so a rotation takes effect without a restart. Comparison is
// constant-time over SHA-256 digests (equal length whatever the input).
import { createHash, timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import type { KeyPolicy } from "../keys/key-policy.ts";
import type { KeyLoader } from "./secret-loaders.ts";

export interface Principal {
  /** Stable, non-secret identifier for logs and usage records. */
  keyId: string;
  /** Store keys: the key's name (for logs and metrics). */
  name?: string;
  /** Store keys: allowed models, limits and budget. Absent = unrestricted (the static key). */
  policy?: KeyPolicy;
}

export type VerifyResult =
  | { ok: true; principal: Principal }
  /** `message` says why a known key is refused (revoked, disabled, expired). */
  | { ok: false; reason: "invalid"; message?: string }
  | { ok: false; reason: "unavailable" | "store-unavailable" };

export interface ApiKeyVerifier {
  /** Synchronous for the static key; store keys may need one (cached) database lookup. */
  verify(presented: string): VerifyResult | Promise<VerifyResult>;
  /**
   * Resolves once the first load of the key has finished (loaded or failed), or after `timeoutMs`.
   * A request that arrives before then (a Lambda cold start, a container just started) waits here
   * instead of being refused with 503.
   */
  ready(timeoutMs: number): Promise<void>;
  start(): Promise<void>;
  stop(): void;
  /** Drop what is cached about a store key (after a rotation, revocation or change on this instance). */
  forget?(keyId: string): void;
}

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

export function constantTimeEquals(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The key id of the configured key (API_KEY, or the one from Secrets Manager / SSM) in logs,
 * usage records and metrics. Never derived from the secret: a hash prefix would be an offline
 * oracle for guessing a weak key. */
export const STATIC_KEY_ID = "static";

/** A fixed key (API_KEY). */
export function staticKeyVerifier(key: string): ApiKeyVerifier {
  const expected = digest(key);
  const principal = { keyId: STATIC_KEY_ID };
  return {
    verify: (presented) => (timingSafeEqual(digest(presented), expected) ? { ok: true, principal } : { ok: false, reason: "invalid" }),
    ready: async () => {},
    start: async () => {},
    stop: () => {},
  };
}

/** A key loaded from a secret store and re-read every `refreshMs`. */
export function refreshingKeyVerifier(load: KeyLoader, refreshMs: number, log: Logger, source: string): ApiKeyVerifier {
  let expected: Buffer | undefined;
  let principal: Principal | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let stopped = false;
  let firstAttemptDone!: () => void;
  const firstAttempt = new Promise<void>((resolve) => (firstAttemptDone = resolve));

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => void reload(), ms);
    timer.unref();
  };

  const reload = async () => {
    try {
      const key = await load();
      const next = digest(key);
      const changed = expected !== undefined && !timingSafeEqual(expected, next);
      expected = next;
      principal = { keyId: STATIC_KEY_ID };
      failures = 0;
      if (changed) log.info({ source }, "API key rotated");
      schedule(refreshMs);
    } catch (err) {
      failures++;
      // Keep serving with the last good key; retry sooner than the normal period.
      const retry = Math.min(refreshMs, 1000 * 2 ** Math.min(failures, 8));
      log.error({ source, err: (err as Error).message, retryInMs: retry }, "could not load the API key");
      schedule(retry);
    } finally {
      firstAttemptDone();
    }
  };

  return {
    verify(presented) {
      if (!expected || !principal) return { ok: false, reason: "unavailable" };
      return timingSafeEqual(digest(presented), expected) ? { ok: true, principal } : { ok: false, reason: "invalid" };
    },
    async ready(timeoutMs) {
      if (expected || timeoutMs <= 0) return;
      let t: NodeJS.Timeout | undefined;
      await Promise.race([firstAttempt, new Promise<void>((r) => (t = setTimeout(r, timeoutMs)))]);
      clearTimeout(t);
    },
    start: () => reload(),
    stop() {
      stopped = true;
      firstAttemptDone();
      if (timer) clearTimeout(timer);
    },
  };
}
