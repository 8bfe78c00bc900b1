// The ResponseStore contract, run against both implementations (SQLite and memory): scoping to
// the creating key, retention, delete, paging, isolation of stored copies, and persistence of the
// SQLite file and of the generated encryption key across restarts.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../src/config/config.ts";
import { loadOrCreateEncryptionKey, KEY_FILE } from "../../src/responses/encryption-key.ts";
import { memoryResponseStore } from "../../src/responses/memory-response-store.ts";
import type { ResponseStore, StoredResponse } from "../../src/responses/response-store.ts";
import type { ResponseObject } from "../../src/responses/response-types.ts";
import { sqliteResponseStore } from "../../src/responses/sqlite-response-store.ts";

const dir = mkdtempSync(join(tmpdir(), "bgw-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function stored(id: string, keyId: string, now: number, ttl = 60_000): StoredResponse {
  return {
    id,
    keyId,
    createdAt: now,
    expiresAt: now + ttl,
    previousResponseId: null,
    response: { id, object: "response", output: [] } as unknown as ResponseObject,
    input: [{ id: `${id}_in1`, type: "message" }, { id: `${id}_in2`, type: "message" }],
  };
}

const implementations: [string, () => ResponseStore][] = [
  ["sqlite", () => sqliteResponseStore(join(dir, `contract-${Math.random()}.db`))],
  ["memory", () => memoryResponseStore(100)],
];

for (const [name, open] of implementations) {
  describe(`ResponseStore contract (${name})`, () => {
    it("is scoped to the key that saved, expires, deletes, and pages input items", async () => {
      const store = open();
      const now = Date.now();
      await store.save(stored("resp_a", "key_1", now));
      assert.equal((await store.get("resp_a", "key_1"))!.id, "resp_a");
      assert.equal(await store.get("resp_a", "key_2"), undefined);
      assert.equal(await store.listInputItems("resp_a", "key_2", { limit: 20, order: "asc" }), undefined);
      assert.equal(await store.delete("resp_a", "key_2"), false);
      assert.deepEqual((await store.listInputItems("resp_a", "key_1", { limit: 1, order: "desc" }))!.data.map((i) => i.id), ["resp_a_in2"]);
      assert.equal(await store.get("resp_a", "key_1", now + 61_000), undefined, "gone after its retention");
      assert.equal(await store.delete("resp_a", "key_1"), true);
      assert.equal(await store.get("resp_a", "key_1"), undefined);
      await store.close();
    });

    it("returns copies: changing what was read does not change what is stored", async () => {
      const store = open();
      await store.save(stored("resp_b", "k", Date.now()));
      const got = await store.get("resp_b", "k");
      got!.input.length = 0;
      assert.equal((await store.get("resp_b", "k"))!.input.length, 2);
      await store.close();
    });
  });
}

describe("persistence", () => {
  it("keeps SQLite rows across a reopen", async () => {
    const path = join(dir, "persist.db");
    const a = sqliteResponseStore(path);
    await a.save(stored("resp_p", "k", Date.now()));
    await a.close();
    const b = sqliteResponseStore(path);
    assert.equal((await b.get("resp_p", "k"))!.id, "resp_p");
    await b.close();
  });

  it("evicts the oldest entries beyond the memory store's bound", async () => {
    const store = memoryResponseStore(2);
    for (const id of ["r1", "r2", "r3"]) await store.save(stored(id, "k", Date.now()));
    assert.equal(await store.get("r1", "k"), undefined);
    assert.ok(await store.get("r3", "k"));
  });

  it("generates the encryption key once, private to the owner, and reuses it", () => {
    const d = join(dir, "keys");
    const k1 = loadOrCreateEncryptionKey(d);
    const k2 = loadOrCreateEncryptionKey(d);
    assert.equal(k1.length, 32);
    assert.deepEqual(k1, k2);
    assert.equal(statSync(join(d, KEY_FILE)).mode & 0o777, 0o600);
  });
});

describe("Responses configuration", () => {
  it("has documented defaults and validates keys", () => {
    const c = loadConfig({ API_KEY: "k" });
    assert.deepEqual({ ...c.responses }, { store: "sqlite", dataDir: "./data", retentionMs: 30 * 86_400_000, memoryMaxEntries: 10_000, encryptionKeys: [] });
    const k = loadConfig({ API_KEY: "k", RESPONSES_ENCRYPTION_KEY: `${"ab".repeat(32)}, ${Buffer.alloc(32, 3).toString("base64")}`, RESPONSES_RETENTION: "7d", RESPONSES_STORE: "memory" });
    assert.equal(k.responses.encryptionKeys.length, 2);
    assert.equal(k.responses.retentionMs, 7 * 86_400_000);
    assert.throws(() => loadConfig({ API_KEY: "k", RESPONSES_ENCRYPTION_KEY: "short" }), (e: unknown) => e instanceof ConfigError && /RESPONSES_ENCRYPTION_KEY/.test(e.message));
    assert.throws(() => loadConfig({ API_KEY: "k", RESPONSES_STORE: "redis" }), ConfigError);
  });
});
