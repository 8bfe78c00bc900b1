// Writes usage records in batches, off the response path: requests only append to a queue; a
// timer (USAGE_FLUSH_INTERVAL) or a full batch writes them in one transaction. A failed write
// keeps the records for the next attempt (the queue is bounded: past `maxQueue` the oldest are
// dropped, counted and logged). stop() writes everything left — the graceful-shutdown flush.
import type { Logger } from "pino";
import type { SpendTracker } from "../limits/spend-tracker.ts";
import type { Store, UsageRecord } from "../store/store.ts";

export interface UsageRecorderOptions {
  flushIntervalMs: number;
  batchSize?: number;
  maxQueue?: number;
  onDropped?: (n: number) => void;
}

export interface UsageRecorder {
  add(r: UsageRecord): void;
  /** Write what is queued now (coalesces with a flush in progress). */
  flush(): Promise<void>;
  /** Stop the timer and write everything that is left. */
  stop(): Promise<void>;
  queued(): number;
}

export function createUsageRecorder(store: Store, spend: SpendTracker | undefined, log: Logger, opts: UsageRecorderOptions): UsageRecorder {
  // SQLite writes are synchronous: a batch blocks the event loop while it is written (~6 µs per
  // record), so batches stay small enough for that to be a fraction of a millisecond or two.
  const batchSize = opts.batchSize ?? 250;
  const maxQueue = opts.maxQueue ?? 100_000;
  let queue: UsageRecord[] = [];
  let flushing: Promise<void> | undefined;
  let failures = 0;

  const writeOnce = async (): Promise<boolean> => {
    const batch = queue.slice(0, batchSize);
    if (batch.length === 0) return true;
    try {
      await store.insertUsage(batch);
      queue = queue.slice(batch.length);
      spend?.committed(batch);
      if (failures > 0) log.info({ after: failures }, "usage records written again");
      failures = 0;
      return true;
    } catch (err) {
      failures++;
      if (failures === 1 || failures % 60 === 0)
        log.error({ err: (err as Error).message, queued: queue.length }, "could not write usage records; will retry");
      return false;
    }
  };

  const flush = (): Promise<void> => {
    if (flushing) return flushing;
    // `.finally` runs in a later microtask, so `flushing` is cleared only after it was assigned
    // (with an empty queue the loop itself finishes synchronously).
    flushing = (async () => {
      while (queue.length > 0 && (await writeOnce()));
    })().finally(() => (flushing = undefined));
    return flushing;
  };

  const timer = setInterval(() => void flush(), opts.flushIntervalMs);
  timer.unref();
  // A full batch is written on a later turn of the event loop, never inside the request that
  // happened to fill it.
  let scheduled = false;
  const scheduleFlush = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void flush();
    });
  };

  return {
    add(r) {
      queue.push(r);
      spend?.recorded(r);
      if (queue.length > maxQueue) {
        const dropped = queue.length - maxQueue;
        queue.splice(0, dropped);
        opts.onDropped?.(dropped);
        log.error({ dropped }, "usage queue full: oldest records dropped");
      }
      if (queue.length >= batchSize) scheduleFlush();
    },
    flush,
    async stop() {
      clearInterval(timer);
      // A flush may be in progress; then retry a few times for records a failed write left behind.
      for (let attempt = 0; attempt < 5 && (queue.length > 0 || flushing); attempt++) {
        await flush();
        if (queue.length > 0) await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      }
      if (queue.length > 0) log.error({ lost: queue.length }, "usage records could not be written before shutdown");
    },
    queued: () => queue.length,
  };
}
