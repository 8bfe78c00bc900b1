// The one usage-summary query, with the two dialects' spellings of "UTC day of an epoch-ms
// column" and of placeholders. Grouping by model uses what was called on Bedrock (profiles are
// priced differently), falling back to the requested name for requests that never resolved one.
import type { UsageQuery } from "./store.ts";

export function usageSummarySql(q: UsageQuery, dialect: "sqlite" | "postgres"): { sql: string; params: unknown[] } {
  const p = (i: number) => (dialect === "postgres" ? `$${i}` : "?");
  const day =
    dialect === "postgres"
      ? "to_char(to_timestamp(u.ts / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
      : "strftime('%Y-%m-%d', u.ts / 1000, 'unixepoch')";
  const group =
    q.groupBy === "key" ? "COALESCE(u.key_id, '(none)')" : q.groupBy === "model" ? "COALESCE(u.bedrock_model, u.model, '(none)')" : day;
  const params: unknown[] = [q.from, q.to];
  let where = `u.ts >= ${p(1)} AND u.ts < ${p(2)}`;
  if (q.keyId !== undefined) {
    params.push(q.keyId);
    where += ` AND u.key_id = ${p(3)}`;
  }
  const name = q.groupBy === "key" ? "MAX(k.name)" : "NULL";
  const join = q.groupBy === "key" ? "LEFT JOIN api_keys k ON k.id = u.key_id" : "";
  const sql = `SELECT ${group} AS grp, ${name} AS name,
      COUNT(*) AS requests,
      SUM(CASE WHEN u.status >= 400 THEN 1 ELSE 0 END) AS errors,
      COALESCE(SUM(u.input_tokens), 0) AS input_tokens,
      COALESCE(SUM(u.output_tokens), 0) AS output_tokens,
      COALESCE(SUM(u.cache_read_tokens), 0) AS cache_read_tokens,
      COALESCE(SUM(u.cache_write_tokens), 0) AS cache_write_tokens,
      COALESCE(SUM(u.cost_usd), 0) AS cost_usd,
      SUM(CASE WHEN u.cost_usd IS NULL THEN 1 ELSE 0 END) AS unpriced
    FROM usage_records u ${join}
    WHERE ${where}
    GROUP BY ${group}
    ORDER BY ${group}`;
  return { sql, params };
}
