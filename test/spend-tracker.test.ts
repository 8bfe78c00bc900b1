// Budget spend: the store's committed total for the period plus what was recorded but not yet
// written, without double counting across the write, re-read after the cache TTL.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GatewayError } from "../src/errors/gateway-error.ts";
import { spendTracker } from "../src/limits/spend-tracker.ts";
import type { Store, UsageRecord } from "../src/store/store.ts";

const T = Date.parse("2026-05-20T10:00:00Z");
const rec = (costUsd: number | null, ts = T, keyId = "vk_a"): UsageRecord => ({
  ts,
  requestId: "r",
  keyId,
  endpoint: "chat.completions",
  model: null,
  bedrockModel: null,
  baseModel: null,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  latencyMs: 1,
  ttftMs: null,
  status: 200,
  stream: false,
  aborted: false,
  errorType: null,
  costUsd,
  abortReason: null,
  usageEstimated: false,
});

describe("spend tracker", () => {
  it("adds pending records, moves them to the cached total on commit, and re-reads after the TTL", async () => {
    let committedInStore = 1;
    const reads: number[] = [];
    const store = {
      async spendSince(k: string, since: number) {
        reads.push(since);
        return k === "vk_a" ? committedInStore : 0;
      },
    } as unknown as Store;
    let now = T;
    const t = spendTracker(store, 1000, () => now);
    assert.equal(await t.spent("vk_a", "month", now), 1);
    assert.deepEqual(reads, [Date.parse("2026-05-01T00:00:00Z")]);
    const r = rec(0.5);
    t.recorded(r);
    t.recorded(rec(null));
    assert.equal(await t.spent("vk_a", "month", now), 1.5, "pending spend counts at once");
    committedInStore += 0.5;
    t.committed([r]);
    assert.equal(await t.spent("vk_a", "month", now), 1.5, "not counted twice after the write");
    assert.equal(reads.length, 1, "cached");
    now += 1000;
    assert.equal(await t.spent("vk_a", "month", now), 1.5);
    assert.equal(reads.length, 2, "re-read after the TTL");
    assert.equal(await t.spent("vk_a", "day", now), 1.5);
    assert.equal(reads[2], Date.parse("2026-05-20T00:00:00Z"));
    assert.equal(await t.spent("vk_b", "day", now), 0, "each key has its own total");
  });

  it("keeps the last total while the store is unreachable, and says 503 when it has none", async () => {
    let down = false;
    const store = {
      async spendSince() {
        if (down) throw new Error("connection refused");
        return 2;
      },
    } as unknown as Store;
    let now = T;
    const t = spendTracker(store, 10, () => now);
    assert.equal(await t.spent("vk_a", "day", now), 2);
    down = true;
    now += 100;
    assert.equal(await t.spent("vk_a", "day", now), 2);
    await assert.rejects(t.spent("vk_other", "day", now), (e: unknown) => e instanceof GatewayError && e.status === 503);
  });
});
