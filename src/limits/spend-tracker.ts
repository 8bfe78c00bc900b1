// A key's spend in its budget period (UTC day or month), for admission. It is the store's
// committed spend (key_spend_daily, re-read at most every `ttlMs`, shared by all replicas) plus
// what this process has recorded but not yet written. Other replicas' spend arrives within one
// usage flush plus `ttlMs`, so a budget can be overrun by at most a few seconds of traffic and by
// requests already in flight when it is reached.
import { errors } from "../errors/gateway-error.ts";
import type { BudgetPeriod, Store, UsageRecord } from "../store/store.ts";
import { budgetWindow } from "../keys/key-policy.ts";

export interface SpendTracker {
  spent(keyId: string, period: BudgetPeriod, now: number): Promise<number>;
  /** A usage record was queued (not yet in the store). */
  recorded(r: UsageRecord): void;
  /** Queued records are now in the store. */
  committed(records: readonly UsageRecord[]): void;
}

interface Cached {
  keyId: string;
  start: number;
  end: number;
  sum: number;
  fetchedAt: number;
}

const MAX_ENTRIES = 10_000;

export function spendTracker(store: Store, ttlMs: number, now: () => number = Date.now): SpendTracker {
  const pending = new Map<string, number>();
  const cache = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<Cached>>();

  const fetch = (keyId: string, start: number, end: number): Promise<Cached> => {
    const id = `${keyId}|${start}`;
    let p = inFlight.get(id);
    if (!p) {
      const t = now();
      p = store
        .spendSince(keyId, start)
        .then((sum) => {
          const e = { keyId, start, end, sum, fetchedAt: t };
          if (cache.size >= MAX_ENTRIES) cache.clear();
          cache.set(id, e);
          return e;
        })
        .finally(() => inFlight.delete(id));
      inFlight.set(id, p);
    }
    return p;
  };

  return {
    async spent(keyId, period, at) {
      const { start, end } = budgetWindow(period, at);
      let e = cache.get(`${keyId}|${start}`);
      if (!e || now() - e.fetchedAt >= ttlMs) {
        try {
          e = await fetch(keyId, start, end);
        } catch {
          // Store briefly unreachable: go on with the last total we read, else a retryable 503.
          if (!e) throw errors.storeUnavailable();
        }
      }
      return e.sum + (pending.get(keyId) ?? 0);
    },
    recorded(r) {
      if (r.keyId === null || !r.costUsd) return;
      pending.set(r.keyId, (pending.get(r.keyId) ?? 0) + r.costUsd);
    },
    committed(records) {
      for (const r of records) {
        if (r.keyId === null || !r.costUsd) continue;
        const left = (pending.get(r.keyId) ?? 0) - r.costUsd;
        if (left > 1e-12) pending.set(r.keyId, left);
        else pending.delete(r.keyId);
        // The cached sums predate this write: add it so it is not missing until the next re-read.
        for (const period of ["day", "month"] as const) {
          const e = cache.get(`${r.keyId}|${budgetWindow(period, r.ts).start}`);
          if (e && r.ts < e.end) e.sum += r.costUsd;
        }
      }
    },
  };
}
