// Row ↔ record mapping shared by both backends. Drivers differ in how they return BIGINT (pg:
// string unless told otherwise), booleans (SQLite: 0/1) and JSON (SQLite: text), so every value
// goes through these converters.
import type { AggregateRow, BudgetPeriod, KeyRecord, UsageRecord, UsageRow } from "./store.ts";

type Row = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v ?? 0));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const bool = (v: unknown): boolean => v === true || v === 1 || v === "1" || v === "t";
const json = <T>(v: unknown): T => (typeof v === "string" ? (JSON.parse(v) as T) : (v as T));
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "bigint" ? String(v) : "");
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : str(v));

export function keyFromRow(r: Row): KeyRecord {
  const budgetUsd = numOrNull(r.budget_usd);
  return {
    id: String(r.id),
    name: String(r.name),
    secretHash: String(r.secret_hash),
    hint: String(r.hint),
    models: r.models === null || r.models === undefined ? null : json<string[]>(r.models),
    rpm: numOrNull(r.rpm),
    tpm: numOrNull(r.tpm),
    budget: budgetUsd === null ? null : { usd: budgetUsd, period: String(r.budget_period) as BudgetPeriod },
    expiresAt: numOrNull(r.expires_at),
    enabled: bool(r.enabled),
    revokedAt: numOrNull(r.revoked_at),
    metadata: json<Record<string, string>>(r.metadata ?? "{}"),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

/** Column → value for an api_keys row; booleans and JSON in the dialect's form. */
export function keyColumns(k: Partial<KeyRecord>, dialect: "sqlite" | "postgres"): Record<string, unknown> {
  const b = (v: boolean) => (dialect === "sqlite" ? (v ? 1 : 0) : v);
  const out: Record<string, unknown> = {};
  if (k.id !== undefined) out.id = k.id;
  if (k.name !== undefined) out.name = k.name;
  if (k.secretHash !== undefined) out.secret_hash = k.secretHash;
  if (k.hint !== undefined) out.hint = k.hint;
  if (k.models !== undefined) out.models = k.models === null ? null : JSON.stringify(k.models);
  if (k.rpm !== undefined) out.rpm = k.rpm;
  if (k.tpm !== undefined) out.tpm = k.tpm;
  if (k.budget !== undefined) {
    out.budget_usd = k.budget?.usd ?? null;
    out.budget_period = k.budget?.period ?? null;
  }
  if (k.expiresAt !== undefined) out.expires_at = k.expiresAt;
  if (k.enabled !== undefined) out.enabled = b(k.enabled);
  if (k.revokedAt !== undefined) out.revoked_at = k.revokedAt;
  if (k.metadata !== undefined) out.metadata = JSON.stringify(k.metadata);
  if (k.createdAt !== undefined) out.created_at = k.createdAt;
  if (k.updatedAt !== undefined) out.updated_at = k.updatedAt;
  return out;
}

export const USAGE_COLUMNS = [
  "ts",
  "request_id",
  "key_id",
  "endpoint",
  "model",
  "bedrock_model",
  "base_model",
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "latency_ms",
  "ttft_ms",
  "status",
  "stream",
  "aborted",
  "error_type",
  "cost_usd",
  "abort_reason",
  "usage_estimated",
  "region",
  "target",
] as const;

export function usageValues(u: UsageRecord, dialect: "sqlite" | "postgres"): unknown[] {
  const b = (v: boolean) => (dialect === "sqlite" ? (v ? 1 : 0) : v);
  return [
    u.ts,
    u.requestId,
    u.keyId,
    u.endpoint,
    u.model,
    u.bedrockModel,
    u.baseModel,
    u.inputTokens,
    u.outputTokens,
    u.cacheReadTokens,
    u.cacheWriteTokens,
    u.latencyMs,
    u.ttftMs,
    u.status,
    b(u.stream),
    b(u.aborted),
    u.errorType,
    u.costUsd,
    u.abortReason ?? null,
    b(u.usageEstimated === true),
    u.region ?? null,
    u.target ?? null,
  ];
}

export function usageFromRow(r: Row): UsageRecord {
  return {
    ts: num(r.ts),
    requestId: String(r.request_id),
    keyId: strOrNull(r.key_id),
    endpoint: String(r.endpoint),
    model: strOrNull(r.model),
    bedrockModel: strOrNull(r.bedrock_model),
    baseModel: strOrNull(r.base_model),
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    cacheReadTokens: num(r.cache_read_tokens),
    cacheWriteTokens: num(r.cache_write_tokens),
    latencyMs: num(r.latency_ms),
    ttftMs: numOrNull(r.ttft_ms),
    status: num(r.status),
    stream: bool(r.stream),
    aborted: bool(r.aborted),
    errorType: strOrNull(r.error_type),
    costUsd: numOrNull(r.cost_usd),
    abortReason: strOrNull(r.abort_reason),
    usageEstimated: bool(r.usage_estimated),
    region: strOrNull(r.region),
    target: strOrNull(r.target),
  };
}

export function usageRowFromRow(r: Row): UsageRow {
  return {
    group: str(r.grp),
    name: strOrNull(r.name),
    requests: num(r.requests),
    errors: num(r.errors),
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    cacheReadTokens: num(r.cache_read_tokens),
    cacheWriteTokens: num(r.cache_write_tokens),
    costUsd: num(r.cost_usd),
    unpricedRequests: num(r.unpriced),
  };
}

export function aggregateRowFromRow(r: Row): AggregateRow {
  const row = usageRowFromRow(r);
  return { ...row, meanLatencyMs: row.requests > 0 ? num(r.latency_ms) / row.requests : 0 };
}

/** UTC day of an epoch-ms time, as stored in key_spend_daily. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Per (key, day) totals of a batch, for the key_spend_daily upsert. */
export function dailySpend(records: readonly UsageRecord[]): { keyId: string; day: string; cost: number; requests: number }[] {
  const acc = new Map<string, { keyId: string; day: string; cost: number; requests: number }>();
  for (const r of records) {
    if (r.keyId === null) continue;
    const day = utcDay(r.ts);
    const k = `${r.keyId}\n${day}`;
    const e = acc.get(k) ?? { keyId: r.keyId, day, cost: 0, requests: 0 };
    e.cost += r.costUsd ?? 0;
    e.requests += 1;
    acc.set(k, e);
  }
  return [...acc.values()];
}
