// Configuration of the store, limits, usage and metrics.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig, loadStoreConfig } from "../src/config/config.ts";

const base = { API_KEY: "k" };

describe("store and limits configuration", () => {
  it("defaults to SQLite under DATA_DIR, in-process limits, metrics on, admin off", () => {
    const c = loadConfig(base);
    assert.deepEqual(c.store, { kind: "sqlite", path: "data/gateway.db" });
    assert.equal(c.admin.apiKey, undefined);
    assert.deepEqual(c.limits, { redisUrl: undefined, failMode: "open", redisTimeoutMs: 500, keyCacheTtlMs: 5000 });
    assert.deepEqual(c.usage, { flushIntervalMs: 1000, pricingFile: undefined });
    assert.deepEqual(c.metrics, { enabled: true, apiKeys: [], public: false });
  });

  it("reads DATABASE_URL as PostgreSQL, SQLite or none", () => {
    assert.deepEqual(loadConfig({ ...base, DATABASE_URL: "postgres://u:p@db:5432/gw", DATABASE_POOL_SIZE: "9" }).store, {
      kind: "postgres",
      url: "postgres://u:p@db:5432/gw",
      poolSize: 9,
    });
    assert.equal(loadConfig({ ...base, DATABASE_URL: "postgresql://db/gw" }).store.kind, "postgres");
    assert.deepEqual(loadConfig({ ...base, DATABASE_URL: "sqlite:/var/lib/gw/keys.db" }).store, {
      kind: "sqlite",
      path: "/var/lib/gw/keys.db",
    });
    assert.deepEqual(loadConfig({ ...base, DATABASE_URL: "sqlite:///var/lib/gw/keys.db" }).store, {
      kind: "sqlite",
      path: "/var/lib/gw/keys.db",
    });
    assert.deepEqual(loadConfig({ ...base, DATA_DIR: "/srv/gw" }).store, { kind: "sqlite", path: "/srv/gw/gateway.db" });
    assert.deepEqual(loadConfig({ ...base, DATABASE_URL: "none" }).store, { kind: "none" });
    assert.throws(
      () => loadConfig({ ...base, DATABASE_URL: "mysql://db" }),
      (e: unknown) => e instanceof ConfigError && /DATABASE_URL/.test(e.message),
    );
  });

  it("names bad values", () => {
    for (const [env, re] of [
      [{ RATE_LIMIT_FAIL_MODE: "maybe" }, /RATE_LIMIT_FAIL_MODE/],
      [{ KEY_CACHE_TTL: "soon" }, /KEY_CACHE_TTL/],
      [{ USAGE_FLUSH_INTERVAL: "x" }, /USAGE_FLUSH_INTERVAL/],
      [{ ENABLE_METRICS: "perhaps" }, /ENABLE_METRICS/],
      [{ DATABASE_POOL_SIZE: "0" }, /DATABASE_POOL_SIZE/],
    ] as const) {
      assert.throws(
        () => loadConfig({ ...base, ...env }),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
        JSON.stringify(env),
      );
    }
  });

  it("allows store-managed keys without a static key only when asked for explicitly", () => {
    assert.throws(() => loadConfig({}), /API_KEY: no client key source is configured/);
    assert.equal(loadConfig({ ADMIN_API_KEY: "admin" }).auth.source.kind, "none");
    assert.equal(loadConfig({ DATABASE_URL: "postgres://db/gw" }).auth.source.kind, "none");
    assert.throws(() => loadConfig({ DATABASE_URL: "none", ADMIN_API_KEY: "admin" }), /no client key source/);
  });

  it("gives the CLI the store without asking for a key source", () => {
    assert.deepEqual(loadStoreConfig({}).store, { kind: "sqlite", path: "data/gateway.db" });
    assert.equal(loadStoreConfig({ DATABASE_URL: "postgres://db/gw", PRICING_FILE: "/p.json" }).pricingFile, "/p.json");
  });
});

describe("runtime defaults (the Lambda entry's)", () => {
  it("turn the store and /metrics off unless the environment says otherwise", () => {
    const lambda = { DATABASE_URL: "none", ENABLE_METRICS: "false" };
    const c = loadConfig({ API_KEY: "k" }, lambda);
    assert.deepEqual(c.store, { kind: "none" });
    assert.equal(c.metrics.enabled, false);
    const pg = loadConfig({ API_KEY: "k", DATABASE_URL: "postgres://db/gw", ENABLE_METRICS: "true" }, lambda);
    assert.equal(pg.store.kind, "postgres");
    assert.equal(pg.metrics.enabled, true);
  });
});
