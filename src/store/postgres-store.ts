// PostgreSQL backend (node-postgres, pooled): for several gateway replicas sharing keys, usage and
// stored Responses. Same schema and migrations as SQLite; migrations run under an advisory lock so
// replicas starting together apply each version once.
import pg from "pg";
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
import { postgresResponseStore } from "./postgres-response-store.ts";
import { postgresBatchStore } from "./postgres-batch-store.ts";
import type { AggregateRow, KeyPatch, KeyRecord, NewKey, Store, UsageAggregateQuery, UsageQuery, UsageRecord, UsageRow } from "./store.ts";
import { usageAggregateSql } from "./usage-aggregate-sql.ts";
import { hourlyRollup, hourlyUpsertSql, hourlyValues, ROLLUP_TABLES } from "./usage-rollup.ts";
import { usageSummarySql } from "./usage-summary-sql.ts";

type Row = Record<string, unknown>;

const INT8 = 20;
const NUMERIC = 1700;
/** Epoch-ms BIGINTs and sums fit a double exactly; pg would hand them over as strings. */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format) as unknown;
  }) as typeof pg.types.getTypeParser,
};

/** Rows per INSERT: 20 columns each stays far below PostgreSQL's 65,535 parameters. */
const USAGE_CHUNK = 1000;
const MIGRATION_LOCK = 7_271_828_182; // arbitrary constant shared by every gateway replica

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    );
    const done = new Set((await client.query<Row>("SELECT version FROM schema_migrations")).rows.map((r) => Number(r.version)));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const stmt of m.postgres) await client.query(stmt);
      await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [m.version, m.name, Date.now()]);
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export async function openPostgresStore(url: string, poolSize: number): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection emits here; without a listener it would crash the process.
  pool.on("error", () => {});
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }

  const one = async (sql: string, params: unknown[]) => (await pool.query<Row>(sql, params)).rows[0];

  return {
    kind: "postgres",
    async migrations() {
      return (await pool.query<Row>("SELECT version FROM schema_migrations ORDER BY version")).rows.map((r) => Number(r.version));
    },
    async insertKey(key: NewKey, now: number): Promise<KeyRecord> {
      const cols = keyColumns({ ...key, revokedAt: null, createdAt: now, updatedAt: now }, "postgres");
      const names = Object.keys(cols);
      const row = await one(
        `INSERT INTO api_keys (${names.join(", ")}) VALUES (${names.map((_, i) => `$${i + 1}`).join(", ")}) RETURNING *`,
        Object.values(cols),
      );
      return keyFromRow(row!);
    },
    async getKey(id: string) {
      const row = await one("SELECT * FROM api_keys WHERE id = $1", [id]);
      return row ? keyFromRow(row) : undefined;
    },
    async listKeys() {
      return (await pool.query<Row>("SELECT * FROM api_keys ORDER BY created_at, id")).rows.map(keyFromRow);
    },
    async updateKey(id: string, patch: KeyPatch, now: number) {
      const cols = keyColumns({ ...patch, updatedAt: now }, "postgres");
      const names = Object.keys(cols);
      const sets = names.map((n, i) => `${n} = $${i + 2}`);
      const row = await one(`UPDATE api_keys SET ${sets.join(", ")} WHERE id = $1 RETURNING *`, [id, ...Object.values(cols)]);
      return row ? keyFromRow(row) : undefined;
    },
    async insertUsage(records: UsageRecord[]) {
      if (records.length === 0) return;
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        for (let i = 0; i < records.length; i += USAGE_CHUNK) {
          const chunk = records.slice(i, i + USAGE_CHUNK);
          const params: unknown[] = [];
          const tuples = chunk.map((r) => {
            const values = usageValues(r, "postgres");
            const start = params.length;
            params.push(...values);
            return `(${values.map((_, j) => `$${start + j + 1}`).join(", ")})`;
          });
          await client.query(`INSERT INTO usage_records (${USAGE_COLUMNS.join(", ")}) VALUES ${tuples.join(", ")}`, params);
        }
        // Sorted, so concurrent replicas lock the (key, day) rows in the same order (no deadlock).
        const daily = dailySpend(records).sort((a, b) => (a.keyId + a.day < b.keyId + b.day ? -1 : 1));
        for (const d of daily) {
          await client.query(
            `INSERT INTO key_spend_daily (key_id, day, cost_usd, requests) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key_id, day) DO UPDATE SET cost_usd = key_spend_daily.cost_usd + excluded.cost_usd, requests = key_spend_daily.requests + excluded.requests`,
            [d.keyId, d.day, d.cost, d.requests],
          );
        }
        for (const r of ROLLUP_TABLES) {
          const upsert = hourlyUpsertSql("postgres", r.table);
          for (const h of hourlyRollup(records, r.periodMs)) await client.query(upsert, hourlyValues(h));
        }
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async usageSummary(q: UsageQuery): Promise<UsageRow[]> {
      const { sql, params } = usageSummarySql(q, "postgres");
      return (await pool.query<Row>(sql, params)).rows.map(usageRowFromRow);
    },
    async usageAggregate(q: UsageAggregateQuery): Promise<AggregateRow[]> {
      const { sql, params } = usageAggregateSql(q, "postgres");
      return (await pool.query<Row>(sql, params)).rows.map(aggregateRowFromRow);
    },
    async spendSince(keyId: string, since: number) {
      const row = await one("SELECT COALESCE(SUM(cost_usd), 0) AS s FROM key_spend_daily WHERE key_id = $1 AND day >= $2", [
        keyId,
        utcDay(since),
      ]);
      return Number(row?.s ?? 0);
    },
    async usageRecords(q) {
      const params: unknown[] = [q.from, q.to];
      let sql = "SELECT * FROM usage_records WHERE ts >= $1 AND ts < $2";
      if (q.keyId !== undefined) {
        params.push(q.keyId);
        sql += ` AND key_id = $${params.length}`;
      }
      params.push(q.limit ?? 100_000);
      sql += ` ORDER BY ts, id LIMIT $${params.length}`;
      return (await pool.query<Row>(sql, params)).rows.map(usageFromRow);
    },
    responses: postgresResponseStore(pool),
    batches: postgresBatchStore(pool),
    async setting(name: string, initial: string) {
      await pool.query("INSERT INTO gateway_settings (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING", [
        name,
        initial,
        Date.now(),
      ]);
      const row = await one("SELECT value FROM gateway_settings WHERE name = $1", [name]);
      return String(row!.value);
    },
    async close() {
      await pool.end();
    },
  };
}
