// Verifies `sk-bgw-…` keys against the store, and hands every other key to the static verifier
// (API_KEY / Secrets Manager / SSM), which stays an unrestricted key. Each replica caches what it
// read for KEY_CACHE_TTL, so a request costs a hash and a Map lookup, and a revocation or a limit
// change made anywhere reaches every replica within that time. The cache is bounded (LRU) and
// also remembers unknown ids, so made-up keys cannot make every request a database query.
// Changes made through this instance (rotate, revoke, update) call forget(id), so they apply here
// at once; other instances see them within KEY_CACHE_TTL.
import type { Logger } from "pino";
import type { ApiKeyVerifier, Principal, VerifyResult } from "../auth/api-key-verifier.ts";
import type { KeyRecord, Store } from "../store/store.ts";
import { keyUnusableReason, policyOf } from "./key-policy.ts";
import { looksLikeGatewayKey, parseKeyToken, tokenMatchesHash } from "./key-token.ts";

export interface StoreKeyVerifierOptions {
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  record: KeyRecord | undefined;
  principal: Principal | undefined;
  fetchedAt: number;
}

export function storeKeyVerifier(
  store: Store,
  fallback: ApiKeyVerifier | null,
  opts: StoreKeyVerifierOptions,
  log: Logger,
): ApiKeyVerifier {
  const now = opts.now ?? Date.now;
  const max = opts.maxEntries ?? 10_000;
  const cache = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Entry>>();

  const remember = (id: string, e: Entry) => {
    cache.delete(id);
    cache.set(id, e);
    if (cache.size > max) cache.delete(cache.keys().next().value!);
  };

  const fetchEntry = (id: string): Promise<Entry> => {
    let p = inFlight.get(id);
    if (!p) {
      p = store
        .getKey(id)
        .then((record) => {
          const e: Entry = {
            record,
            principal: record ? { keyId: record.id, name: record.name, policy: policyOf(record) } : undefined,
            fetchedAt: now(),
          };
          remember(id, e);
          return e;
        })
        .finally(() => inFlight.delete(id));
      inFlight.set(id, p);
    }
    return p;
  };

  const check = (e: Entry, token: string): VerifyResult => {
    if (!e.record || !e.principal || !tokenMatchesHash(token, e.record.secretHash)) return { ok: false, reason: "invalid" };
    const why = keyUnusableReason(e.record, now());
    return why ? { ok: false, reason: "invalid", message: why } : { ok: true, principal: e.principal };
  };

  return {
    verify(presented) {
      if (!looksLikeGatewayKey(presented)) return fallback ? fallback.verify(presented) : { ok: false, reason: "invalid" };
      const parsed = parseKeyToken(presented);
      // Not a well-formed gateway key: perhaps a static key that happens to share the prefix.
      if (!parsed) return fallback ? fallback.verify(presented) : { ok: false, reason: "invalid" };
      const cached = cache.get(parsed.id);
      if (cached && now() - cached.fetchedAt < opts.ttlMs) return check(cached, presented);
      return fetchEntry(parsed.id).then(
        (e) => check(e, presented),
        (err: unknown) => {
          // Keep serving a key we knew while the store is briefly unreachable; refuse unknown ones.
          log.error({ err: (err as Error).message, keyId: parsed.id }, "key store lookup failed");
          return cached ? check(cached, presented) : { ok: false, reason: "store-unavailable" };
        },
      );
    },
    ready: async (timeoutMs) => {
      await fallback?.ready(timeoutMs);
    },
    start: async () => {
      await fallback?.start();
    },
    stop: () => fallback?.stop(),
    forget(id) {
      cache.delete(id);
      // A lookup already under way may have read the old row: the next request reads again.
      inFlight.delete(id);
    },
  };
}
