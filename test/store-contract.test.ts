// One contract, two backends: the same tests against a real SQLite file and a real PostgreSQL
// server (Debian's, started here on loopback with a throw-away data directory).
import assert from "node:assert/strict";
import { MIGRATIONS } from "../src/store/migrations/index.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openStore } from "../src/store/open-store.ts";
import type { NewKey, Store, UsageRecord } from "../src/store/store.ts";
import { startPostgres } from "./helpers/postgres-server.ts";
import type { PostgresServer } from "./helpers/postgres-server.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2026-03-10T12:00:00Z");

function newKey(id: string, over: Partial<NewKey> = {}): NewKey {
  return {
    id,
    name: `key ${id}`,
    secretHash: "ab".repeat(32),
    hint: "sk-bgw-…abcd",
    models: ["anthropic.*"],
    rpm: 60,
    tpm: 1000,
    budget: { usd: 5, period: "month" },
    expiresAt: null,
    enabled: true,
    metadata: { team: "ml" },
    ...over,
  };
}

function usage(over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    ts: T0,
    requestId: "req_1",
    keyId: "vk_000000000001",
    endpoint: "chat.completions",
    model: "claude",
    bedrockModel: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    baseModel: "anthropic.claude-sonnet-4-5-20250929-v1:0",
    inputTokens: 100,
    outputTokens: 50,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    latencyMs: 12.5,
    ttftMs: null,
    status: 200,
    stream: false,
    aborted: false,
    errorType: null,
    costUsd: 0.001,
    abortReason: null,
    usageEstimated: false,
    region: "us-east-1",
    target: "east",
    ...over,
  };
}

/** Every migration version, in order (from the list the store applies). */
const MIGRATION_VERSIONS = MIGRATIONS.map((m) => m.version);

