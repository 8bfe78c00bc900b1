// The batch tables (migration 7) behave the same on SQLite and PostgreSQL: per-key scoping, cursor
// pages newest first, compare-and-set updates, the active list the poller reads, and the lease
// that makes one replica the poller.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { StoredBatch, StoredFile } from "../src/batch/batch-store.ts";
import { openStore } from "../src/store/open-store.ts";
import type { Store } from "../src/store/store.ts";
import { startPostgres } from "./helpers/postgres-server.ts";
import type { PostgresServer } from "./helpers/postgres-server.ts";

const T0 = Date.parse("2026-05-01T00:00:00Z");

const file = (id: string, keyId: string, createdAt: number, purpose: StoredFile["purpose"] = "batch"): StoredFile => ({
  id,
  keyId,
  purpose,
  filename: `${id}.jsonl`,
  bytes: 10,
  createdAt,
  objectKey: `files/${id}.jsonl`,
  lines: 1,
});

const batch = (id: string, keyId: string, createdAt: number, status: StoredBatch["status"] = "validating"): StoredBatch => ({
  id,
  keyId,
  version: 0,
  status,
  endpoint: "/v1/chat/completions",
  inputFileId: "file-1",
  completionWindow: "24h",
  metadata: { a: "b" },
  errors: null,
  outputFileId: null,
  errorFileId: null,
  requestCounts: { total: 1, completed: 0, failed: 0 },
  createdAt,
  inProgressAt: null,
  finalizingAt: null,
  completedAt: null,
  failedAt: null,
  expiredAt: null,
  cancellingAt: null,
  cancelledAt: null,
  expiresAt: createdAt + 86_400_000,
  jobs: [
    {
      model: "m",
      bedrockModel: "m",
      baseModel: "m",
      mode: "job",
      lines: [1],
      records: 1,
      status: "Submitted",
      processed: 0,
      succeeded: 0,
      failed: 0,
    },
  ],
});

function contract(name: string, open: () => Promise<Store>) {
  describe(`batch store contract: ${name}`, () => {
    let store: Store;
    before(async () => {
      store = await open();
    });
    after(() => store.close());

    it("files: scoped per key, newest first with an `after` cursor, purpose filter, delete", async () => {
      const s = store.batches;
      for (let i = 0; i < 5; i++) await s.insertFile(file(`file-${i}`, "k1", T0 + i * 1000, i === 4 ? "batch_output" : "batch"));
      await s.insertFile(file("file-other", "k2", T0 + 10_000));
      assert.equal((await s.getFile("file-1", "k1"))!.filename, "file-1.jsonl");
      assert.equal(await s.getFile("file-1", "k2"), undefined, "another key does not see it");
      assert.deepEqual(
        (await s.listFiles("k1", { limit: 2 })).map((f) => f.id),
        ["file-4", "file-3"],
      );
      assert.deepEqual(
        (await s.listFiles("k1", { limit: 2, after: "file-3" })).map((f) => f.id),
        ["file-2", "file-1"],
      );
      assert.deepEqual(
        (await s.listFiles("k1", { limit: 10, purpose: "batch_output" })).map((f) => f.id),
        ["file-4"],
      );
      assert.deepEqual(await s.listFiles("k1", { limit: 10, after: "file-other" }), [], "a cursor of another key's file gives nothing");
      assert.equal(await s.deleteFile("file-1", "k2"), false);
      assert.equal(await s.deleteFile("file-1", "k1"), true);
      assert.equal(await s.getFile("file-1", "k1"), undefined);
    });

    it("batches: scoped reads, pages, compare-and-set updates, the poller's active list", async () => {
      const s = store.batches;
      await s.insertBatch(batch("batch_a", "k1", T0));
      await s.insertBatch(batch("batch_b", "k1", T0 + 1000, "completed"));
      await s.insertBatch(batch("batch_c", "k2", T0 + 2000));
      const a = (await s.getBatch("batch_a", "k1"))!;
      assert.equal(a.version, 0);
      assert.deepEqual(a.metadata, { a: "b" });
      assert.equal(await s.getBatch("batch_a", "k2"), undefined);
      assert.equal((await s.getBatch("batch_c"))!.keyId, "k2", "the poller reads any key's batch");
      assert.deepEqual(
        (await s.listBatches("k1", { limit: 1 })).map((b) => b.id),
        ["batch_b"],
      );
      assert.deepEqual(
        (await s.listBatches("k1", { limit: 5, after: "batch_b" })).map((b) => b.id),
        ["batch_a"],
      );

      assert.equal(await s.updateBatch({ ...a, status: "in_progress" }), true);
      assert.equal(await s.updateBatch({ ...a, status: "cancelling" }), false, "a stale version loses");
      const now = (await s.getBatch("batch_a"))!;
      assert.deepEqual([now.status, now.version], ["in_progress", 1]);
      assert.deepEqual(
        (await s.activeBatches(10)).map((b) => b.id),
        ["batch_a", "batch_c"],
      );
    });

    it("the poller lease: one holder at a time, renewable, taken over after it expires or is released", async () => {
      const s = store.batches;
      assert.equal(await s.acquireLease("poller", "p1", 1000, T0), true);
      assert.equal(await s.acquireLease("poller", "p2", 1000, T0 + 500), false);
      assert.equal(await s.acquireLease("poller", "p1", 1000, T0 + 900), true, "the holder renews");
      assert.equal(await s.acquireLease("poller", "p2", 1000, T0 + 1500), false, "renewed until T0 + 1900");
      assert.equal(await s.acquireLease("poller", "p2", 1000, T0 + 2000), true, "expired: taken over");
      await s.releaseLease("poller", "p1");
      assert.equal(await s.acquireLease("poller", "p3", 1000, T0 + 2100), false, "only the holder can release");
      await s.releaseLease("poller", "p2");
      assert.equal(await s.acquireLease("poller", "p3", 1000, T0 + 2100), true);
      const racers = await Promise.all(["x", "y", "z"].map((h) => s.acquireLease("race", h, 1000, T0)));
      assert.equal(racers.filter(Boolean).length, 1, "concurrent replicas: exactly one wins");
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "bgw-batch-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));
contract("SQLite", async () => (await openStore({ kind: "sqlite", path: join(dir, "gateway.db") }))!);

let pg: PostgresServer;
let pgUrl: string;
before(async () => {
  pg = await startPostgres();
  pgUrl = await pg.createDatabase("batches");
});
after(() => pg.stop());
contract("PostgreSQL", async () => (await openStore({ kind: "postgres", url: pgUrl, poolSize: 3 }))!);
