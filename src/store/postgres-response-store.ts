// Stored Responses in PostgreSQL (table `responses`, migration 002): every replica sharing the
// database sees every stored response. A chain is one recursive query rather than one round trip
// per turn; the purge skips rows another replica is already deleting.
import type pg from "pg";
import type { ResponseStore } from "./response-store.ts";
import { MAX_CHAIN, pageItems } from "./response-store.ts";
import { itemsFromRow, PURGE_BATCH, purgeSchedule, RESPONSE_COLUMNS, responseFromRow, responseValues } from "./response-rows.ts";

type Row = Record<string, unknown>;

const VISIBLE = "id = $1 AND key_id = $2 AND expires_at > $3";
const UPSERT = `INSERT INTO responses (${RESPONSE_COLUMNS.join(", ")}) VALUES (${RESPONSE_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})
  ON CONFLICT (id) DO UPDATE SET ${RESPONSE_COLUMNS.slice(1)
    .map((c) => `${c} = excluded.${c}`)
    .join(", ")}`;
const CHAIN = `WITH RECURSIVE chain (id, prev, depth) AS (
    SELECT id, previous_response_id, 0 FROM responses WHERE ${VISIBLE}
    UNION ALL
    SELECT r.id, r.previous_response_id, c.depth + 1 FROM chain c JOIN responses r ON r.id = c.prev
    WHERE r.key_id = $2 AND r.expires_at > $3 AND c.depth + 1 < $4
  )
  SELECT r.* FROM chain c JOIN responses r ON r.id = c.id ORDER BY c.depth DESC`;
const PURGE = `DELETE FROM responses WHERE id IN (
  SELECT id FROM responses WHERE expires_at <= $1 ORDER BY expires_at LIMIT ${PURGE_BATCH} FOR UPDATE SKIP LOCKED)`;

export function postgresResponseStore(pool: pg.Pool): ResponseStore {
  const schedule = purgeSchedule();
  const rows = async (sql: string, params: unknown[]) => (await pool.query<Row>(sql, params)).rows;

  return {
    kind: "postgres",
    async save(r) {
      const now = Date.now();
      if (schedule.due(now)) schedule.purged((await pool.query(PURGE, [now])).rowCount ?? 0);
      await pool.query(UPSERT, responseValues(r));
    },
    async get(id, keyId, now = Date.now()) {
      const [row] = await rows(`SELECT * FROM responses WHERE ${VISIBLE}`, [id, keyId, now]);
      return row && responseFromRow(row);
    },
    async chain(id, keyId, now = Date.now()) {
      return (await rows(CHAIN, [id, keyId, now, MAX_CHAIN])).map(responseFromRow);
    },
    async delete(id, keyId) {
      return ((await pool.query(`DELETE FROM responses WHERE ${VISIBLE}`, [id, keyId, Date.now()])).rowCount ?? 0) > 0;
    },
    async listInputItems(id, keyId, q, now = Date.now()) {
      const [row] = await rows(`SELECT input_json FROM responses WHERE ${VISIBLE}`, [id, keyId, now]);
      return row && pageItems(itemsFromRow(row), q);
    },
    // The PostgreSQL store owns the pool and ends it.
    async close() {},
  };
}
