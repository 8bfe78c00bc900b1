// Pure pieces of the console with fixtures: the hourly rollup of a batch, the aggregation SQL in
// both dialects, the key form → admin-API spec, the recent-requests ring, CSV and overview buckets.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { csvField, jsonForScript } from "../src/console/format.ts";
import { keySpecFromForm } from "../src/console/key-form.ts";
import { fillSeries, rangeWindow } from "../src/console/overview-data.ts";
import { recentRequests } from "../src/console/recent-requests.ts";
import type { FinishedRequest } from "../src/console/recent-requests.ts";
import { usageCsv } from "../src/console/usage-data.ts";
import type { UsageRecord } from "../src/store/store.ts";
import { rollupFor, usageAggregateSql, usesRollup } from "../src/store/usage-aggregate-sql.ts";
import { hourlyRollup } from "../src/store/usage-rollup.ts";

const H = 3_600_000;
const rec = (over: Partial<UsageRecord>): UsageRecord => ({
  ts: 10 * H,
  requestId: "r",
  keyId: "vk_1",
  endpoint: "chat.completions",
  model: "m",
  bedrockModel: "b",
  baseModel: "b",
  inputTokens: 1,
  outputTokens: 2,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  latencyMs: 10,
  ttftMs: null,
  status: 200,
  stream: false,
  aborted: false,
  errorType: null,
  costUsd: 0.25,
  ...over,
});

describe("hourlyRollup", () => {
  it("sums a batch per hour, key and model, with no-key as '' and unpriced counted apart", () => {
    const rows = hourlyRollup([
      rec({}),
      rec({ ts: 10 * H + 59 * 60_000, status: 500, costUsd: null }),
      rec({ ts: 11 * H }),
      rec({ keyId: null, bedrockModel: null, model: null }),
      rec({ bedrockModel: null, model: "alias" }),
    ]);
    assert.deepEqual(
      rows.map((r) => [r.hour / H, r.keyId, r.model, r.requests, r.errors, r.unpriced, r.costUsd, r.latencyMs]),
      [
        [10, "", "(none)", 1, 0, 0, 0.25, 10],
        [10, "vk_1", "alias", 1, 0, 0, 0.25, 10],
        [10, "vk_1", "b", 2, 1, 1, 0.25, 20],
        [11, "vk_1", "b", 1, 0, 0, 0.25, 10],
      ],
    );
  });
});

describe("usageAggregateSql", () => {
  it("reads the rollup for whole hours and the records otherwise", () => {
    assert.equal(usesRollup({ from: 0, to: 24 * H, groupBy: "key" }), true);
    assert.equal(usesRollup({ from: 0, to: 24 * H, groupBy: "bucket", bucketMs: 60_000 }), false);
    assert.equal(usesRollup({ from: 1, to: 24 * H, groupBy: "day" }), false);
    assert.equal(rollupFor({ from: 0, to: 48 * H, groupBy: "bucket", bucketMs: 24 * H }), "usage_daily");
    assert.equal(rollupFor({ from: 0, to: 48 * H, groupBy: "bucket", bucketMs: H }), "usage_hourly");
    assert.equal(rollupFor({ from: H, to: 48 * H, groupBy: "model" }), "usage_hourly");
  });

  it("spells both dialects with parameters for every value from the request", () => {
    const q = { from: 0, to: 2 * H, groupBy: "key" as const, keyId: "vk_'; DROP TABLE x;--", model: "m", top: 5 };
    const pg = usageAggregateSql(q, "postgres");
    assert.deepEqual(pg.params, [0, 2 * H, "vk_'; DROP TABLE x;--", "m"]);
    assert.match(pg.sql, /FROM usage_hourly h LEFT JOIN api_keys k ON k\.id = h\.key_id/);
    assert.match(pg.sql, /h\.hour >= \$1 AND h\.hour < \$2 AND h\.key_id = \$3 AND h\.model = \$4/);
    assert.match(pg.sql, /ORDER BY cost_usd DESC, requests DESC, 1 LIMIT 5/);
    assert.ok(!pg.sql.includes("DROP"));
    const lite = usageAggregateSql({ from: 1, to: 2 * H, groupBy: "day" }, "sqlite");
    assert.match(lite.sql, /strftime\('%Y-%m-%d', u\.ts \/ 1000, 'unixepoch'\)/);
    assert.match(lite.sql, /FROM usage_records u\s+WHERE u\.ts >= \? AND u\.ts < \?/);
    assert.throws(() => usageAggregateSql({ from: 0, to: H, groupBy: "bucket", bucketMs: 1.5 }, "sqlite"), /bucketMs/);
    assert.throws(() => usageAggregateSql({ from: 0, to: H, groupBy: "key", top: -1 }, "sqlite"), /top/);
  });
});

