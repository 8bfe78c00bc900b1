// The soak's phases in time, as a pure function of the run's length and its number of cycles, and
// the per-cycle memory figures the report compares (does a second pass through the same chaos raise
// the high-water mark?).
import { memoryTrend, round } from "./soak-stats.ts";
import type { MemoryTrend, Sample } from "./soak-stats.ts";

/** What each phase does to the load; the label adds the cycle ("throttle #2") from the second on. */
export type Stage = "warm-up" | "steady" | "throttle" | "mid-stream" | "aborts" | "outage" | "settle";

/** Shares of one cycle. The warm-up happens once: from the second cycle on, its share goes to steady. */
const CYCLE: readonly (readonly [Stage, number])[] = [
  ["warm-up", 0.12],
  ["steady", 0.25],
  ["throttle", 0.1],
  ["mid-stream", 0.1],
  ["aborts", 0.1],
  ["outage", 0.1],
  ["settle", 0.23],
];

export interface ScheduledPhase {
  cycle: number;
  stage: Stage;
  /** The phase's name in the report: the stage, with " #<cycle>" from the second cycle on. */
  label: string;
  durationMs: number;
}

export function schedule(totalMs: number, cycles: number): ScheduledPhase[] {
  if (!Number.isInteger(cycles) || cycles < 1) throw new Error(`--cycles must be a whole number ≥ 1 (got ${cycles})`);
  const cycleMs = totalMs / cycles;
  const out: ScheduledPhase[] = [];
  for (let cycle = 1; cycle <= cycles; cycle++) {
    for (const [stage, share] of CYCLE) {
      if (stage === "warm-up" && cycle > 1) continue;
      const s = stage === "steady" && cycle > 1 ? share + CYCLE[0]![1] : share;
      out.push({ cycle, stage, label: cycle === 1 ? stage : `${stage} #${cycle}`, durationMs: s * cycleMs });
    }
  }
  return out;
}

export interface CycleMemory {
  cycle: number;
  fromS: number;
  toS: number;
  /** Highest RSS seen in the cycle (after the warm-up for the first). */
  maxRssMB: number;
  meanRssMB: number;
  /** Highest committed V8 heap seen in the cycle. */
  maxHeapTotalMB: number | undefined;
  /** How much this cycle raised the run's RSS high-water mark (0 when it stayed under the earlier one; the first cycle's counts from the warm-up's). */
  raisedHighWaterMB: number;
}

/**
 * Memory per cycle from the samples and the phase edges (seconds). The first cycle starts after the
 * warm-up. A process that has reached its working size stops raising the high-water mark: from the
 * second cycle on, `raisedHighWaterMB` should be ~0 while the first cycle's chaos set it.
 */
export function memoryByCycle(samples: readonly Sample[], edges: readonly { cycle: number; stage: Stage; atS: number }[]): CycleMemory[] {
  const cycles = [...new Set(edges.map((e) => e.cycle))].sort((a, b) => a - b);
  const out: CycleMemory[] = [];
  // The mark the first cycle starts from: the warm-up's (streams opening, JIT, pools filling).
  const firstFrom = edges.find((e) => e.stage !== "warm-up")?.atS ?? 0;
  let highWater = Math.max(0, ...samples.filter((s) => s.t < firstFrom).map((s) => s.rssMB));
  for (const cycle of cycles) {
    const own = edges.filter((e) => e.cycle === cycle);
    const from = own.find((e) => e.stage !== "warm-up")?.atS;
    if (from === undefined) continue;
    const to = edges.find((e) => e.cycle > cycle)?.atS ?? Infinity;
    const in_ = samples.filter((s) => s.t >= from && s.t < to);
    if (!in_.length) continue;
    const maxRss = Math.max(...in_.map((s) => s.rssMB));
    const heaps = in_.flatMap((s) => (s.heapTotalMB === undefined ? [] : [s.heapTotalMB]));
    out.push({
      cycle,
      fromS: in_[0]!.t,
      toS: in_.at(-1)!.t,
      maxRssMB: round(maxRss),
      meanRssMB: round(in_.reduce((a, s) => a + s.rssMB, 0) / in_.length),
      maxHeapTotalMB: heaps.length ? round(Math.max(...heaps)) : undefined,
      raisedHighWaterMB: round(Math.max(0, maxRss - highWater)),
    });
    highWater = Math.max(highWater, maxRss);
  }
  return out;
}

/** The RSS trend from the start of the second cycle to the end (undefined with one cycle). */
export function trendAfterFirstCycle(
  samples: readonly Sample[],
  edges: readonly { cycle: number; atS: number }[],
): MemoryTrend | undefined {
  const second = edges.find((e) => e.cycle === 2)?.atS;
  return second === undefined ? undefined : memoryTrend(samples.filter((s) => s.t >= second));
}
