// The Usage page's query: a date range (UTC days), grouping and filters from the URL, answered by
// one SQL aggregation (the hourly rollup for whole days), and the same rows as CSV.
import type { AggregateRow, Store, UsageAggregateQuery } from "../store/store.ts";
import { parseGroupBy, parseUsageRange } from "../usage/usage-report.ts";
import { csvField, day } from "./format.ts";

export interface UsageFilter {
  from: string;
  to: string;
  groupBy: "key" | "model" | "day";
  key: string;
  model: string;
}

/** From the query string; defaults: this UTC month, by key. Throws with a message for the page. */
export function parseUsageFilter(
  q: Record<string, string | undefined>,
  now: number = Date.now(),
): { filter: UsageFilter; query: UsageAggregateQuery } {
  const d = new Date(now);
  const from = (q.from ?? "").trim() || day(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  const to = (q.to ?? "").trim() || day(now);
  const groupBy = parseGroupBy(q.group_by || "key");
  const range = parseUsageRange(from, to, now);
  const key = (q.key ?? "").trim();
  const model = (q.model ?? "").trim();
  if (key.length > 200 || model.length > 500) throw new Error("filter too long");
  return {
    filter: { from, to, groupBy, key, model },
    query: { ...range, groupBy, ...(key ? { keyId: key } : {}), ...(model ? { model } : {}) },
  };
}

export async function loadUsage(store: Store, query: UsageAggregateQuery): Promise<AggregateRow[]> {
  return store.usageAggregate(query);
}

const CSV_HEADER = [
  "group",
  "name",
  "requests",
  "errors",
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "cost_usd",
  "unpriced_requests",
  "mean_latency_ms",
];

export function usageCsv(rows: readonly AggregateRow[]): string {
  const lines = [CSV_HEADER.join(",")];
  for (const r of rows) {
    lines.push(
      [
        r.group,
        r.name,
        r.requests,
        r.errors,
        r.inputTokens,
        r.outputTokens,
        r.cacheReadTokens,
        r.cacheWriteTokens,
        Math.round(r.costUsd * 1e8) / 1e8,
        r.unpricedRequests,
        Math.round(r.meanLatencyMs),
      ]
        .map(csvField)
        .join(","),
    );
  }
  return lines.join("\r\n") + "\r\n";
}
