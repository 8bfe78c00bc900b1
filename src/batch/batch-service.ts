// The Files and Batch APIs' operations, independent of HTTP: upload (validated line by line),
// list / retrieve / download / delete files; create a batch (every line mapped and checked before
// anything runs, one Bedrock job per model or an on-demand run below Bedrock's minimum), retrieve,
// list and cancel. Progress after creation belongs to the poller (batch-poller.ts).
import { randomBytes } from "node:crypto";
import { BedrockError } from "../bedrock/bedrock-error.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ResolvedModel } from "../models/resolve-model.ts";
import type { BatchDeps } from "./batch-deps.ts";
import { parseBatchLines } from "./batch-lines.ts";
import { planBatch } from "./batch-planner.ts";
import type { ModelGroup } from "./batch-planner.ts";
import type { BatchEndpoint, BatchJob, ListQuery, StoredBatch, StoredFile } from "./batch-store.ts";
import type { ObjectStore } from "./object-store.ts";

export const newId = (prefix: string) => `${prefix}${randomBytes(12).toString("hex")}`;
const COMPLETION_WINDOW_MS = 24 * 3_600_000;

export interface CreateBatchInput {
  inputFileId: string;
  endpoint: BatchEndpoint;
  completionWindow: string;
  metadata: Record<string, string> | null;
}

/** Admission for one model of the batch (allow-list, budget): throws the same errors as the real-time endpoints. */
export type AdmitModel = (model: ResolvedModel, estimatedInputTokens: number) => Promise<void>;

export interface BatchService {
  uploadFile(keyId: string, f: { filename: string; purpose: "batch"; content: Buffer }): Promise<StoredFile>;
  getFile(id: string, keyId: string): Promise<StoredFile>;
  listFiles(keyId: string, q: ListQuery & { purpose?: string }): Promise<{ data: StoredFile[]; hasMore: boolean }>;
  fileContent(id: string, keyId: string): Promise<{ file: StoredFile; content: ReadableStream<Uint8Array> }>;
  deleteFile(id: string, keyId: string): Promise<StoredFile>;
  createBatch(keyId: string, input: CreateBatchInput, admit: AdmitModel): Promise<StoredBatch>;
  getBatch(id: string, keyId: string): Promise<StoredBatch>;
  listBatches(keyId: string, q: ListQuery): Promise<{ data: StoredBatch[]; hasMore: boolean }>;
  cancelBatch(id: string, keyId: string): Promise<StoredBatch>;
  /** Set by the poller: look at active batches soon (after a create or a cancel). */
  onChange?: () => void;
  /** Set by the poller: poll now if the last poll is older than the interval (bounded wait). */
  refresh?: () => Promise<void>;
}

/** Where things live in the bucket, under BATCH_S3_PREFIX. */
export const objectKeys = (prefix: string) => ({
  file: (id: string) => `${prefix}files/${id}.jsonl`,
  /** The batch's own copy of its input file (the client may delete the file while the batch runs). */
  batchInput: (batchId: string) => `${prefix}batches/${batchId}/input.jsonl`,
  jobInput: (batchId: string, i: number) => `${prefix}batches/${batchId}/${i}/input/records.jsonl`,
  jobOutput: (batchId: string, i: number) => `${prefix}batches/${batchId}/${i}/output/`,
  onDemandOutput: (batchId: string, i: number) => `${prefix}batches/${batchId}/${i}/on-demand/records.jsonl.out`,
});

/** Apply `change` to the stored batch, retrying when the poller or another replica wrote first. */
export async function updateBatch(deps: BatchDeps, b: StoredBatch, change: (b: StoredBatch) => boolean | void): Promise<StoredBatch> {
  let current = b;
  for (let attempt = 0; attempt < 10; attempt++) {
    const next = structuredClone(current);
    if (change(next) === false) return current;
    if (await deps.store.updateBatch(next)) return { ...next, version: next.version + 1 };
    const fresh = await deps.store.getBatch(b.id);
    if (!fresh) throw errors.batchNotFound(b.id);
    current = fresh;
  }
  throw errors.storeUnavailable();
}

