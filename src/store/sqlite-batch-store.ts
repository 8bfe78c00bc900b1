// Files and batches in the SQLite store (migration 007). Statements are prepared once; each call
// touches one indexed row or one page.
import type { Database as Db } from "better-sqlite3";
import type { BatchStore, StoredBatch } from "../batch/batch-store.ts";
import { ACTIVE_BATCH_STATUSES } from "../batch/batch-store.ts";
import { AFTER_CURSOR, batchFromRow, batchJson, fileFromRow } from "./batch-rows.ts";

type Row = Record<string, unknown>;
const q = () => "?";

export function sqliteBatchStore(db: Db): BatchStore {
  const insertFile = db.prepare("INSERT INTO batch_files (id, key_id, purpose, created_at, file_json) VALUES (?, ?, ?, ?, ?)");
  const getFile = db.prepare("SELECT file_json FROM batch_files WHERE id = ? AND key_id = ?");
  const deleteFile = db.prepare("DELETE FROM batch_files WHERE id = ? AND key_id = ?");
  const insertBatch = db.prepare("INSERT INTO batches (id, key_id, status, version, created_at, batch_json) VALUES (?, ?, ?, ?, ?, ?)");
  const getBatch = db.prepare("SELECT * FROM batches WHERE id = ?");
  const getOwnBatch = db.prepare("SELECT * FROM batches WHERE id = ? AND key_id = ?");
  const updateBatch = db.prepare("UPDATE batches SET status = ?, version = version + 1, batch_json = ? WHERE id = ? AND version = ?");
  const active = db.prepare(
    `SELECT * FROM batches WHERE status IN (${ACTIVE_BATCH_STATUSES.map(() => "?").join(", ")}) ORDER BY created_at, id LIMIT ?`,
  );
  const lease = db.prepare(
    `INSERT INTO batch_leases (name, holder, expires_at) VALUES (@name, @holder, @until)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
     WHERE batch_leases.holder = excluded.holder OR batch_leases.expires_at <= @now`,
  );
  const release = db.prepare("UPDATE batch_leases SET expires_at = 0 WHERE name = ? AND holder = ?");

  return {
    async insertFile(f) {
      insertFile.run(f.id, f.keyId, f.purpose, f.createdAt, JSON.stringify(f));
    },
    async getFile(id, keyId) {
      const row = getFile.get(id, keyId) as Row | undefined;
      return row && fileFromRow(row);
    },
    async listFiles(keyId, { after, limit, purpose }) {
      const params: unknown[] = [keyId];
      let sql = "SELECT file_json FROM batch_files WHERE key_id = ?";
      if (purpose) {
        sql += " AND purpose = ?";
        params.push(purpose);
      }
      if (after) {
        sql += ` AND ${AFTER_CURSOR("batch_files", q, 0)}`;
        params.push(after, keyId);
      }
      sql += " ORDER BY created_at DESC, id DESC LIMIT ?";
      params.push(limit);
      return (db.prepare(sql).all(...params) as Row[]).map(fileFromRow);
    },
    async deleteFile(id, keyId) {
      return deleteFile.run(id, keyId).changes > 0;
    },
    async insertBatch(b) {
      insertBatch.run(b.id, b.keyId, b.status, b.version, b.createdAt, batchJson(b));
    },
    async getBatch(id, keyId) {
      const row = (keyId === undefined ? getBatch.get(id) : getOwnBatch.get(id, keyId)) as Row | undefined;
      return row && batchFromRow(row);
    },
    async listBatches(keyId, { after, limit }) {
      const params: unknown[] = [keyId];
      let sql = "SELECT * FROM batches WHERE key_id = ?";
      if (after) {
        sql += ` AND ${AFTER_CURSOR("batches", q, 0)}`;
        params.push(after, keyId);
      }
      sql += " ORDER BY created_at DESC, id DESC LIMIT ?";
      params.push(limit);
      return (db.prepare(sql).all(...params) as Row[]).map(batchFromRow);
    },
    async updateBatch(b: StoredBatch) {
      return updateBatch.run(b.status, batchJson(b), b.id, b.version).changes > 0;
    },
    async activeBatches(limit) {
      return (active.all(...ACTIVE_BATCH_STATUSES, limit) as Row[]).map(batchFromRow);
    },
    async acquireLease(name, holder, ttlMs, now) {
      return lease.run({ name, holder, until: now + ttlMs, now }).changes > 0;
    },
    async releaseLease(name, holder) {
      release.run(name, holder);
    },
  };
}
