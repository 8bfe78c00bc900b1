// The store contract: API keys, usage records and stored Responses, implemented by SQLite (default)
// and PostgreSQL. Both backends pass the same contract test suites (test/store-contract.test.ts,
// test/responses/response-store.test.ts). Times are epoch milliseconds in both, so the two schemas
// and every query mean exactly the same thing.
import type { BatchStore } from "../batch/batch-store.ts";
import type { ResponseStore } from "./response-store.ts";

export type BudgetPeriod = "day" | "month";

export interface Budget {
  usd: number;
  period: BudgetPeriod;
}

export interface KeyRecord {
  /** Public identifier ("vk_" + 12 hex), part of the secret token, shown in usage and metrics. */
  id: string;
  name: string;
  /** SHA-256 of the whole secret token, hex. The secret itself is never stored. */
  secretHash: string;
  /** A non-secret reminder of the token ("sk-bgw-…-…Wxyz") for humans matching a key to a secret. */
  hint: string;
  /** Glob patterns over model ids and aliases; null = every model. */
  models: string[] | null;
  rpm: number | null;
  tpm: number | null;
  budget: Budget | null;
  /** Epoch ms after which the key no longer authenticates; null = never expires. */
  expiresAt: number | null;
  enabled: boolean;
  /** Epoch ms of revocation; a revoked key never authenticates again. */
  revokedAt: number | null;
  metadata: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export type NewKey = Omit<KeyRecord, "createdAt" | "updatedAt" | "revokedAt">;

export type KeyPatch = Partial<
  Pick<KeyRecord, "name" | "models" | "rpm" | "tpm" | "budget" | "expiresAt" | "enabled" | "metadata" | "secretHash" | "hint" | "revokedAt">
>;

export interface UsageRecord {
  /** Epoch ms when the request started. */
  ts: number;
  requestId: string;
  keyId: string | null;
  endpoint: string;
  /** The model as the client named it. */
  model: string | null;
  /** What was sent to Bedrock (model id, profile id or ARN). */
  bedrockModel: string | null;
  /** The foundation model behind it (pricing). */
  baseModel: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  latencyMs: number;
  ttftMs: number | null;
  status: number;
  stream: boolean;
  aborted: boolean;
  errorType: string | null;
  /** USD; null when the price of a token class that was used is unknown. */
  costUsd: number | null;
  /** Why an aborted request was cut: "client" or "shutdown" (drain deadline); null otherwise. */
  abortReason?: string | null;
  /** The token counts are the gateway's estimate (a stream cut before Bedrock reported usage). */
  usageEstimated?: boolean;
  /** Region and target (BEDROCK_TARGETS name, "default" without it) that served the call. */
  region?: string | null;
  target?: string | null;
}

export type UsageGroupBy = "key" | "model" | "day";

export interface UsageQuery {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  groupBy: UsageGroupBy;
  keyId?: string;
}

export interface UsageRow {
  /** Key id, model (Bedrock id, else the requested name) or UTC day (YYYY-MM-DD). */
  group: string;
  /** The key's name when grouping by key. */
  name: string | null;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Sum of the known costs. */
  costUsd: number;
  /** Requests whose cost is unknown (no price), so costUsd is a lower bound when > 0. */
  unpricedRequests: number;
}

export type AggregateGroup = "key" | "model" | "day" | "bucket";

/** A console aggregation (src/store/usage-aggregate-sql.ts): SQL over the hourly rollup or the records. */
export interface UsageAggregateQuery {
  /** Epoch ms, inclusive. Whole UTC hours (with `to`) read the hourly rollup. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  groupBy: AggregateGroup;
  /** Width of a time bucket (groupBy "bucket"), epoch-aligned; whole days are UTC days. */
  bucketMs?: number;
  keyId?: string;
  /** Bedrock model id (else the requested name), as grouped. */
  model?: string;
  /** Only the largest this many groups, by cost then requests (top lists). */
  top?: number;
}

export interface AggregateRow extends UsageRow {
  /** Mean latency of the group's requests, ms. */
  meanLatencyMs: number;
}

export interface Store {
  readonly kind: "sqlite" | "postgres";
  /** Applied migration versions, in order (for tests and `bedrock-gateway keys` diagnostics). */
  migrations(): Promise<number[]>;

  insertKey(key: NewKey, now: number): Promise<KeyRecord>;
  getKey(id: string): Promise<KeyRecord | undefined>;
  listKeys(): Promise<KeyRecord[]>;
  /** Returns the updated key, or undefined when there is no such key. */
  updateKey(id: string, patch: KeyPatch, now: number): Promise<KeyRecord | undefined>;

  insertUsage(records: UsageRecord[]): Promise<void>;
  usageSummary(q: UsageQuery): Promise<UsageRow[]>;
  /** Grouped totals for the console (time buckets, top keys and models, filtered usage). */
  usageAggregate(q: UsageAggregateQuery): Promise<AggregateRow[]>;
  /** Sum of known costs of a key's requests since the UTC day containing `since` (epoch ms). */
  spendSince(keyId: string, since: number): Promise<number>;
  /** Raw records (tests and exports), oldest first. */
  usageRecords(q: { from: number; to: number; keyId?: string; limit?: number }): Promise<UsageRecord[]>;

  /** Stored Responses (`store: true`) in this database, shared by every process that opens it. */
  readonly responses: ResponseStore;

  /** Files and batches (the Files and Batch APIs), scoped per key. */
  readonly batches: BatchStore;

  /**
   * A shared setting: the stored value, or `initial` stored first when there is none. Concurrent
   * callers (replicas starting together) all get the one value that was stored.
   */
  setting(name: string, initial: string): Promise<string>;

  /** Closes the connection (and with it `responses`). */
  close(): Promise<void>;
}
