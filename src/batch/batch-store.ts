// What the Files and Batch APIs keep in the gateway's store (migration 007, SQLite or PostgreSQL):
// file metadata (contents live in S3), batches with the Bedrock jobs behind them, and the lease
// that lets one replica at a time run the batch poller. Every read a client can cause is scoped
// to the API key that created the object, like stored Responses.

export type FilePurpose = "batch" | "batch_output";

export interface StoredFile {
  id: string;
  keyId: string;
  purpose: FilePurpose;
  filename: string;
  bytes: number;
  /** Epoch ms. */
  createdAt: number;
  /** Where the content is in the bucket. */
  objectKey: string;
  /** Number of JSONL lines. */
  lines: number;
}

export type BatchStatus = "validating" | "in_progress" | "finalizing" | "completed" | "failed" | "expired" | "cancelling" | "cancelled";
export const ACTIVE_BATCH_STATUSES: readonly BatchStatus[] = ["validating", "in_progress", "finalizing", "cancelling"];

export type BatchEndpoint = "/v1/chat/completions" | "/v1/embeddings";

/** One model's share of a batch: a Bedrock batch inference job, or an on-demand run when it is too small for one. */
export interface BatchJob {
  /** The model as the lines named it, and what it resolved to. */
  model: string;
  bedrockModel: string;
  baseModel: string;
  mode: "job" | "on_demand";
  /** 1-based input line numbers of this model's lines, in file order. */
  lines: number[];
  records: number;
  /** Bedrock's job ARN (mode "job", once submitted). */
  jobArn?: string;
  /** Bedrock's job status (Submitted, InProgress, Completed, …) or, on demand: Running, Completed, Stopped. */
  status: string;
  message?: string;
  inputKey?: string;
  /** s3:// URI Bedrock writes the output under (it adds the job id). */
  outputUri?: string;
  processed: number;
  succeeded: number;
  failed: number;
}

export interface BatchError {
  code: string;
  message: string;
  param?: string | null;
  line?: number | null;
}

export interface StoredBatch {
  id: string;
  keyId: string;
  /** Optimistic concurrency: bumped on every update (the poller and a cancel may race). */
  version: number;
  status: BatchStatus;
  endpoint: BatchEndpoint;
  inputFileId: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
  errors: BatchError[] | null;
  outputFileId: string | null;
  errorFileId: string | null;
  requestCounts: { total: number; completed: number; failed: number };
  /** Epoch ms of each status change that happened. */
  createdAt: number;
  inProgressAt: number | null;
  finalizingAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  expiredAt: number | null;
  cancellingAt: number | null;
  cancelledAt: number | null;
  expiresAt: number;
  jobs: BatchJob[];
}

export interface ListQuery {
  /** Cursor: the id of the last object of the previous page. */
  after?: string;
  limit: number;
}

export interface BatchStore {
  insertFile(f: StoredFile): Promise<void>;
  getFile(id: string, keyId: string): Promise<StoredFile | undefined>;
  /** Newest first (OpenAI's default order); `purpose` filters. */
  listFiles(keyId: string, q: ListQuery & { purpose?: string }): Promise<StoredFile[]>;
  deleteFile(id: string, keyId: string): Promise<boolean>;

  insertBatch(b: StoredBatch): Promise<void>;
  /** `keyId` undefined: any key (the poller). */
  getBatch(id: string, keyId?: string): Promise<StoredBatch | undefined>;
  /** Newest first. */
  listBatches(keyId: string, q: ListQuery): Promise<StoredBatch[]>;
  /** Writes `b` when the stored version is still `b.version`, storing version + 1. False: someone else wrote first. */
  updateBatch(b: StoredBatch): Promise<boolean>;
  /** Batches the poller must look at (not yet in a final status), oldest first. */
  activeBatches(limit: number): Promise<StoredBatch[]>;

  /** Take or renew a named lease until `now + ttlMs`; false while another holder's lease is live. */
  acquireLease(name: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
}
