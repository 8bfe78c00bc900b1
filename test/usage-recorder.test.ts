// The batched usage writer on its own: batches, retries after a failed write, a bounded queue,
// and the final flush on stop.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pino from "pino";
import type { Store, UsageRecord } from "../src/store/store.ts";
import { createUsageRecorder } from "../src/usage/usage-recorder.ts";

const silent = pino({ level: "silent" });

function record(i: number): UsageRecord {
  return {
    ts: i,
    requestId: `r${i}`,
    keyId: "vk_000000000001",
    endpoint: "chat.completions",
    model: null,
    bedrockModel: null,
    baseModel: null,
    inputTokens: 1,
    outputTokens: 1,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    latencyMs: 1,
    ttftMs: null,
    status: 200,
    stream: false,
    aborted: false,
    errorType: null,
    costUsd: 0.01,
    abortReason: null,
    usageEstimated: false,
  };
}

function fakeStore(opts: { failures?: number } = {}) {
  let failures = opts.failures ?? 0;
  const batches: UsageRecord[][] = [];
  const store = {
    async insertUsage(records: UsageRecord[]) {
      if (failures > 0) {
        failures--;
        throw new Error("database is down");
      }
      batches.push([...records]);
    },
  } as unknown as Store;
  return { store, batches, written: () => batches.flat().map((r) => r.requestId) };
}

describe("usage recorder", () => {
  it("writes nothing on the request path, then everything in one batch", async () => {
    const s = fakeStore();
    const rec = createUsageRecorder(s.store, undefined, silent, { flushIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) rec.add(record(i));
    assert.equal(s.batches.length, 0);
    assert.equal(rec.queued(), 5);
    await rec.flush();
    assert.equal(s.batches.length, 1);
    assert.deepEqual(s.written(), ["r0", "r1", "r2", "r3", "r4"]);
    await rec.stop();
  });

  it("writes full batches at once and on its timer", async () => {
    const s = fakeStore();
    const rec = createUsageRecorder(s.store, undefined, silent, { flushIntervalMs: 50, batchSize: 3 });
    for (let i = 0; i < 7; i++) rec.add(record(i));
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(s.written(), ["r0", "r1", "r2", "r3", "r4", "r5", "r6"]);
    assert.ok(s.batches.every((b) => b.length <= 3));
    await rec.stop();
  });

  it("keeps records after a failed write and writes them later", async () => {
    const s = fakeStore({ failures: 2 });
    const lines: string[] = [];
    const rec = createUsageRecorder(s.store, undefined, pino({}, { write: (l: string) => void lines.push(l) }), {
      flushIntervalMs: 60_000,
    });
    rec.add(record(1));
    await rec.flush();
    await rec.flush();
    assert.equal(rec.queued(), 1);
    await rec.flush();
    assert.deepEqual(s.written(), ["r1"]);
    assert.equal(lines.filter((l) => l.includes("could not write usage records")).length, 1, "logged once, not per attempt");
    await rec.stop();
  });

  it("drops the oldest records past its bound, and counts them", async () => {
    const s = fakeStore({ failures: 100 });
    let dropped = 0;
    const rec = createUsageRecorder(s.store, undefined, silent, {
      flushIntervalMs: 60_000,
      maxQueue: 10,
      batchSize: 1000,
      onDropped: (n) => (dropped += n),
    });
    for (let i = 0; i < 15; i++) rec.add(record(i));
    assert.equal(rec.queued(), 10);
    assert.equal(dropped, 5);
  });

  it("writes everything that is left on stop (graceful shutdown)", async () => {
    const s = fakeStore({ failures: 1 });
    const rec = createUsageRecorder(s.store, undefined, silent, { flushIntervalMs: 60_000, batchSize: 2 });
    for (let i = 0; i < 5; i++) rec.add(record(i));
    await rec.stop();
    assert.equal(s.written().length, 5);
    assert.equal(rec.queued(), 0);
  });
});