export function createBatchService(deps: BatchDeps): BatchService {
  const now = deps.now ?? Date.now;
  const keys = objectKeys(deps.config.prefix);
  const objects = (): ObjectStore => {
    if (!deps.objects) throw errors.batchNotConfigured("BATCH_S3_BUCKET", "The Files and Batch APIs");
    return deps.objects;
  };
  const page = <T>(rows: T[], limit: number) => ({ data: rows.slice(0, limit), hasMore: rows.length > limit });

  const service: BatchService = {
    async uploadFile(keyId, f) {
      const store = objects();
      const lines = await parseBatchLines(f.content.toString("utf8"), deps.config.maxLines);
      const file: StoredFile = {
        id: newId("file-"),
        keyId,
        purpose: f.purpose,
        filename: f.filename,
        bytes: f.content.length,
        createdAt: now(),
        objectKey: "",
        lines: lines.length,
      };
      file.objectKey = keys.file(file.id);
      await store.put(file.objectKey, f.content);
      await deps.store.insertFile(file);
      return file;
    },

    async getFile(id, keyId) {
      const f = await deps.store.getFile(id, keyId);
      if (!f) throw errors.fileNotFound(id);
      return f;
    },

    async listFiles(keyId, q) {
      return page(await deps.store.listFiles(keyId, { ...q, limit: q.limit + 1 }), q.limit);
    },

    async fileContent(id, keyId) {
      const file = await service.getFile(id, keyId);
      return { file, content: await objects().stream(file.objectKey) };
    },

    async deleteFile(id, keyId) {
      const file = await service.getFile(id, keyId);
      await objects().delete(file.objectKey);
      await deps.store.deleteFile(id, keyId);
      return file;
    },

    async createBatch(keyId, input, admit) {
      const store = objects();
      if (input.completionWindow !== "24h") throw errors.invalidRequest("'completion_window' must be 24h.", "completion_window");
      const file = await deps.store.getFile(input.inputFileId, keyId);
      if (!file) throw errors.fileNotFound(input.inputFileId);
      if (file.purpose !== "batch")
        throw errors.invalidRequest(
          `File ${file.id} has purpose '${file.purpose}'; a batch needs a file uploaded with purpose 'batch'.`,
          "input_file_id",
        );
      const content = await store.get(file.objectKey);
      const lines = await parseBatchLines(content.toString("utf8"), deps.config.maxLines);
      const snapshot = await deps.catalog.ready(3000);
      const groups = await planBatch(lines, input.endpoint, { snapshot, models: deps.models, chat: deps.chat });
      // The key's allow-list and budget apply to the model each line really calls.
      for (const g of groups) {
        try {
          await admit(
            g.model,
            g.plans.reduce((n, p) => n + p.estimatedTokens, 0),
          );
        } catch (err) {
          if (err instanceof Error && "status" in err && err.status === 403) {
            throw errors.permissionDenied(
              `Line ${g.plans[0]!.line}: this API key is not allowed to use the model '${g.model.requested}'.`,
              `line ${g.plans[0]!.line}`,
            );
          }
          throw err;
        }
      }
      const needsJob = groups.some((g) => g.records >= deps.config.minRecords);
      if (needsJob && !deps.config.roleArn) throw errors.batchNotConfigured("BATCH_ROLE_ARN", "Bedrock batch inference jobs");

      const t = now();
      const batch: StoredBatch = {
        id: newId("batch_"),
        keyId,
        version: 0,
        status: "validating",
        endpoint: input.endpoint,
        inputFileId: file.id,
        completionWindow: input.completionWindow,
        metadata: input.metadata,
        errors: null,
        outputFileId: null,
        errorFileId: null,
        requestCounts: { total: lines.length, completed: 0, failed: 0 },
        createdAt: t,
        inProgressAt: null,
        finalizingAt: null,
        completedAt: null,
        failedAt: null,
        expiredAt: null,
        cancellingAt: null,
        cancelledAt: null,
        expiresAt: t + COMPLETION_WINDOW_MS,
        jobs: groups.map((g): BatchJob => ({
          model: g.model.requested,
          bedrockModel: g.model.bedrockId,
          baseModel: g.model.baseModelId,
          mode: g.records >= deps.config.minRecords ? "job" : "on_demand",
          lines: g.plans.map((p) => p.line),
          records: g.records,
          status: "Pending",
          processed: 0,
          succeeded: 0,
          failed: 0,
        })),
      };
      await store.put(keys.batchInput(batch.id), content);
      await deps.store.insertBatch(batch);
      const submitted = await submitJobs(deps, store, batch, groups);
      service.onChange?.();
      return submitted;
    },

    async getBatch(id, keyId) {
      // Where timers do not run between requests (AWS Lambda freezes idle instances), clients
      // polling a batch are what moves it on.
      await service.refresh?.();
      const b = await deps.store.getBatch(id, keyId);
      if (!b) throw errors.batchNotFound(id);
      return b;
    },

    async listBatches(keyId, q) {
      return page(await deps.store.listBatches(keyId, { ...q, limit: q.limit + 1 }), q.limit);
    },

    async cancelBatch(id, keyId) {
      const b = await service.getBatch(id, keyId);
      let refused: string | undefined;
      const out = await updateBatch(deps, b, (x) => {
        if (x.status === "cancelling" || x.status === "cancelled") return false;
        if (x.status !== "validating" && x.status !== "in_progress") {
          refused = x.status;
          return false;
        }
        x.status = "cancelling";
        x.cancellingAt = now();
      });
      if (refused) throw errors.batchNotCancellable(id, refused);
      service.onChange?.();
      return out;
    },
  };
  return service;
}

