// Pure: the console's usage aggregations as one SQL statement per question, in both dialects.
// Ranges on whole UTC days (and buckets of whole days) read the daily rollup, whole hours the
// hourly one (usage_daily / usage_hourly, migration 5), so 30 days of a million records is at most
// 30 × keys × models rows to sum; anything finer
// (the last-hour view, per minute) reads usage_records through its ts index, where an hour is
// small. Both sources group models and "no key" exactly like usage-summary-sql.ts.
import type { UsageAggregateQuery } from "./store.ts";
import { ROLLUP_TABLES } from "./usage-rollup.ts";

/** The coarsest rollup table whose periods tile the range (and the buckets), else undefined (records). */
export function rollupFor(q: UsageAggregateQuery): string | undefined {
  for (const r of [...ROLLUP_TABLES].reverse()) {
    const p = r.periodMs;
    if (q.from % p === 0 && q.to % p === 0 && (q.groupBy !== "bucket" || (q.bucketMs ?? 0) % p === 0)) return r.table;
  }
  return undefined;
}

export function usesRollup(q: UsageAggregateQuery): boolean {
  return rollupFor(q) !== undefined;
}

const positiveInt = (v: number | undefined, name: string): number => {
  if (v === undefined || !Number.isSafeInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer`);
  return v;
};

export function usageAggregateSql(q: UsageAggregateQuery, dialect: "sqlite" | "postgres"): { sql: string; params: unknown[] } {
  const table = rollupFor(q);
  const rollup = table !== undefined;
  const t = rollup ? "h.hour" : "u.ts";
  const p = (i: number) => (dialect === "postgres" ? `$${i}` : "?");
  const dayOf = (col: string) =>
    dialect === "postgres"
      ? `to_char(to_timestamp(${col} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
      : `strftime('%Y-%m-%d', ${col} / 1000, 'unixepoch')`;
  const keyCol = rollup ? "h.key_id" : "u.key_id";
  const keyExpr = rollup ? "CASE WHEN h.key_id = '' THEN '(none)' ELSE h.key_id END" : "COALESCE(u.key_id, '(none)')";
  const modelExpr = rollup ? "h.model" : "COALESCE(u.bedrock_model, u.model, '(none)')";
  let group: string;
  switch (q.groupBy) {
    case "key":
      group = keyExpr;
      break;
    case "model":
      group = modelExpr;
      break;
    case "day":
      group = dayOf(t);
      break;
    case "bucket": {
      // Inlined: a validated integer, so the expression is the same text in SELECT and GROUP BY.
      const b = positiveInt(q.bucketMs, "bucketMs");
      group = `(${t} / ${b}) * ${b}`;
      break;
    }
  }
  const params: unknown[] = [q.from, q.to];
  let where = `${t} >= ${p(1)} AND ${t} < ${p(2)}`;
  if (q.keyId !== undefined) {
    params.push(q.keyId);
    where += ` AND ${keyCol} = ${p(params.length)}`;
  }
  if (q.model !== undefined) {
    params.push(q.model);
    where += ` AND ${modelExpr} = ${p(params.length)}`;
  }
  const byKey = q.groupBy === "key";
  const join = byKey ? `LEFT JOIN api_keys k ON k.id = ${keyCol}` : "";
  const measures = rollup
    ? `SUM(h.requests) AS requests, SUM(h.errors) AS errors,
      SUM(h.input_tokens) AS input_tokens, SUM(h.output_tokens) AS output_tokens,
      SUM(h.cache_read_tokens) AS cache_read_tokens, SUM(h.cache_write_tokens) AS cache_write_tokens,
      SUM(h.cost_usd) AS cost_usd, SUM(h.unpriced) AS unpriced, SUM(h.latency_ms) AS latency_ms`
    : `COUNT(*) AS requests, SUM(CASE WHEN u.status >= 400 THEN 1 ELSE 0 END) AS errors,
      SUM(u.input_tokens) AS input_tokens, SUM(u.output_tokens) AS output_tokens,
      SUM(u.cache_read_tokens) AS cache_read_tokens, SUM(u.cache_write_tokens) AS cache_write_tokens,
      COALESCE(SUM(u.cost_usd), 0) AS cost_usd, SUM(CASE WHEN u.cost_usd IS NULL THEN 1 ELSE 0 END) AS unpriced,
      SUM(u.latency_ms) AS latency_ms`;
  const order = q.top !== undefined ? `ORDER BY cost_usd DESC, requests DESC, 1 LIMIT ${positiveInt(q.top, "top")}` : "ORDER BY 1";
  const sql = `SELECT ${group} AS grp, ${byKey ? "MAX(k.name)" : "NULL"} AS name, ${measures}
    FROM ${rollup ? `${table} h` : "usage_records u"} ${join}
    WHERE ${where}
    GROUP BY ${group}
    ${order}`;
  return { sql, params };
}
