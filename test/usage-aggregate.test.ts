// The console's aggregations on both backends (a real SQLite file and a real PostgreSQL server):
// time buckets, top keys and models, filters, day grouping; the hourly rollup (migration 5) and the
// raw records give the same answers; records written before migration 5 are rolled up by it.
import assert from "node:assert/strict";
import { MIGRATIONS } from "../src/store/migrations/index.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { loadOverview, rangeWindow } from "../src/console/overview-data.ts";
import { openStore } from "../src/store/open-store.ts";
import type { AggregateRow, Store, UsageRecord } from "../src/store/store.ts";
import { startPostgres } from "./helpers/postgres-server.ts";
import type { PostgresServer } from "./helpers/postgres-server.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse("2026-05-01T00:00:00Z");

function rec(over: Partial<UsageRecord>): UsageRecord {
  return {
    ts: T0,
    requestId: "r",
    keyId: "vk_aaaaaaaaaaaa",
    endpoint: "chat.completions",
    model: "nova",
    bedrockModel: "amazon.nova-lite-v1:0",
    baseModel: "amazon.nova-lite-v1:0",
    inputTokens: 10,
    outputTokens: 5,
    cacheReadTokens: 1,
    cacheWriteTokens: 2,
    latencyMs: 100,
    ttftMs: 20,
    status: 200,
    stream: false,
    aborted: false,
    errorType: null,
    costUsd: 0.5,
    ...over,
  };
}

/** Three days of traffic: key A on nova every hour, key B on claude every 3 hours (every 4th failing), one keyless unpriced call. */
function traffic(): UsageRecord[] {
  const out: UsageRecord[] = [];
  for (let h = 0; h < 72; h++) {
    out.push(rec({ ts: T0 + h * HOUR + 60_000, requestId: `a${h}` }));
    if (h % 3 === 0) {
      out.push(
        rec({
          ts: T0 + h * HOUR + 120_000,
          requestId: `b${h}`,
          keyId: "vk_bbbbbbbbbbbb",
          model: "claude",
          bedrockModel: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
          inputTokens: 100,
          outputTokens: 50,
          costUsd: 2,
          status: h % 12 === 0 ? 429 : 200,
          latencyMs: 300,
        }),
      );
    }
  }
  out.push(rec({ ts: T0 + 5 * HOUR + 30 * 60_000, requestId: "none", keyId: null, model: "mystery", bedrockModel: null, costUsd: null }));
  return out;
}

const byGroup = (rows: AggregateRow[]) => Object.fromEntries(rows.map((r) => [r.group, r]));

