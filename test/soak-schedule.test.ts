// The soak's schedule and per-cycle memory figures (bench/soak/soak-schedule.ts): pure functions,
// checked on fixtures so that a long run's report cannot silently mislabel its cycles.
import assert from "node:assert/strict";
import { test } from "node:test";
import { memoryByCycle, schedule, trendAfterFirstCycle } from "../bench/soak/soak-schedule.ts";
import type { Sample } from "../bench/soak/soak-stats.ts";

test("one cycle is the classic run: every phase once, shares of the whole run", () => {
  const phases = schedule(600_000, 1);
  assert.deepEqual(
    phases.map((p) => [p.label, Math.round(p.durationMs / 1000)]),
    [
      ["warm-up", 72],
      ["steady", 150],
      ["throttle", 60],
      ["mid-stream", 60],
      ["aborts", 60],
      ["outage", 60],
      ["settle", 138],
    ],
  );
});

test("cycles repeat every phase but the warm-up, each cycle as long as the first", () => {
  const phases = schedule(3_600_000, 3);
  assert.equal(phases.filter((p) => p.stage === "warm-up").length, 1);
  assert.equal(phases.filter((p) => p.stage === "outage").length, 3);
  assert.deepEqual(
    phases.filter((p) => p.cycle === 2).map((p) => p.label),
    ["steady #2", "throttle #2", "mid-stream #2", "aborts #2", "outage #2", "settle #2"],
  );
  for (const cycle of [1, 2, 3]) {
    const ms = phases.filter((p) => p.cycle === cycle).reduce((a, p) => a + p.durationMs, 0);
    assert.ok(Math.abs(ms - 1_200_000) < 1e-6, `cycle ${cycle} lasts ${ms} ms`);
  }
  assert.throws(() => schedule(60_000, 0), /--cycles/);
  assert.throws(() => schedule(60_000, 1.5), /--cycles/);
});

const sample = (t: number, rssMB: number, heapTotalMB?: number): Sample => ({ t, phase: "x", rssMB, heapTotalMB, openStreams: 0 });
const edges = [
  { cycle: 1, stage: "warm-up" as const, atS: 0 },
  { cycle: 1, stage: "steady" as const, atS: 10 },
  { cycle: 1, stage: "outage" as const, atS: 30 },
  { cycle: 2, stage: "steady" as const, atS: 50 },
  { cycle: 2, stage: "outage" as const, atS: 70 },
  { cycle: 3, stage: "steady" as const, atS: 90 },
];

test("memory by cycle: the high-water mark a cycle raised, after the warm-up", () => {
  const samples = [
    sample(2, 450), // warm-up: not in cycle 1, the mark cycle 1 starts from
    sample(12, 500, 300),
    sample(35, 600, 380),
    sample(55, 590, 350),
    sample(75, 604, 390), // cycle 2 raises the mark by 4 MB
    sample(95, 603),
    sample(110, 601),
  ];
  const byCycle = memoryByCycle(samples, edges);
  assert.deepEqual(
    byCycle.map((c) => [c.cycle, c.fromS, c.toS, c.maxRssMB, c.maxHeapTotalMB, c.raisedHighWaterMB]),
    [
      [1, 12, 35, 600, 380, 150],
      [2, 55, 75, 604, 390, 4],
      [3, 95, 110, 603, undefined, 0],
    ],
  );
  assert.equal(byCycle[1]!.meanRssMB, 597);
});

test("the trend after the first cycle starts at the second cycle's first sample", () => {
  const samples = [sample(12, 100), sample(35, 400), sample(55, 600), sample(75, 600), sample(95, 600)];
  const t = trendAfterFirstCycle(samples, edges)!;
  assert.equal(t.fromS, 55);
  assert.equal(t.rssMBPerMin, 0);
  assert.equal(
    trendAfterFirstCycle(
      samples,
      edges.filter((e) => e.cycle === 1),
    ),
    undefined,
  );
});
