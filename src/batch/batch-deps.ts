// What the Files and Batch APIs are built from (assembled in src/dependencies.ts).
import type { Logger } from "pino";
import type { BatchJobsClient } from "../bedrock/batch-jobs-client.ts";
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";
import type { BatchConfig, Config } from "../config/config.ts";
import type { KeyRecord, UsageRecord } from "../store/store.ts";
import type { GuardedLimiter } from "../limits/guarded-limiter.ts";
import type { SpendTracker } from "../limits/spend-tracker.ts";
import type { CatalogSnapshot } from "../models/build-catalog.ts";
import type { Pricing } from "../usage/pricing.ts";
import type { BatchStore } from "./batch-store.ts";
import type { ObjectStore } from "./object-store.ts";

export interface BatchDeps {
  config: BatchConfig;
  chat: Config["chat"];
  models: Config["models"];
  logger: Logger;
  catalog: { ready(timeoutMs: number): Promise<CatalogSnapshot | undefined> };
  runtime: BedrockRuntime;
  jobs: BatchJobsClient;
  /** Absent without BATCH_S3_BUCKET. */
  objects: ObjectStore | undefined;
  store: BatchStore;
  /** A key's current policy (the on-demand runner honours its limits and budget). */
  getKey(id: string): Promise<KeyRecord | undefined>;
  limiter: GuardedLimiter;
  spend: SpendTracker | undefined;
  pricing: Pricing;
  region: string;
  /** Usage records of finished batch lines. */
  recordUsage(r: UsageRecord): void;
  now?: () => number;
}