/** Write each job-sized group's records to S3 and start its Bedrock job; a refusal fails the batch with Bedrock's message. */
async function submitJobs(deps: BatchDeps, store: ObjectStore, batch: StoredBatch, groups: ModelGroup[]): Promise<StoredBatch> {
  const keys = objectKeys(deps.config.prefix);
  const started: { index: number; jobArn: string; inputKey: string; outputUri: string }[] = [];
  let failure: { code: string; message: string } | undefined;
  for (let i = 0; i < groups.length && !failure; i++) {
    if (batch.jobs[i]!.mode !== "job") continue;
    const g = groups[i]!;
    const inputKey = keys.jobInput(batch.id, i);
    const outputUri = store.uri(keys.jobOutput(batch.id, i));
    try {
      const text =
        g.plans
          .flatMap((p) => p.records)
          .map((r) => JSON.stringify(r))
          .join("\n") + "\n";
      await store.put(inputKey, text);
      const jobArn = await deps.jobs.create({
        jobName: `bgw-${batch.id.slice("batch_".length)}-${i}`,
        roleArn: deps.config.roleArn!,
        clientRequestToken: `${batch.id.slice("batch_".length)}x${i}`,
        modelId: g.model.bedrockId,
        inputS3Uri: store.uri(inputKey),
        outputS3Uri: outputUri,
        modelInvocationType: g.format === "converse" ? "Converse" : "InvokeModel",
        timeoutDurationInHours: 24,
      });
      started.push({ index: i, jobArn, inputKey, outputUri });
    } catch (err) {
      deps.logger.warn({ batchId: batch.id, model: g.model.bedrockId, err }, "batch job submission failed");
      failure =
        err instanceof BedrockError
          ? { code: err.exception, message: err.message }
          : { code: "submission_failed", message: (err as Error).message };
    }
  }
  if (failure) {
    // Jobs already started for other models would run for a batch that reports failure: stop them.
    for (const s of started) await deps.jobs.stop(s.jobArn).catch(() => {});
  }
  const t = deps.now?.() ?? Date.now();
  return updateBatch(deps, batch, (b) => {
    for (const s of started)
      Object.assign(b.jobs[s.index]!, {
        jobArn: s.jobArn,
        inputKey: s.inputKey,
        outputUri: s.outputUri,
        status: failure ? "Stopped" : "Submitted",
      });
    if (failure) {
      b.status = "failed";
      b.failedAt = t;
      b.errors = [{ code: failure.code, message: `Bedrock refused the batch job: ${failure.message}` }];
    }
  });
}
