// Pure: a batch of usage records → its per (UTC hour or day, key, model) totals, added to
// usage_hourly and usage_daily in the same transaction as the records themselves, so the rollups
// never disagree with them.
import type { UsageRecord } from "./store.ts";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The rollup tables (migration 5), by period; "hour" is each table's period-start column. */
export const ROLLUP_TABLES = [
  { table: "usage_hourly", periodMs: HOUR_MS },
  { table: "usage_daily", periodMs: DAY_MS },
] as const;

export interface HourlyRow {
  hour: number;
  /** '' when the request had no key (the static API_KEY). */
  keyId: string;
  /** What was called on Bedrock, else the requested name, else '(none)' (as usage summaries group). */
  model: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  unpriced: number;
  latencyMs: number;
}

export function hourlyRollup(records: readonly UsageRecord[], periodMs: number = HOUR_MS): HourlyRow[] {
  const acc = new Map<string, HourlyRow>();
  for (const r of records) {
    const hour = Math.floor(r.ts / periodMs) * periodMs;
    const keyId = r.keyId ?? "";
    const model = r.bedrockModel ?? r.model ?? "(none)";
    const k = `${hour}\n${keyId}\n${model}`;
    let e = acc.get(k);
    if (!e) {
      e = {
        hour,
        keyId,
        model,
        requests: 0,
        errors: 0,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: 0,
        unpriced: 0,
        latencyMs: 0,
      };
      acc.set(k, e);
    }
    e.requests += 1;
    if (r.status >= 400) e.errors += 1;
    e.inputTokens += r.inputTokens;
    e.outputTokens += r.outputTokens;
    e.cacheReadTokens += r.cacheReadTokens;
    e.cacheWriteTokens += r.cacheWriteTokens;
    if (r.costUsd === null) e.unpriced += 1;
    else e.costUsd += r.costUsd;
    e.latencyMs += r.latencyMs;
  }
  // Sorted, so concurrent PostgreSQL writers lock rows in the same order (no deadlock).
  return [...acc.values()].sort(
    (a, b) => a.hour - b.hour || (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : a.model < b.model ? -1 : a.model > b.model ? 1 : 0),
  );
}

export function hourlyValues(h: HourlyRow): unknown[] {
  return [
    h.hour,
    h.keyId,
    h.model,
    h.requests,
    h.errors,
    h.inputTokens,
    h.outputTokens,
    h.cacheReadTokens,
    h.cacheWriteTokens,
    h.costUsd,
    h.unpriced,
    h.latencyMs,
  ];
}

/** The upsert, in either dialect's placeholders (the ON CONFLICT spelling is the same in both). */
export function hourlyUpsertSql(dialect: "sqlite" | "postgres", table: string = "usage_hourly"): string {
  const p = (i: number) => (dialect === "postgres" ? `$${i}` : "?");
  const cols = [
    "hour",
    "key_id",
    "model",
    "requests",
    "errors",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cost_usd",
    "unpriced",
    "latency_ms",
  ];
  const sums = cols.slice(3).map((c) => `${c} = ${table}.${c} + excluded.${c}`);
  return `INSERT INTO ${table} (${cols.join(", ")}) VALUES (${cols.map((_, i) => p(i + 1)).join(", ")})
    ON CONFLICT (hour, key_id, model) DO UPDATE SET ${sums.join(", ")}`;
}