function contract(name: string, open: () => Promise<Store>, reopen: () => Promise<Store>) {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    before(async () => {
      store = await open();
    });
    after(() => store.close());

    it("applies the migrations once, also when opened again", async () => {
      assert.deepEqual(await store.migrations(), MIGRATION_VERSIONS);
      const again = await reopen();
      assert.deepEqual(await again.migrations(), MIGRATION_VERSIONS);
      await again.close();
    });

    it("keeps the first value of a shared setting, whoever asks first and however often", async () => {
      const values = await Promise.all(["a", "b", "c"].map((v) => store.setting("contract_setting", v)));
      assert.equal(new Set(values).size, 1);
      assert.ok(["a", "b", "c"].includes(values[0]!));
      assert.equal(await store.setting("contract_setting", "z"), values[0]);
      const again = await reopen();
      assert.equal(await again.setting("contract_setting", "y"), values[0], "the value survives a reopen (another replica)");
      await again.close();
    });

    it("creates, reads, lists and updates keys", async () => {
      const created = await store.insertKey(newKey("vk_000000000001"), T0);
      assert.equal(created.id, "vk_000000000001");
      assert.deepEqual(created.models, ["anthropic.*"]);
      assert.deepEqual(created.budget, { usd: 5, period: "month" });
      assert.deepEqual(created.metadata, { team: "ml" });
      assert.equal(created.enabled, true);
      assert.equal(created.revokedAt, null);
      assert.equal(created.createdAt, T0);
      assert.deepEqual(await store.getKey("vk_000000000001"), created);
      assert.equal(await store.getKey("vk_ffffffffffff"), undefined);

      await store.insertKey(newKey("vk_000000000002", { models: null, rpm: null, tpm: null, budget: null, expiresAt: T0 + DAY }), T0 + 1);
      const all = await store.listKeys();
      assert.deepEqual(
        all.map((k) => k.id),
        ["vk_000000000001", "vk_000000000002"],
      );
      assert.equal(all[1]!.models, null);
      assert.equal(all[1]!.budget, null);
      assert.equal(all[1]!.expiresAt, T0 + DAY);

      const updated = await store.updateKey(
        "vk_000000000002",
        { rpm: 5, models: ["x.*"], budget: { usd: 1.5, period: "day" }, enabled: false, metadata: {} },
        T0 + 2,
      );
      assert.equal(updated!.rpm, 5);
      assert.deepEqual(updated!.models, ["x.*"]);
      assert.deepEqual(updated!.budget, { usd: 1.5, period: "day" });
      assert.equal(updated!.enabled, false);
      assert.equal(updated!.updatedAt, T0 + 2);
      assert.equal(updated!.createdAt, T0 + 1);
      const cleared = await store.updateKey("vk_000000000002", { budget: null, models: null, revokedAt: T0 + 3 }, T0 + 3);
      assert.equal(cleared!.budget, null);
      assert.equal(cleared!.models, null);
      assert.equal(cleared!.revokedAt, T0 + 3);
      assert.equal(await store.updateKey("vk_ffffffffffff", { rpm: 1 }, T0), undefined);
      await assert.rejects(store.insertKey(newKey("vk_000000000001"), T0), "ids are unique");
    });

    it("writes usage records in batches and reads them back", async () => {
      const batch = [
        usage({ requestId: "a", ts: T0 }),
        usage({
          requestId: "b",
          ts: T0 + 1000,
          stream: true,
          aborted: true,
          abortReason: "shutdown",
          usageEstimated: true,
          ttftMs: 80,
          outputTokens: 7,
          costUsd: 0.0005,
        }),
        usage({
          requestId: "c",
          ts: T0 + DAY,
          region: null,
          target: null,
          keyId: "vk_000000000002",
          bedrockModel: "amazon.nova-lite-v1:0",
          baseModel: "amazon.nova-lite-v1:0",
          costUsd: null,
          status: 429,
          errorType: "rate_limit_exceeded",
          inputTokens: 0,
          outputTokens: 0,
        }),
        usage({ requestId: "d", ts: T0 + 2 * DAY, keyId: null, costUsd: 0.25, cacheReadTokens: 30, cacheWriteTokens: 40 }),
      ];
      await store.insertUsage(batch);
      await store.insertUsage([]);
      const back = await store.usageRecords({ from: 0, to: T0 + 10 * DAY });
      assert.deepEqual(back, batch);
      assert.deepEqual(
        (await store.usageRecords({ from: 0, to: T0 + 10 * DAY, keyId: "vk_000000000002" })).map((r) => r.requestId),
        ["c"],
      );
    });

    it("summarises usage by key (with names), model and UTC day", async () => {
      const range = { from: T0 - DAY, to: T0 + 10 * DAY };
      const byKey = await store.usageSummary({ ...range, groupBy: "key" });
      assert.deepEqual(
        byKey.map((r) => [r.group, r.name, r.requests, r.errors, r.unpricedRequests]),
        [
          ["(none)", null, 1, 0, 0],
          ["vk_000000000001", "key vk_000000000001", 2, 0, 0],
          ["vk_000000000002", "key vk_000000000002", 1, 1, 1],
        ],
      );
      const k1 = byKey[1]!;
      assert.equal(k1.inputTokens, 200);
      assert.equal(k1.outputTokens, 57);
      assert.ok(Math.abs(k1.costUsd - 0.0015) < 1e-12);
      const byModel = await store.usageSummary({ ...range, groupBy: "model" });
      assert.deepEqual(
        byModel.map((r) => [r.group, r.requests]),
        [
          ["amazon.nova-lite-v1:0", 1],
          ["us.anthropic.claude-sonnet-4-5-20250929-v1:0", 3],
        ],
      );
      const byDay = await store.usageSummary({ ...range, groupBy: "day" });
      assert.deepEqual(
        byDay.map((r) => [r.group, r.requests]),
        [
          ["2026-03-10", 2],
          ["2026-03-11", 1],
          ["2026-03-12", 1],
        ],
      );
      assert.equal(byDay[2]!.cacheReadTokens, 30);
      assert.equal(byDay[2]!.cacheWriteTokens, 40);
      const one = await store.usageSummary({ ...range, groupBy: "day", keyId: "vk_000000000001" });
      assert.deepEqual(
        one.map((r) => r.group),
        ["2026-03-10"],
      );
      assert.deepEqual(await store.usageSummary({ from: 0, to: 1, groupBy: "key" }), []);
    });

    it("sums a key's spend since the start of a day (for budgets)", async () => {
      assert.ok(Math.abs((await store.spendSince("vk_000000000001", Date.parse("2026-03-10T00:00:00Z"))) - 0.0015) < 1e-12);
      assert.equal(await store.spendSince("vk_000000000001", Date.parse("2026-03-11T00:00:00Z")), 0);
      assert.equal(await store.spendSince("vk_000000000002", Date.parse("2026-03-01T00:00:00Z")), 0, "unknown costs add nothing");
      await store.insertUsage([usage({ requestId: "e", ts: T0 + 5000, costUsd: 1 })]);
      assert.ok(Math.abs((await store.spendSince("vk_000000000001", Date.parse("2026-03-01T00:00:00Z"))) - 1.0015) < 1e-12);
    });

    it("handles a large batch in one call", async () => {
      const many = Array.from({ length: 2500 }, (_, i) =>
        usage({ requestId: `bulk-${i}`, ts: T0 + 20 * DAY + i, keyId: "vk_00000000bulk" }),
      );
      await store.insertUsage(many);
      const rows = await store.usageSummary({ from: T0 + 20 * DAY, to: T0 + 21 * DAY, groupBy: "key" });
      assert.equal(rows[0]!.requests, 2500);
      assert.ok(Math.abs((await store.spendSince("vk_00000000bulk", T0 + 20 * DAY)) - 2.5) < 1e-9);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "bgw-store-"));
const sqlitePath = join(dir, "nested", "gateway.db");
after(() => rmSync(dir, { recursive: true, force: true }));
contract(
  "SQLite",
  async () => (await openStore({ kind: "sqlite", path: sqlitePath }))!,
  async () => (await openStore({ kind: "sqlite", path: sqlitePath }))!,
);

let pgServer: PostgresServer;
let pgUrl: string;
before(async () => {
  pgServer = await startPostgres();
  pgUrl = await pgServer.createDatabase("contract");
});
after(() => pgServer.stop());
contract(
  "PostgreSQL",
  async () => (await openStore({ kind: "postgres", url: pgUrl, poolSize: 3 }))!,
  async () => (await openStore({ kind: "postgres", url: pgUrl, poolSize: 1 }))!,
);

describe("PostgreSQL migrations", () => {
  it("run once when several replicas start at the same time", async () => {
    const url = await pgServer.createDatabase("concurrent");
    const stores = await Promise.all(Array.from({ length: 4 }, () => openStore({ kind: "postgres", url, poolSize: 1 })));
    for (const s of stores) assert.deepEqual(await s!.migrations(), MIGRATION_VERSIONS);
    await Promise.all(stores.map((s) => s!.close()));
  });
});
