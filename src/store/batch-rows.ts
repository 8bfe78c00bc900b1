// Row ↔ record mapping for the batch tables, shared by both backends: the records travel as JSON
// text (never queried inside); the indexed columns are copies for scoping, paging and polling.
import type { StoredBatch, StoredFile } from "../batch/batch-store.ts";

type Row = Record<string, unknown>;

export const fileFromRow = (r: Row): StoredFile => JSON.parse(String(r.file_json)) as StoredFile;

export function batchFromRow(r: Row): StoredBatch {
  const b = JSON.parse(String(r.batch_json)) as StoredBatch;
  b.version = Number(r.version);
  return b;
}

export const batchJson = (b: StoredBatch): string => JSON.stringify({ ...b, version: undefined });

/** Newest first, after the cursor row (same key), as a WHERE fragment over (created_at, id). */
export const AFTER_CURSOR = (table: string, p: (n: number) => string, i: number) =>
  `(created_at, id) < (SELECT created_at, id FROM ${table} WHERE id = ${p(i)} AND key_id = ${p(i + 1)})`;

export const LEASE_TABLE = "batch_leases";
