// The Overview page's numbers: a time series (requests, tokens, cost, errors) and the top keys and
// models over the last hour (per minute, from the records), day (per hour) or 30 days (per UTC
// day), both from the hourly rollup. Three SQL aggregations; the loops here run over buckets and
// groups, never over records.
import type { AggregateRow, Store } from "../store/store.ts";

export type OverviewRange = "hour" | "day" | "month";
export const RANGES: readonly OverviewRange[] = ["hour", "day", "month"];

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface RangeWindow {
  from: number;
  to: number;
  bucketMs: number;
}

/** Whole buckets ending with the current one: the last 60 minutes, 24 hours or 30 UTC days. */
export function rangeWindow(range: OverviewRange, now: number): RangeWindow {
  const [bucketMs, n] = range === "hour" ? [MINUTE, 60] : range === "day" ? [HOUR, 24] : [DAY, 30];
  const end = Math.floor(now / bucketMs) * bucketMs + bucketMs;
  return { from: end - n * bucketMs, to: end, bucketMs };
}

export interface SeriesPoint {
  t: number;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpriced: number;
}

/** Every bucket of the window, zeros where nothing happened (charts need the gaps). */
export function fillSeries(w: RangeWindow, rows: readonly AggregateRow[]): SeriesPoint[] {
  const byT = new Map(rows.map((r) => [Number(r.group), r]));
  const out: SeriesPoint[] = [];
  for (let t = w.from; t < w.to; t += w.bucketMs) {
    const r = byT.get(t);
    out.push({
      t,
      requests: r?.requests ?? 0,
      errors: r?.errors ?? 0,
      inputTokens: r?.inputTokens ?? 0,
      outputTokens: r?.outputTokens ?? 0,
      costUsd: r?.costUsd ?? 0,
      unpriced: r?.unpricedRequests ?? 0,
    });
  }
  return out;
}

export interface Overview {
  range: OverviewRange;
  window: RangeWindow;
  series: SeriesPoint[];
  totals: SeriesPoint;
  topKeys: AggregateRow[];
  topModels: AggregateRow[];
}

export async function loadOverview(store: Store, range: OverviewRange, now: number = Date.now()): Promise<Overview> {
  const w = rangeWindow(range, now);
  const [series, topKeys, topModels] = await Promise.all([
    store.usageAggregate({ from: w.from, to: w.to, groupBy: "bucket", bucketMs: w.bucketMs }),
    store.usageAggregate({ from: w.from, to: w.to, groupBy: "key", top: 8 }),
    store.usageAggregate({ from: w.from, to: w.to, groupBy: "model", top: 8 }),
  ]);
  const points = fillSeries(w, series);
  const totals = points.reduce(
    (a, p) => ({
      t: w.from,
      requests: a.requests + p.requests,
      errors: a.errors + p.errors,
      inputTokens: a.inputTokens + p.inputTokens,
      outputTokens: a.outputTokens + p.outputTokens,
      costUsd: a.costUsd + p.costUsd,
      unpriced: a.unpriced + p.unpriced,
    }),
    { t: w.from, requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, unpriced: 0 },
  );
  return { range, window: w, series: points, totals, topKeys, topModels };
}
