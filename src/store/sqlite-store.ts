// SQLite backend (better-sqlite3): one file under DATA_DIR, created on first start, WAL mode so
// readers (the CLI, a second process) never block the gateway's writes. better-sqlite3 is
// synchronous: the gateway calls it off the hot path (cached key lookups, batched usage writes once
// a second) or for one indexed row per request (stored Responses), where one short transaction
// costs well under a millisecond.
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Database as Db } from "better-sqlite3";
import { MIGRATIONS } from "./migrations/index.ts";
import {
  aggregateRowFromRow,
  dailySpend,
  keyColumns,
  keyFromRow,
  USAGE_COLUMNS,
  usageFromRow,
  usageRowFromRow,
  usageValues,
  utcDay,
} from "./rows.ts";
import { sqliteResponseStore } from "./sqlite-response-store.ts";
import { sqliteBatchStore } from "./sqlite-batch-store.ts";
import type { AggregateRow, KeyPatch, KeyRecord, NewKey, Store, UsageAggregateQuery, UsageQuery, UsageRecord, UsageRow } from "./store.ts";
import { usageAggregateSql } from "./usage-aggregate-sql.ts";
import { hourlyRollup, hourlyUpsertSql, hourlyValues, ROLLUP_TABLES } from "./usage-rollup.ts";
import { usageSummarySql } from "./usage-summary-sql.ts";

type Row = Record<string, unknown>;

function migrate(db: Db): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  // IMMEDIATE takes the write lock first, so two processes starting together migrate once.
  const apply = db.transaction(() => {
    const done = new Set((db.prepare("SELECT version FROM schema_migrations").all() as Row[]).map((r) => Number(r.version)));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const stmt of m.sqlite) db.exec(stmt);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, Date.now());
    }
  });
  apply.immediate();
}

/**
 * The database holds key hashes, stored conversations and the Responses sealing key: folders the
 * gateway creates are 0700 and the file is 0600 (SQLite gives its -wal and -shm files the same
 * mode). A file left 0644 by an older version is tightened; an existing folder is left alone (it
 * may be shared, such as /tmp).
 */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, "a", 0o600));
  try {
    chmodSync(path, 0o600);
  } catch {
    // Not ours to change (a file provided read-write by someone else): keep it as it is.
  }
}

export function openSqliteStore(path: string): Store {
  if (path !== ":memory:") createPrivately(path);
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  // NORMAL under WAL: a commit survives a process crash; only a power loss may drop the last ones.
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  migrate(db);

  const getKey = db.prepare("SELECT * FROM api_keys WHERE id = ?");
  const insertUsage = db.prepare(
    `INSERT INTO usage_records (${USAGE_COLUMNS.join(", ")}) VALUES (${USAGE_COLUMNS.map(() => "?").join(", ")})`,
  );
  const upsertSpend = db.prepare(
    `INSERT INTO key_spend_daily (key_id, day, cost_usd, requests) VALUES (?, ?, ?, ?)
     ON CONFLICT (key_id, day) DO UPDATE SET cost_usd = key_spend_daily.cost_usd + excluded.cost_usd, requests = key_spend_daily.requests + excluded.requests`,
  );
  const upsertRollups = ROLLUP_TABLES.map((r) => ({ periodMs: r.periodMs, stmt: db.prepare(hourlyUpsertSql("sqlite", r.table)) }));
  const insertMany = db.transaction((records: UsageRecord[]) => {
    for (const r of records) insertUsage.run(...usageValues(r, "sqlite"));
    for (const d of dailySpend(records)) upsertSpend.run(d.keyId, d.day, d.cost, d.requests);
    for (const u of upsertRollups) for (const h of hourlyRollup(records, u.periodMs)) u.stmt.run(...hourlyValues(h));
  });
  const spend = db.prepare("SELECT COALESCE(SUM(cost_usd), 0) AS s FROM key_spend_daily WHERE key_id = ? AND day >= ?");

  const store: Store = {
    kind: "sqlite",
    async migrations() {
      return (db.prepare("SELECT version FROM schema_migrations ORDER BY version").all() as Row[]).map((r) => Number(r.version));
    },
    async insertKey(key: NewKey, now: number): Promise<KeyRecord> {
      const cols = keyColumns({ ...key, revokedAt: null, createdAt: now, updatedAt: now }, "sqlite");
      const names = Object.keys(cols);
      db.prepare(`INSERT INTO api_keys (${names.join(", ")}) VALUES (${names.map((n) => `@${n}`).join(", ")})`).run(cols);
      return keyFromRow(getKey.get(key.id) as Row);
    },
    async getKey(id: string) {
      const row = getKey.get(id) as Row | undefined;
      return row ? keyFromRow(row) : undefined;
    },
    async listKeys() {
      return (db.prepare("SELECT * FROM api_keys ORDER BY created_at, id").all() as Row[]).map(keyFromRow);
    },
    async updateKey(id: string, patch: KeyPatch, now: number) {
      const cols = keyColumns({ ...patch, updatedAt: now }, "sqlite");
      const sets = Object.keys(cols).map((n) => `${n} = @${n}`);
      const info = db.prepare(`UPDATE api_keys SET ${sets.join(", ")} WHERE id = @__id`).run({ ...cols, __id: id });
      if (info.changes === 0) return undefined;
      return keyFromRow(getKey.get(id) as Row);
    },
    async insertUsage(records: UsageRecord[]) {
      if (records.length > 0) insertMany(records);
    },
    async usageSummary(q: UsageQuery): Promise<UsageRow[]> {
      const { sql, params } = usageSummarySql(q, "sqlite");
      return (db.prepare(sql).all(...params) as Row[]).map(usageRowFromRow);
    },
    async usageAggregate(q: UsageAggregateQuery): Promise<AggregateRow[]> {
      const { sql, params } = usageAggregateSql(q, "sqlite");
      return (db.prepare(sql).all(...params) as Row[]).map(aggregateRowFromRow);
    },
    async spendSince(keyId: string, since: number) {
      return Number((spend.get(keyId, utcDay(since)) as Row).s);
    },
    async usageRecords(q) {
      const params: unknown[] = [q.from, q.to];
      let sql = "SELECT * FROM usage_records WHERE ts >= ? AND ts < ?";
      if (q.keyId !== undefined) {
        sql += " AND key_id = ?";
        params.push(q.keyId);
      }
      sql += " ORDER BY ts, id LIMIT ?";
      params.push(q.limit ?? 100_000);
      return (db.prepare(sql).all(...params) as Row[]).map(usageFromRow);
    },
    responses: sqliteResponseStore(db),
    batches: sqliteBatchStore(db),
    async setting(name: string, initial: string) {
      db.prepare("INSERT OR IGNORE INTO gateway_settings (name, value, created_at) VALUES (?, ?, ?)").run(name, initial, Date.now());
      return String((db.prepare("SELECT value FROM gateway_settings WHERE name = ?").get(name) as Row).value);
    },
    async close() {
      if (db.open) db.close();
    },
  };
  return store;
}
