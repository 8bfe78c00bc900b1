// The ResponseStore contract, run against all three implementations: the store's SQLite database,
// PostgreSQL (a real server) and memory. Scoping to the creating key, retention, delete, paging,
// chains, purging, isolation of stored copies; for the databases, a second handle (another
// replica, or a restart) sees the same rows. Then the generated encryption key and configuration.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../src/config/config.ts";
import { GatewayError } from "../../src/errors/gateway-error.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { loadOrCreateEncryptionKey, KEY_FILE } from "../../src/responses/encryption-key.ts";
import { guardedResponseStore } from "../../src/responses/guarded-response-store.ts";
import { memoryResponseStore } from "../../src/responses/memory-response-store.ts";
import type { ResponseStore, StoredResponse } from "../../src/store/response-store.ts";
import type { ResponseObject } from "../../src/responses/response-types.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { StoreConfig } from "../../src/config/config.ts";
import { startPostgres } from "../helpers/postgres-server.ts";
import type { PostgresServer } from "../helpers/postgres-server.ts";

const dir = mkdtempSync(join(tmpdir(), "bgw-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let pg: PostgresServer;
let pgUrl = "";
before(async () => {
  pg = await startPostgres();
  pgUrl = await pg.createDatabase("responses");
});
after(() => pg.stop());

let seq = 0;
/** Ids unique across tests: the database backends keep one database for the whole suite. */
const uid = (name: string) => `resp_${name}_${++seq}`;

function stored(id: string, keyId: string, now: number, over: Partial<StoredResponse> = {}): StoredResponse {
  return {
    id,
    keyId,
    createdAt: now,
    expiresAt: now + 60_000,
    previousResponseId: null,
    response: { id, object: "response", output: [] } as unknown as ResponseObject,
    input: [
      { id: `${id}_in1`, type: "message" },
      { id: `${id}_in2`, type: "message" },
    ],
    ...over,
  };
}

interface Backend {
  name: string;
  /** A handle on the backend's data: for the databases, every handle sees the same rows. */
  open(): Promise<{ responses: ResponseStore; close: () => Promise<void> }>;
  shared: boolean;
}

const fromStore = async (config: StoreConfig) => {
  const store = (await openStore(config))!;
  return { responses: store.responses, close: () => store.close() };
};

const backends: Backend[] = [
  { name: "SQLite", shared: true, open: () => fromStore({ kind: "sqlite", path: join(dir, "gateway.db") }) },
  { name: "PostgreSQL", shared: true, open: () => fromStore({ kind: "postgres", url: pgUrl, poolSize: 2 }) },
  {
    name: "memory",
    shared: false,
    open: async () => {
      const responses = memoryResponseStore(100);
      return { responses, close: () => responses.close() };
    },
  },
];

for (const backend of backends) {
  describe(`ResponseStore contract (${backend.name})`, () => {
    it("is scoped to the key that saved, expires, deletes, and pages input items", async () => {
      const { responses: store, close } = await backend.open();
      assert.equal(store.kind, backend.name === "SQLite" ? "sqlite" : backend.name === "PostgreSQL" ? "postgres" : "memory");
      const now = Date.now();
      const a = uid("a");
      await store.save(stored(a, "key_1", now));
      assert.equal((await store.get(a, "key_1"))!.id, a);
      assert.equal(await store.get(a, "key_2"), undefined);
      assert.equal(await store.listInputItems(a, "key_2", { limit: 20, order: "asc" }), undefined);
      assert.equal(await store.delete(a, "key_2"), false);
      assert.deepEqual(
        (await store.listInputItems(a, "key_1", { limit: 1, order: "desc" }))!.data.map((i) => i.id),
        [`${a}_in2`],
      );
      assert.equal(await store.get(a, "key_1", now + 61_000), undefined, "gone after its retention");
      assert.equal(await store.delete(a, "key_1"), true);
      assert.equal(await store.get(a, "key_1"), undefined);
      assert.equal(await store.listInputItems(a, "key_1", { limit: 20, order: "asc" }), undefined);
      assert.equal(await store.delete(a, "key_1"), false);
      await close();
    });

    it("returns copies, keeps every field and any text, and replaces a response saved again", async () => {
      const { responses: store, close } = await backend.open();
      const now = Date.now();
      const b = uid("b");
      const odd = 'nul \u0000, emoji 🙂, quote " and backslash \\';
      const r = stored(b, "k", now, {
        previousResponseId: "resp_before",
        response: { id: b, object: "response", output: [], output_text: odd } as unknown as ResponseObject,
      });
      await store.save(r);
      const got = await store.get(b, "k");
      assert.deepEqual(got, r);
      got.input.length = 0;
      assert.equal((await store.get(b, "k"))!.input.length, 2);
      await store.save({ ...r, input: [{ id: "only", type: "message" }] });
      assert.deepEqual((await store.get(b, "k"))!.input, [{ id: "only", type: "message" }]);
      await close();
    });

    it("loads a chain oldest first, ending before a missing, expired or foreign ancestor", async () => {
      const { responses: store, close } = await backend.open();
      const now = Date.now();
      const [a, b, c, d, e] = [uid("a"), uid("b"), uid("c"), uid("d"), uid("e")];
      await store.save(stored(a, "k", now, { expiresAt: now + 1000 }));
      await store.save(stored(b, "k", now, { previousResponseId: a }));
      await store.save(stored(c, "k", now, { previousResponseId: b }));
      assert.deepEqual(
        (await store.chain(c, "k")).map((r) => r.id),
        [a, b, c],
      );
      assert.deepEqual((await store.chain(c, "k"))[0], stored(a, "k", now, { expiresAt: now + 1000 }));
      assert.deepEqual(
        (await store.chain(b, "k")).map((r) => r.id),
        [a, b],
      );
      assert.deepEqual(await store.chain(c, "other"), []);
      assert.deepEqual(await store.chain("resp_unknown", "k"), []);
      assert.deepEqual(
        (await store.chain(c, "k", now + 2000)).map((r) => r.id),
        [b, c],
        "an expired ancestor ends the chain",
      );
      await store.delete(b, "k");
      assert.deepEqual(
        (await store.chain(c, "k")).map((r) => r.id),
        [c],
        "so does a deleted one",
      );
      await store.save(stored(d, "someone else", now));
      await store.save(stored(e, "k", now, { previousResponseId: d }));
      assert.deepEqual(
        (await store.chain(e, "k")).map((r) => r.id),
        [e],
        "another key's response is never part of a chain",
      );
      await close();
    });

    it("purges expired rows on a later save", async () => {
      const first = await backend.open();
      const now = Date.now();
      const old = uid("old");
      await first.responses.save(stored(old, "k", now - 2000, { expiresAt: now - 1000 }));
      assert.ok(await first.responses.get(old, "k", now - 1500), "kept until a purge");
      // A fresh handle purges on its first save; memory purges on every save.
      const second = backend.shared ? await backend.open() : first;
      const live = uid("live");
      await second.responses.save(stored(live, "k", now));
      assert.equal(await first.responses.get(old, "k", now - 1500), undefined, "the expired row is gone");
      assert.ok(await first.responses.get(live, "k"));
      if (second !== first) await second.close();
      await first.close();
    });

    if (backend.shared) {
      it("shares rows between handles (replicas) and keeps them across a restart", async () => {
        const one = await backend.open();
        const two = await backend.open();
        const id = uid("shared");
        const next = uid("next");
        await one.responses.save(stored(id, "k", Date.now()));
        await two.responses.save(stored(next, "k", Date.now(), { previousResponseId: id }));
        assert.deepEqual(
          (await one.responses.chain(next, "k")).map((r) => r.id),
          [id, next],
        );
        await one.close();
        const restarted = await backend.open();
        assert.equal((await restarted.responses.get(id, "k"))!.id, id);
        assert.equal(await two.responses.delete(id, "k"), true);
        assert.equal(await restarted.responses.get(id, "k"), undefined);
        await Promise.all([two.close(), restarted.close()]);
      });
    }
  });
}

describe("memory store", () => {
  it("evicts the oldest entries beyond its bound", async () => {
    const store = memoryResponseStore(2);
    for (const id of ["r1", "r2", "r3"]) await store.save(stored(id, "k", Date.now()));
    assert.equal(await store.get("r1", "k"), undefined);
    assert.ok(await store.get("r3", "k"));
  });
});

describe("encryption key", () => {
  it("is generated once, private to the owner, and reused", () => {
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
    assert.deepEqual(
      { ...c.responses },
      { store: "database", dataDir: "./data", retentionMs: 30 * 86_400_000, memoryMaxEntries: 10_000, encryptionKeys: [] },
    );
    const k = loadConfig({
      API_KEY: "k",
      RESPONSES_ENCRYPTION_KEY: `${"ab".repeat(32)}, ${Buffer.alloc(32, 3).toString("base64")}`,
      RESPONSES_RETENTION: "7d",
      RESPONSES_STORE: "memory",
    });
    assert.equal(k.responses.store, "memory");
    assert.equal(k.responses.encryptionKeys.length, 2);
    assert.equal(k.responses.retentionMs, 7 * 86_400_000);
    assert.throws(
      () => loadConfig({ API_KEY: "k", RESPONSES_ENCRYPTION_KEY: "short" }),
      (e: unknown) => e instanceof ConfigError && /RESPONSES_ENCRYPTION_KEY/.test(e.message),
    );
    assert.throws(() => loadConfig({ API_KEY: "k", RESPONSES_STORE: "redis" }), ConfigError);
  });

  it("keeps stored responses in the database when there is one, else in memory", () => {
    assert.equal(loadConfig({ API_KEY: "k", DATABASE_URL: "postgres://db/gw" }).responses.store, "database");
    assert.equal(loadConfig({ API_KEY: "k", DATABASE_URL: "none" }).responses.store, "memory");
    assert.equal(loadConfig({ API_KEY: "k", DATABASE_URL: "postgres://db/gw", RESPONSES_STORE: "memory" }).responses.store, "memory");
    assert.throws(
      () => loadConfig({ API_KEY: "k", DATABASE_URL: "none", RESPONSES_STORE: "database" }),
      (e: unknown) => e instanceof ConfigError && /RESPONSES_STORE/.test(e.message),
    );
  });
});

describe("a database that fails", () => {
  it("answers a retryable 503 store_unavailable and logs the cause", async () => {
    const store = (await openStore({ kind: "postgres", url: pgUrl, poolSize: 1 }))!;
    await store.close();
    const logs: string[] = [];
    const logger = createLogger("info", new Writable({ write: (chunk: Buffer, _enc, cb) => (logs.push(chunk.toString()), cb()) }));
    const guarded = guardedResponseStore(store.responses, logger);
    for (const call of [
      () => guarded.get("resp_x", "k"),
      () => guarded.save(stored("resp_x", "k", Date.now())),
      () => guarded.chain("resp_x", "k"),
    ]) {
      await assert.rejects(
        call(),
        (e: unknown) => e instanceof GatewayError && e.status === 503 && e.code === "store_unavailable" && e.shouldRetry === true,
      );
    }
    assert.equal(logs.length, 3);
    assert.match(logs[0]!, /"op":"get".*"msg":"response store unavailable"/);
  });
});
