// The embedded ResponseStore: one SQLite file (DATA_DIR/responses.db, WAL mode) through
// better-sqlite3. Calls are synchronous and short (one indexed row); expired rows are purged at
// most once a minute on save. The keys and usage store (issue 7) can take this table over later.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { ItemPage, ItemPageQuery, ResponseStore, StoredItem, StoredResponse } from "./response-store.ts";
import { pageItems } from "./response-store.ts";

const SCHEMA = `CREATE TABLE IF NOT EXISTS responses (
  id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  previous_response_id TEXT,
  response_json TEXT NOT NULL,
  input_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS responses_expires_at ON responses (expires_at);`;

type Row = { id: string; key_id: string; created_at: number; expires_at: number; previous_response_id: string | null; response_json: string; input_json: string };

const PURGE_EVERY_MS = 60_000;

export function sqliteResponseStore(path: string): ResponseStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);

  const insert = db.prepare(
    `INSERT OR REPLACE INTO responses (id, key_id, created_at, expires_at, previous_response_id, response_json, input_json)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const select = db.prepare("SELECT * FROM responses WHERE id = ? AND key_id = ? AND expires_at > ?");
  const remove = db.prepare("DELETE FROM responses WHERE id = ? AND key_id = ? AND expires_at > ?");
  const purge = db.prepare("DELETE FROM responses WHERE expires_at <= ?");
  let lastPurge = 0;

  const fromRow = (r: Row): StoredResponse => ({
    id: r.id,
    keyId: r.key_id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    previousResponseId: r.previous_response_id,
    response: JSON.parse(r.response_json) as StoredResponse["response"],
    input: JSON.parse(r.input_json) as StoredItem[],
  });

  return {
    kind: "sqlite",
    async save(r) {
      const now = Date.now();
      if (now - lastPurge > PURGE_EVERY_MS) {
        lastPurge = now;
        purge.run(now);
      }
      insert.run(r.id, r.keyId, r.createdAt, r.expiresAt, r.previousResponseId, JSON.stringify(r.response), JSON.stringify(r.input));
    },
    async get(id, keyId, now = Date.now()) {
      const row = select.get(id, keyId, now) as Row | undefined;
      return row && fromRow(row);
    },
    async delete(id, keyId) {
      return remove.run(id, keyId, Date.now()).changes > 0;
    },
    async listInputItems(id: string, keyId: string, q: ItemPageQuery, now = Date.now()): Promise<ItemPage | undefined> {
      const row = select.get(id, keyId, now) as Row | undefined;
      return row && pageItems(JSON.parse(row.input_json) as StoredItem[], q);
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
