// Pure: stored files and batches → the objects OpenAI's Files and Batch APIs return (times in
// epoch seconds, as OpenAI sends them).
import type { StoredBatch, StoredFile } from "./batch-store.ts";

const secs = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));

export function fileObject(f: StoredFile) {
  return {
    id: f.id,
    object: "file" as const,
    bytes: f.bytes,
    created_at: secs(f.createdAt)!,
    filename: f.filename,
    purpose: f.purpose,
    status: "processed" as const,
    expires_at: null,
    status_details: null,
  };
}

export function batchObject(b: StoredBatch) {
  return {
    id: b.id,
    object: "batch" as const,
    endpoint: b.endpoint,
    errors: b.errors
      ? {
          object: "list" as const,
          data: b.errors.map((e) => ({ code: e.code, message: e.message, param: e.param ?? null, line: e.line ?? null })),
        }
      : null,
    input_file_id: b.inputFileId,
    completion_window: b.completionWindow,
    status: b.status,
    output_file_id: b.outputFileId,
    error_file_id: b.errorFileId,
    created_at: secs(b.createdAt)!,
    in_progress_at: secs(b.inProgressAt),
    expires_at: secs(b.expiresAt),
    finalizing_at: secs(b.finalizingAt),
    completed_at: secs(b.completedAt),
    failed_at: secs(b.failedAt),
    expired_at: secs(b.expiredAt),
    cancelling_at: secs(b.cancellingAt),
    cancelled_at: secs(b.cancelledAt),
    request_counts: b.requestCounts,
    metadata: b.metadata,
  };
}

export function listObject<T extends { id: string }>(data: T[], hasMore: boolean) {
  return { object: "list" as const, data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore };
}
