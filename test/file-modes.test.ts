// Issue 14, finding 10: the data folder the gateway creates is 0700 and its files 0600 (the SQLite
// database with key hashes and stored conversations, its WAL files, the generated sealing key).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { KEY_FILE, loadOrCreateEncryptionKey } from "../src/responses/encryption-key.ts";
import { openSqliteStore } from "../src/store/sqlite-store.ts";
import { startGateway } from "./helpers/gateway.ts";

const mode = (p: string) => statSync(p).mode & 0o777;
const root = mkdtempSync(join(tmpdir(), "bgw-modes-"));

describe("data file modes", () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  it("creates DATA_DIR 0700 and gateway.db (with -wal, -shm) 0600", async () => {
    const dataDir = join(root, "fresh", "data");
    const gw = await startGateway({ env: { DATA_DIR: dataDir } });
    try {
      const res = await gw.request("/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "us.amazon.nova-lite-v1:0", messages: [{ role: "user", content: "hi" }] }),
      });
      assert.equal(res.status, 200);
      await gw.runtime.usage!.flush();
      assert.equal(mode(dataDir), 0o700);
      assert.equal(mode(join(root, "fresh")), 0o700, "every folder it creates");
      for (const f of ["gateway.db", "gateway.db-wal", "gateway.db-shm"]) {
        assert.ok(existsSync(join(dataDir, f)), f);
        assert.equal(mode(join(dataDir, f)), 0o600, f);
      }
    } finally {
      await gw.close();
    }
  });

  it("creates the generated sealing key (used without a store) 0600 in a 0700 folder", () => {
    const dir = join(root, "keys", "data");
    loadOrCreateEncryptionKey(dir);
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(join(dir, KEY_FILE)), 0o600);
  });

  it("tightens a database file an older version left 0644, and leaves an existing folder alone", () => {
    const dir = join(root, "old");
    mkdirSync(dir, { mode: 0o755 });
    const path = join(dir, "gateway.db");
    writeFileSync(path, "", { mode: 0o644 });
    const store = openSqliteStore(path);
    void store.close();
    assert.equal(mode(path), 0o600);
    assert.equal(mode(dir), 0o755);
  });
});
