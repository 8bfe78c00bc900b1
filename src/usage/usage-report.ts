// Usage totals as the admin API and `bedrock-gateway usage` report them: the time range
// (`from`/`to` as dates or timestamps; a date-only `to` includes that whole day; default: this
// UTC month so far), grouping, and the rows in snake_case with totals.
import type { UsageGroupBy, UsageRow } from "../store/store.ts";

export const GROUPS: readonly UsageGroupBy[] = ["key", "model", "day"];

function parseTime(text: string, name: string, endOfDay: boolean): number {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return Date.parse(`${t}T00:00:00Z`) + (endOfDay ? 86_400_000 : 0);
  if (/^\d{10,}$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  if (!Number.isFinite(ms)) throw new Error(`${name}: "${text}" is not a date or time (examples: 2026-01-31, 2026-01-31T12:00:00Z)`);
  return ms;
}

export function parseUsageRange(from: string | undefined, to: string | undefined, now: number = Date.now()): { from: number; to: number } {
  const d = new Date(now);
  const f = from ? parseTime(from, "from", false) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const t = to ? parseTime(to, "to", true) : now + 1;
  if (t <= f) throw new Error(`to must be after from`);
  return { from: f, to: t };
}

export function parseGroupBy(text: string | undefined): UsageGroupBy {
  const g = (text ?? "key").trim().toLowerCase();
  if (!(GROUPS as string[]).includes(g)) throw new Error(`group_by: "${text}" must be one of ${GROUPS.join(", ")}`);
  return g as UsageGroupBy;
}

const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

export function usageRowJson(r: UsageRow) {
  return {
    group: r.group,
    name: r.name,
    requests: r.requests,
    errors: r.errors,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    cache_read_tokens: r.cacheReadTokens,
    cache_write_tokens: r.cacheWriteTokens,
    cost_usd: round(r.costUsd),
    unpriced_requests: r.unpricedRequests,
  };
}

export function usageReport(rows: UsageRow[], q: { from: number; to: number; groupBy: UsageGroupBy; keyId?: string }) {
  const sum = (f: (r: UsageRow) => number) => rows.reduce((a, r) => a + f(r), 0);
  return {
    object: "usage_report" as const,
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    group_by: q.groupBy,
    key: q.keyId ?? null,
    data: rows.map(usageRowJson),
    totals: {
      requests: sum((r) => r.requests),
      errors: sum((r) => r.errors),
      input_tokens: sum((r) => r.inputTokens),
      output_tokens: sum((r) => r.outputTokens),
      cache_read_tokens: sum((r) => r.cacheReadTokens),
      cache_write_tokens: sum((r) => r.cacheWriteTokens),
      cost_usd: round(sum((r) => r.costUsd)),
      unpriced_requests: sum((r) => r.unpricedRequests),
    },
  };
}
