// Version 7: the Files and Batch APIs (docs/batch.md). File contents live in S3; here are their
// metadata, the batches (their Bedrock jobs as JSON: read and written whole, never queried inside)
// and a lease row so one replica at a time polls Bedrock for every batch.
import type { Migration } from "./migration.ts";

const tables = (int: string) => [
  `CREATE TABLE batch_files (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    created_at ${int} NOT NULL,
    file_json TEXT NOT NULL
  )`,
  `CREATE INDEX batch_files_key ON batch_files (key_id, created_at)`,
  `CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    status TEXT NOT NULL,
    version ${int} NOT NULL,
    created_at ${int} NOT NULL,
    batch_json TEXT NOT NULL
  )`,
  `CREATE INDEX batches_key ON batches (key_id, created_at)`,
  `CREATE INDEX batches_status ON batches (status, created_at)`,
  `CREATE TABLE batch_leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at ${int} NOT NULL)`,
];

export const batches: Migration = {
  version: 7,
  name: "batches",
  sqlite: tables("INTEGER"),
  postgres: tables("BIGINT"),
};
