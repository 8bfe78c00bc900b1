// Version 5: usage per UTC hour and per UTC day, key and model, kept up to date in the same
// transaction as the usage records (see usage-rollup.ts). The console's overview and usage pages
// aggregate these tables instead of every record: a 30-day question reads at most
// 30 × keys × models daily rows, a 24-hour one at most 24 × keys × models hourly rows, so the
// overview of a million records stays well under a second. Existing records are rolled up here.
import type { Migration } from "./migration.ts";

const ROLLUPS = [
  { table: "usage_hourly", periodMs: 3_600_000 },
  { table: "usage_daily", periodMs: 86_400_000 },
] as const;

// key_id '' stands for "no key" (static API_KEY, unauthenticated): NULL cannot be part of a key.
// The period start column is "hour" in both tables (epoch ms of the period's start).
const backfill = (
  table: string,
  periodMs: number,
) => `INSERT INTO ${table} (hour, key_id, model, requests, errors, input_tokens, output_tokens,
      cache_read_tokens, cache_write_tokens, cost_usd, unpriced, latency_ms)
    SELECT (ts / ${periodMs}) * ${periodMs}, COALESCE(key_id, ''), COALESCE(bedrock_model, model, '(none)'),
      COUNT(*), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END),
      SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens),
      COALESCE(SUM(cost_usd), 0), SUM(CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END), SUM(latency_ms)
    FROM usage_records
    GROUP BY (ts / ${periodMs}) * ${periodMs}, COALESCE(key_id, ''), COALESCE(bedrock_model, model, '(none)')`;

const sqliteTable = (table: string) => `CREATE TABLE ${table} (
      hour INTEGER NOT NULL,
      key_id TEXT NOT NULL,
      model TEXT NOT NULL,
      requests INTEGER NOT NULL DEFAULT 0,
      errors INTEGER NOT NULL DEFAULT 0,
      input_tokens INTEGER NOT NULL DEFAULT 0,
      output_tokens INTEGER NOT NULL DEFAULT 0,
      cache_read_tokens INTEGER NOT NULL DEFAULT 0,
      cache_write_tokens INTEGER NOT NULL DEFAULT 0,
      cost_usd REAL NOT NULL DEFAULT 0,
      unpriced INTEGER NOT NULL DEFAULT 0,
      latency_ms REAL NOT NULL DEFAULT 0,
      PRIMARY KEY (hour, key_id, model)
    )`;

const postgresTable = (table: string) => `CREATE TABLE ${table} (
      hour BIGINT NOT NULL,
      key_id TEXT NOT NULL,
      model TEXT NOT NULL,
      requests BIGINT NOT NULL DEFAULT 0,
      errors BIGINT NOT NULL DEFAULT 0,
      input_tokens BIGINT NOT NULL DEFAULT 0,
      output_tokens BIGINT NOT NULL DEFAULT 0,
      cache_read_tokens BIGINT NOT NULL DEFAULT 0,
      cache_write_tokens BIGINT NOT NULL DEFAULT 0,
      cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
      unpriced BIGINT NOT NULL DEFAULT 0,
      latency_ms DOUBLE PRECISION NOT NULL DEFAULT 0,
      PRIMARY KEY (hour, key_id, model)
    )`;

export const usageHourly: Migration = {
  version: 5,
  name: "usage-rollups",
  sqlite: ROLLUPS.flatMap((r) => [sqliteTable(r.table), backfill(r.table, r.periodMs)]),
  postgres: ROLLUPS.flatMap((r) => [postgresTable(r.table), backfill(r.table, r.periodMs)]),
};
