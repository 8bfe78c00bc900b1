// Pure helpers of the soak report: memory slope and per-phase tallies.
import type { Outcome } from "./soak-client.ts";

export interface Sample {
  /** Seconds since the soak started. */
  t: number;
  phase: string;
  rssMB: number;
  heapUsedMB?: number | undefined;
  heapTotalMB?: number | undefined;
  externalMB?: number | undefined;
  /** Committed size of each V8 heap space (new, old, code, large_object…). */
  spacesMB?: Record<string, number>;
  openStreams: number;
}

/** Least-squares slope of y over x (units of y per unit of x); 0 with fewer than two points. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export interface MemoryTrend {
  samples: number;
  fromS: number;
  toS: number;
  meanRssMB: number;
  /** RSS slope, MB per minute. */
  rssMBPerMin: number;
  /** The slope as a share of the mean RSS per 10 minutes (the "< 1 % per 10 minutes"). */
  rssPctPer10Min: number;
  heapMBPerMin: number | undefined;
  minRssMB: number;
  maxRssMB: number;
}

export function memoryTrend(samples: readonly Sample[]): MemoryTrend | undefined {
  if (samples.length < 2) return undefined;
  const rss = samples.map((s) => ({ x: s.t / 60, y: s.rssMB }));
  const heap = samples.filter((s) => s.heapUsedMB !== undefined).map((s) => ({ x: s.t / 60, y: s.heapUsedMB! }));
  const meanRssMB = rss.reduce((a, p) => a + p.y, 0) / rss.length;
  const perMin = slope(rss);
  return {
    samples: samples.length,
    fromS: samples[0]!.t,
    toS: samples.at(-1)!.t,
    meanRssMB: round(meanRssMB),
    rssMBPerMin: round(perMin, 3),
    rssPctPer10Min: round(((perMin * 10) / meanRssMB) * 100, 2),
    heapMBPerMin: heap.length >= 2 ? round(slope(heap), 3) : undefined,
    minRssMB: round(Math.min(...rss.map((p) => p.y))),
    maxRssMB: round(Math.max(...rss.map((p) => p.y))),
  };
}

export interface PhaseTally {
  requests: number;
  streams: number;
  done: number;
  /** Terminal error events / error bodies, by code. */
  errors: Record<string, number>;
  /** Streams or responses that ended without a terminal event although the client did not abort. */
  cut: number;
  aborted: number;
  refused: number;
  /** Connection errors of refused requests, by message. */
  refusedBy: Record<string, number>;
  malformed: number;
  wrong: number;
}

export function tally(outcomes: Iterable<Outcome>): PhaseTally {
  const t: PhaseTally = {
    requests: 0,
    streams: 0,
    done: 0,
    errors: {},
    cut: 0,
    aborted: 0,
    refused: 0,
    refusedBy: {},
    malformed: 0,
    wrong: 0,
  };
  for (const o of outcomes) {
    t.requests++;
    if (o.stream) t.streams++;
    if (o.end === "done") t.done++;
    else if (o.end === "cut") t.cut++;
    else if (o.end === "aborted") t.aborted++;
    else if (o.end === "refused") {
      t.refused++;
      const why = o.error ?? "closed without a response";
      t.refusedBy[why] = (t.refusedBy[why] ?? 0) + 1;
    } else {
      const code = o.end.replace(/^error:/, "");
      t.errors[code] = (t.errors[code] ?? 0) + 1;
    }
    if (o.malformed) t.malformed++;
    if (o.wrong) t.wrong++;
  }
  return t;
}

export const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
