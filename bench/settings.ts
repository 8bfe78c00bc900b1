// How long and how hard each scenario runs: the full benchmark, and the smoke run (a few seconds,
// every figure produced, nothing meaningful measured) that a test runs so the harness never rots.

export interface Settings {
  smoke: boolean;
  /** Repetitions of every timed scenario; the report gives medians. */
  runs: number;
  /** `amount` (requests) replaces `durationS` where set: autocannon's durations are whole seconds. */
  chat: { concurrencies: number[]; durationS: number; warmupS: number; amount?: number };
  /** Latency at a fixed offered load, evenly spaced, below every contender's saturation point. */
  fixedRate: { connections: number; rate: number; durationS: number; amount?: number };
  embeddings: { connections: number; durationS: number; amount?: number };
  /** One stream at a time at a model-like token rate: TTFT, total time, tokens/s. */
  streamPaced: { tokens: number; tokenRate: number; streams: number };
  /** Zero-latency streams, several at once (at least `streams`, for at least `minDurationS`): CPU per stream, streams per second. */
  streamBurst: { tokens: number; streams: number; concurrency: number; minDurationS: number };
  /** Open streams held by a slow upstream; a fresh proxy process for each count. */
  memory: { counts: number[]; batch: number; freshProcess: boolean; settleMs: number };
  coldStart: { runs: number; warmup: boolean };
}

export const FULL: Settings = {
  smoke: false,
  runs: 3,
  chat: { concurrencies: [1, 16, 64, 256], durationS: 4, warmupS: 1 },
  fixedRate: { connections: 64, rate: 500, durationS: 5 },
  embeddings: { connections: 16, durationS: 4 },
  streamPaced: { tokens: 500, tokenRate: 1000, streams: 8 },
  streamBurst: { tokens: 500, streams: 200, concurrency: 16, minDurationS: 3 },
  memory: { counts: [1000, 5000], batch: 250, freshProcess: true, settleMs: 1500 },
  coldStart: { runs: 7, warmup: true },
};

export const SMOKE: Settings = {
  smoke: true,
  runs: 1,
  chat: { concurrencies: [1, 16, 64, 256], durationS: 1, warmupS: 0, amount: 300 },
  fixedRate: { connections: 64, rate: 400, durationS: 1, amount: 100 },
  embeddings: { connections: 4, durationS: 1, amount: 40 },
  streamPaced: { tokens: 20, tokenRate: 2000, streams: 2 },
  streamBurst: { tokens: 50, streams: 4, concurrency: 2, minDurationS: 0 },
  memory: { counts: [10, 30], batch: 10, freshProcess: false, settleMs: 0 },
  coldStart: { runs: 1, warmup: false },
};
