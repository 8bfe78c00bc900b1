// Files and batches in PostgreSQL (migration 007): every replica sees every batch; the lease row
// makes one of them the poller.
import type pg from "pg";
import type { BatchStore, StoredBatch } from "../batch/batch-store.ts";
import { ACTIVE_BATCH_STATUSES } from "../batch/batch-store.ts";
import { AFTER_CURSOR, batchFromRow, batchJson, fileFromRow } from "./batch-rows.ts";

type Row = Record<string, unknown>;
const dollar = (n: number) => `$${n + 1}`;

export function postgresBatchStore(pool: pg.Pool): BatchStore {
  const rows = async (sql: string, params: unknown[]) => (await pool.query<Row>(sql, params)).rows;
  const count = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rowCount ?? 0;

  return {
    async insertFile(f) {
      await pool.query("INSERT INTO batch_files (id, key_id, purpose, created_at, file_json) VALUES ($1, $2, $3, $4, $5)", [
        f.id,
        f.keyId,
        f.purpose,
        f.createdAt,
        JSON.stringify(f),
      ]);
    },
    async getFile(id, keyId) {
      const [row] = await rows("SELECT file_json FROM batch_files WHERE id = $1 AND key_id = $2", [id, keyId]);
      return row && fileFromRow(row);
    },
    async listFiles(keyId, { after, limit, purpose }) {
      const params: unknown[] = [keyId];
      let sql = "SELECT file_json FROM batch_files WHERE key_id = $1";
      if (purpose) {
        params.push(purpose);
        sql += ` AND purpose = $${params.length}`;
      }
      if (after) {
        sql += ` AND ${AFTER_CURSOR("batch_files", dollar, params.length)}`;
        params.push(after, keyId);
      }
      params.push(limit);
      sql += ` ORDER BY created_at DESC, id DESC LIMIT $${params.length}`;
      return (await rows(sql, params)).map(fileFromRow);
    },
    async deleteFile(id, keyId) {
      return (await count("DELETE FROM batch_files WHERE id = $1 AND key_id = $2", [id, keyId])) > 0;
    },
    async insertBatch(b) {
      await pool.query("INSERT INTO batches (id, key_id, status, version, created_at, batch_json) VALUES ($1, $2, $3, $4, $5, $6)", [
        b.id,
        b.keyId,
        b.status,
        b.version,
        b.createdAt,
        batchJson(b),
      ]);
    },
    async getBatch(id, keyId) {
      const [row] =
        keyId === undefined
          ? await rows("SELECT * FROM batches WHERE id = $1", [id])
          : await rows("SELECT * FROM batches WHERE id = $1 AND key_id = $2", [id, keyId]);
      return row && batchFromRow(row);
    },
    async listBatches(keyId, { after, limit }) {
      const params: unknown[] = [keyId];
      let sql = "SELECT * FROM batches WHERE key_id = $1";
      if (after) {
        sql += ` AND ${AFTER_CURSOR("batches", dollar, params.length)}`;
        params.push(after, keyId);
      }
      params.push(limit);
      sql += ` ORDER BY created_at DESC, id DESC LIMIT $${params.length}`;
      return (await rows(sql, params)).map(batchFromRow);
    },
    async updateBatch(b: StoredBatch) {
      return (
        (await count("UPDATE batches SET status = $1, version = version + 1, batch_json = $2 WHERE id = $3 AND version = $4", [
          b.status,
          batchJson(b),
          b.id,
          b.version,
        ])) > 0
      );
    },
    async activeBatches(limit) {
      return (
        await rows("SELECT * FROM batches WHERE status = ANY($1) ORDER BY created_at, id LIMIT $2", [ACTIVE_BATCH_STATUSES, limit])
      ).map(batchFromRow);
    },
    async acquireLease(name, holder, ttlMs, now) {
      return (
        (await count(
          `INSERT INTO batch_leases (name, holder, expires_at) VALUES ($1, $2, $3)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE batch_leases.holder = excluded.holder OR batch_leases.expires_at <= $4`,
          [name, holder, now + ttlMs, now],
        )) > 0
      );
    },
    async releaseLease(name, holder) {
      await pool.query("UPDATE batch_leases SET expires_at = 0 WHERE name = $1 AND holder = $2", [name, holder]);
    },
  };
}