describe("keySpecFromForm", () => {
  it("creates with only what was filled in", () => {
    const r = keySpecFromForm(
      {
        name: " team ",
        models: "anthropic.*, us.amazon.nova-*",
        rpm: "60",
        tpm: "",
        budget_usd: "25",
        budget_period: "day",
        expires_at: "",
      },
      "create",
    );
    assert.deepEqual(r, {
      spec: {
        name: "team",
        models: ["anthropic.*", "us.amazon.nova-*"],
        rpm: 60,
        tpm: undefined,
        budget: { usd: 25, period: "day" },
        expiresAt: undefined,
        enabled: undefined,
        metadata: undefined,
      },
    });
  });
  it("edits: blank means no limit, the checkbox sets enabled", () => {
    const r = keySpecFromForm(
      {
        name: "team",
        models: "",
        rpm: "",
        tpm: "5000",
        budget_usd: "",
        expires_at: "2027-01-01",
        enabled_field: "1",
        metadata: "team=ml, owner=ana",
      },
      "edit",
    );
    assert.ok("spec" in r);
    assert.deepEqual(r.spec, {
      name: "team",
      models: null,
      rpm: null,
      tpm: 5000,
      budget: null,
      expiresAt: Date.parse("2027-01-01T00:00:00Z"),
      enabled: false,
      metadata: { team: "ml", owner: "ana" },
    });
    assert.deepEqual(keySpecFromForm({ name: "x", metadata: "oops" }, "edit"), { error: 'metadata: "oops" is not of the form name=value' });
  });
  it("reports the first bad field", () => {
    assert.deepEqual(keySpecFromForm({ name: "x", rpm: "lots" }, "create"), { error: "rpm: Invalid input: expected number, received NaN" });
    assert.match((keySpecFromForm({ name: "x", budget_usd: "-1" }, "create") as { error: string }).error, /^budget:/);
    assert.match((keySpecFromForm({ name: "" }, "create") as { error: string }).error, /^name:/);
  });
});

describe("recentRequests", () => {
  const done = (i: number, over: Partial<FinishedRequest> = {}): FinishedRequest => ({
    requestId: `req_${i}`,
    method: "POST",
    path: "/v1/chat/completions",
    status: i % 3 === 0 ? 429 : 200,
    startedAt: i,
    latencyMs: 5,
    streamed: false,
    principal: { keyId: i % 2 ? "vk_odd" : "vk_even" },
    fields: {},
    ...over,
  });
  it("keeps the newest N, newest first, filtered, after a sequence number", () => {
    const ring = recentRequests(10);
    for (let i = 1; i <= 25; i++)
      ring.add(done(i), i % 5 === 0 ? undefined : rec({ requestId: `req_${i}`, bedrockModel: "b", costUsd: 0.5 }));
    ring.add(done(99, { path: "/console/requests/feed" }), undefined);
    const all = ring.list({});
    assert.deepEqual(
      all.map((e) => e.seq),
      [25, 24, 23, 22, 21, 20, 19, 18, 17, 16],
    );
    assert.deepEqual(
      ring.list({}, 23).map((e) => e.requestId),
      ["req_25", "req_24"],
    );
    assert.deepEqual(
      ring.list({ status: "4xx" }).map((e) => e.seq),
      [24, 21, 18],
    );
    assert.deepEqual(
      ring.list({ status: "200", keyId: "vk_odd" }).map((e) => e.seq),
      [25, 23, 19, 17],
    );
    assert.equal(ring.list({ requestId: "req_20" })[0]!.costUsd, null, "no usage record: no cost");
    assert.equal(ring.list({ requestId: "req_22" })[0]!.costUsd, 0.5);
    assert.equal(ring.list({}, 0, 3).length, 3);
  });
});

describe("formatting", () => {
  it("writes CSV fields safely for spreadsheets", () => {
    assert.equal(csvField('a,"b"'), '"a,""b"""');
    assert.equal(csvField("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    assert.equal(csvField(-5), "-5");
    assert.equal(csvField(null), "");
    const csv = usageCsv([
      {
        group: "vk_1",
        name: "team, ml",
        requests: 2,
        errors: 0,
        inputTokens: 3,
        outputTokens: 4,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: 0.123456789,
        unpricedRequests: 1,
        meanLatencyMs: 10.4,
      },
    ]);
    assert.equal(csv.split("\r\n")[1], 'vk_1,"team, ml",2,0,3,4,0,0,0.12345679,1,10');
  });
  it("keeps JSON inside a script element inert", () => {
    assert.equal(jsonForScript({ a: "</script><b>&" }), '{"a":"\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}');
  });
  it("fills every bucket of the window", () => {
    const w = rangeWindow("day", 5 * H + 10);
    assert.deepEqual([w.from, w.to, w.bucketMs], [-18 * H, 6 * H, H]);
    const s = fillSeries(w, [
      {
        group: String(2 * H),
        name: null,
        requests: 4,
        errors: 1,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: 1,
        unpricedRequests: 0,
        meanLatencyMs: 0,
      },
    ]);
    assert.equal(s.length, 24);
    assert.equal(s[20]!.requests, 4);
    assert.equal(
      s.reduce((a, p) => a + p.requests, 0),
      4,
    );
  });
});