function suite(name: string, open: () => Promise<Store>) {
  describe(`console aggregations: ${name}`, () => {
    let store: Store;
    before(async () => {
      store = await open();
      await store.insertKey(
        {
          id: "vk_aaaaaaaaaaaa",
          name: "team-a",
          secretHash: "x",
          hint: "h",
          models: null,
          rpm: null,
          tpm: null,
          budget: null,
          expiresAt: null,
          enabled: true,
          metadata: {},
        },
        T0,
      );
      // Two batches that share hours: the rollup adds up across batches.
      const all = traffic();
      await store.insertUsage(all.slice(0, 50));
      await store.insertUsage(all.slice(50));
    });
    after(() => store.close());

    it("groups by key with names, counting errors, tokens, cost and unpriced requests", async () => {
      const rows = byGroup(await store.usageAggregate({ from: T0, to: T0 + 3 * DAY, groupBy: "key" }));
      assert.deepEqual(Object.keys(rows).sort(), ["(none)", "vk_aaaaaaaaaaaa", "vk_bbbbbbbbbbbb"]);
      const a = rows.vk_aaaaaaaaaaaa!;
      assert.equal(a.name, "team-a");
      assert.equal(a.requests, 72);
      assert.equal(a.inputTokens, 720);
      assert.equal(a.cacheWriteTokens, 144);
      assert.ok(Math.abs(a.costUsd - 36) < 1e-9);
      assert.equal(a.meanLatencyMs, 100);
      const b = rows.vk_bbbbbbbbbbbb!;
      assert.equal(b.requests, 24);
      assert.equal(b.errors, 6);
      assert.equal(b.name, null);
      assert.equal(rows["(none)"]!.unpricedRequests, 1);
      assert.equal(rows["(none)"]!.costUsd, 0);
    });

    it("answers the same from the hourly rollup and from the records", async () => {
      // Whole days read usage_daily, whole hours usage_hourly; shifting both ends by one ms forces the records.
      for (const groupBy of ["key", "model", "day"] as const) {
        const daily = await store.usageAggregate({ from: T0, to: T0 + 3 * DAY, groupBy });
        const raw = await store.usageAggregate({ from: T0 - 1, to: T0 + 3 * DAY - 1, groupBy });
        assert.deepEqual(daily, raw, groupBy);
        const hourly = await store.usageAggregate({ from: T0 + 5 * HOUR, to: T0 + 50 * HOUR, groupBy });
        const rawHours = await store.usageAggregate({ from: T0 + 5 * HOUR - 1, to: T0 + 50 * HOUR - 1, groupBy });
        assert.deepEqual(hourly, rawHours, `${groupBy}, hours`);
      }
      const rollupHours = await store.usageAggregate({ from: T0, to: T0 + DAY, groupBy: "bucket", bucketMs: HOUR });
      const rawMinutes = await store.usageAggregate({ from: T0, to: T0 + DAY, groupBy: "bucket", bucketMs: 60_000 });
      assert.equal(rollupHours.length, 24);
      assert.equal(rawMinutes.length, 24 + 8 + 1, "a minute bucket per record time");
      assert.equal(
        rollupHours.reduce((s, r) => s + r.requests, 0),
        rawMinutes.reduce((s, r) => s + r.requests, 0),
      );
    });

    it("buckets by UTC day and hour, and filters by key and model", async () => {
      const days = await store.usageAggregate({ from: T0, to: T0 + 3 * DAY, groupBy: "day" });
      assert.deepEqual(
        days.map((d) => [d.group, d.requests]),
        [
          ["2026-05-01", 24 + 8 + 1],
          ["2026-05-02", 32],
          ["2026-05-03", 32],
        ],
      );
      const dayBuckets = await store.usageAggregate({ from: T0, to: T0 + 3 * DAY, groupBy: "bucket", bucketMs: DAY });
      assert.deepEqual(
        dayBuckets.map((d) => [Number(d.group), d.requests]),
        [
          [T0, 33],
          [T0 + DAY, 32],
          [T0 + 2 * DAY, 32],
        ],
      );
      const onlyB = await store.usageAggregate({ from: T0, to: T0 + 3 * DAY, groupBy: "day", keyId: "vk_bbbbbbbbbbbb" });
      assert.deepEqual(
        onlyB.map((d) => d.requests),
        [8, 8, 8],
      );
      const nova = await store.usageAggregate({ from: T0, to: T0 + 3 * DAY, groupBy: "key", model: "amazon.nova-lite-v1:0" });
      assert.deepEqual(
        nova.map((r) => [r.group, r.requests]),
        [["vk_aaaaaaaaaaaa", 72]],
      );
      const mystery = await store.usageAggregate({ from: T0 - 1, to: T0 + DAY, groupBy: "key", model: "mystery" });
      assert.deepEqual(
        mystery.map((r) => [r.group, r.requests]),
        [["(none)", 1]],
      );
    });

    it("lists the top keys and models by cost, limited", async () => {
      const top = await store.usageAggregate({ from: T0, to: T0 + 3 * DAY, groupBy: "model", top: 2 });
      assert.deepEqual(
        top.map((r) => r.group),
        ["us.anthropic.claude-sonnet-4-5-20250929-v1:0", "amazon.nova-lite-v1:0"],
      );
      const one = await store.usageAggregate({ from: T0, to: T0 + 3 * DAY, groupBy: "key", top: 1 });
      assert.deepEqual(
        one.map((r) => r.group),
        ["vk_bbbbbbbbbbbb"],
      );
    });

    it("builds the overview: every bucket of the window, totals, top lists", async () => {
      const now = T0 + 2 * DAY + 30 * 60_000; // day 3, 00:30
      const o = await loadOverview(store, "day", now);
      assert.equal(o.series.length, 24);
      assert.equal(o.window.to, T0 + 2 * DAY + HOUR);
      assert.equal(
        o.totals.requests,
        o.series.reduce((s, p) => s + p.requests, 0),
      );
      assert.equal(o.totals.requests, 24 + 8);
      assert.equal(o.topKeys[0]!.group, "vk_bbbbbbbbbbbb");
      const hour = await loadOverview(store, "hour", T0 + 5 * HOUR + 59 * 60_000);
      assert.equal(hour.series.length, 60);
      assert.equal(hour.totals.requests, 2, "minute buckets from the records: key A at 05:01 and the keyless call at 05:30");
      assert.equal(hour.totals.unpriced, 1);
      const month = await loadOverview(store, "month", T0 + 2 * DAY);
      assert.equal(month.series.length, 30);
      assert.equal(month.totals.requests, 97);
      assert.deepEqual(rangeWindow("month", T0 + 2 * DAY), { from: T0 + 3 * DAY - 30 * DAY, to: T0 + 3 * DAY, bucketMs: DAY });
    });

    it("returns nothing for an empty range", async () => {
      assert.deepEqual(await store.usageAggregate({ from: 0, to: HOUR, groupBy: "bucket", bucketMs: HOUR }), []);
      await assert.rejects(store.usageAggregate({ from: 0, to: HOUR, groupBy: "bucket", bucketMs: 0 }), /bucketMs/);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "bgw-agg-"));
after(() => rmSync(dir, { recursive: true, force: true }));
suite("SQLite", async () => (await openStore({ kind: "sqlite", path: join(dir, "agg.db") }))!);

let pg: PostgresServer;
before(async () => {
  pg = await startPostgres();
});
after(() => pg.stop());
suite("PostgreSQL", async () => (await openStore({ kind: "postgres", url: await pg.createDatabase("aggregations"), poolSize: 2 }))!);

describe("migration 5 on a database that already has usage", () => {
  it("rolls up the records written before it", async () => {
    const path = join(dir, "upgrade.db");
    const store = (await openStore({ kind: "sqlite", path }))!;
    await store.insertUsage(traffic());
    const expected = await store.usageAggregate({ from: T0 - 1, to: T0 + 3 * DAY, groupBy: "model" });
    await store.close();
    // Back to version 3: no rollup table, as an older release left it.
    const db = new Database(path);
    db.exec("DROP TABLE usage_hourly; DROP TABLE usage_daily; DELETE FROM schema_migrations WHERE version = 5");
    db.close();
    const upgraded = (await openStore({ kind: "sqlite", path }))!;
    assert.deepEqual(
      await upgraded.migrations(),
      MIGRATIONS.map((m) => m.version),
    );
    assert.deepEqual(await upgraded.usageAggregate({ from: T0, to: T0 + 3 * DAY, groupBy: "model" }), expected);
    await upgraded.close();
  });
});
