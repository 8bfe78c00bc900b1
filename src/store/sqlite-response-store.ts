// Stored Responses in the SQLite store's database (table `responses`, migration 002). Calls are
// synchronous and short: one indexed row, or one recursive query for a whole chain.
import type { Database as Db } from "better-sqlite3";
import type { ResponseStore } from "./response-store.ts";
import { MAX_CHAIN, pageItems } from "./response-store.ts";
import { itemsFromRow, PURGE_BATCH, purgeSchedule, RESPONSE_COLUMNS, responseFromRow, responseValues } from "./response-rows.ts";

type Row = Record<string, unknown>;

const VISIBLE = "id = @id AND key_id = @keyId AND expires_at > @now";

export function sqliteResponseStore(db: Db): ResponseStore {
  const insert = db.prepare(
    `INSERT OR REPLACE INTO responses (${RESPONSE_COLUMNS.join(", ")}) VALUES (${RESPONSE_COLUMNS.map(() => "?").join(", ")})`,
  );
  const select = db.prepare(`SELECT * FROM responses WHERE ${VISIBLE}`);
  const selectItems = db.prepare(`SELECT input_json FROM responses WHERE ${VISIBLE}`);
  const remove = db.prepare(`DELETE FROM responses WHERE ${VISIBLE}`);
  const chain = db.prepare(
    `WITH RECURSIVE chain (id, prev, depth) AS (
       SELECT id, previous_response_id, 0 FROM responses WHERE ${VISIBLE}
       UNION ALL
       SELECT r.id, r.previous_response_id, c.depth + 1 FROM chain c JOIN responses r ON r.id = c.prev
       WHERE r.key_id = @keyId AND r.expires_at > @now AND c.depth + 1 < @max
     )
     SELECT r.* FROM chain c JOIN responses r ON r.id = c.id ORDER BY c.depth DESC`,
  );
  const purge = db.prepare(
    `DELETE FROM responses WHERE id IN (SELECT id FROM responses WHERE expires_at <= ? ORDER BY expires_at LIMIT ${PURGE_BATCH})`,
  );
  const schedule = purgeSchedule();

  return {
    kind: "sqlite",
    async save(r) {
      const now = Date.now();
      if (schedule.due(now)) schedule.purged(purge.run(now).changes);
      insert.run(...responseValues(r));
    },
    async get(id, keyId, now = Date.now()) {
      const row = select.get({ id, keyId, now }) as Row | undefined;
      return row && responseFromRow(row);
    },
    async chain(id, keyId, now = Date.now()) {
      return (chain.all({ id, keyId, now, max: MAX_CHAIN }) as Row[]).map(responseFromRow);
    },
    async delete(id, keyId) {
      return remove.run({ id, keyId, now: Date.now() }).changes > 0;
    },
    async listInputItems(id, keyId, q, now = Date.now()) {
      const row = selectItems.get({ id, keyId, now }) as Row | undefined;
      return row && pageItems(itemsFromRow(row), q);
    },
    // The SQLite store owns the connection and closes it.
    async close() {},
  };
}
