// Several runs → one set of figures: the median of every number, and ratios computed within each
// run (contenders measured minutes apart on a shared machine drift together) then the median of
// those. Then the targets, checked against the medians.
import type { ContenderName } from "../contenders/contenders.ts";
import { median } from "../lib/stats.ts";
import type {
  ColdStartFigures,
  HttpFigures,
  HttpScenario,
  MemoryFigures,
  PerContender,
  Ratios,
  RunFigures,
  StreamFigures,
  StreamScenario,
  Target,
} from "./figures.ts";

/** Median of each numeric field over a list of same-shaped objects. */
export function medianOf<T extends object>(items: T[]): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(items[0] ?? {})) {
    const values = items.map((x) => (x as Record<string, unknown>)[key]);
    out[key] = typeof values[0] === "number" ? median(values as number[]) : values[0];
  }
  return out as T;
}

function perContenderMedian<T extends object>(runs: (PerContender<T> | undefined)[]): PerContender<T> {
  const out: PerContender<T> = {};
  const names = new Set(runs.flatMap((r) => Object.keys(r ?? {}))) as Set<ContenderName>;
  for (const name of names) {
    const items = runs.map((r) => r?.[name]).filter((x): x is T => x !== undefined);
    if (items.length) out[name] = medianOf(items);
  }
  return out;
}

export interface Aggregate {
  http: Partial<Record<HttpScenario, PerContender<HttpFigures>>>;
  stream: Partial<Record<StreamScenario, PerContender<StreamFigures>>>;
  ratios: Record<string, PerContender<Ratios>>;
}

const clean = (r: Ratios): Ratios => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined && Number.isFinite(v)));

function httpRatios(s: PerContender<HttpFigures>): PerContender<Ratios> {
  const out: PerContender<Ratios> = {};
  const direct = s.direct;
  const floor = s.floor;
  for (const [name, f] of Object.entries(s) as [ContenderName, HttpFigures][]) {
    out[name] = clean({
      rpsToDirect: direct ? f.rps / direct.rps : undefined,
      rpsToFloor: floor ? f.rps / floor.rps : undefined,
      cpuToFloor: floor && name !== "direct" ? f.cpuMsPerReq / floor.cpuMsPerReq : undefined,
      p50OverheadMs: direct ? f.p50 - direct.p50 : undefined,
      p99OverheadMs: direct ? f.p99 - direct.p99 : undefined,
    });
  }
  return out;
}

function streamRatios(s: PerContender<StreamFigures>): PerContender<Ratios> {
  const out: PerContender<Ratios> = {};
  for (const [name, f] of Object.entries(s) as [ContenderName, StreamFigures][]) {
    out[name] = clean({
      ttftOverheadMs: s.direct ? f.ttftP50 - s.direct.ttftP50 : undefined,
      rpsToDirect: s.direct ? f.streamsPerSecond / s.direct.streamsPerSecond : undefined,
      rpsToFloor: s.floor ? f.streamsPerSecond / s.floor.streamsPerSecond : undefined,
      cpuPerStreamToFloor: s.floor && name !== "direct" ? f.cpuMsPerStream / s.floor.cpuMsPerStream : undefined,
    });
  }
  return out;
}

export function aggregate(runs: RunFigures[]): Aggregate {
  const http: Aggregate["http"] = {};
  const stream: Aggregate["stream"] = {};
  const ratios: Aggregate["ratios"] = {};
  const httpIds = new Set(runs.flatMap((r) => Object.keys(r.http))) as Set<HttpScenario>;
  const streamIds = new Set(runs.flatMap((r) => Object.keys(r.stream))) as Set<StreamScenario>;
  for (const id of httpIds) {
    http[id] = perContenderMedian(runs.map((r) => r.http[id]));
    ratios[id] = perContenderMedian(runs.map((r) => (r.http[id] ? httpRatios(r.http[id]) : undefined)));
  }
  for (const id of streamIds) {
    stream[id] = perContenderMedian(runs.map((r) => r.stream[id]));
    ratios[id] = perContenderMedian(runs.map((r) => (r.stream[id] ? streamRatios(r.stream[id]) : undefined)));
  }
  // Throughput against Portkey, within each run.
  const vsPortkey = runs
    .map((r) => r.http["chat-c64"])
    .filter((s) => s?.gateway && s.portkey)
    .map((s) => s!.gateway!.rps / s!.portkey!.rps);
  if (vsPortkey.length) ratios["chat-c64-vs-portkey"] = { gateway: { rpsToDirect: median(vsPortkey) } };
  return { http, stream, ratios };
}

export function checkTargets(
  agg: Aggregate,
  memory: PerContender<Record<string, MemoryFigures>>,
  cold: PerContender<ColdStartFigures>,
  memoryCounts: number[],
): Target[] {
  const t: Target[] = [];
  const add = (
    id: string,
    what: string,
    target: string,
    measured: number | undefined,
    unit: string,
    met: (v: number) => boolean,
    how: string,
  ) => {
    const v = measured ?? NaN;
    t.push({ id, what, target, measured: v, unit, met: Number.isFinite(v) && met(v), how });
  };
  const rate = agg.ratios["chat-rate64"]?.gateway;
  add(
    "overhead-p50",
    "non-stream overhead over direct, p50, 64 connections",
    "≤ 1 ms",
    rate?.p50OverheadMs,
    "ms",
    (v) => v <= 1,
    "gateway p50 − direct p50 at a fixed offered load (chat-rate64)",
  );
  add(
    "overhead-p99",
    "non-stream overhead over direct, p99, 64 connections",
    "≤ 5 ms",
    rate?.p99OverheadMs,
    "ms",
    (v) => v <= 5,
    "gateway p99 − direct p99 at a fixed offered load (chat-rate64)",
  );
  add(
    "vs-portkey",
    "throughput vs Portkey (64 connections)",
    "≥ 3×",
    agg.ratios["chat-c64-vs-portkey"]?.gateway?.rpsToDirect,
    "×",
    (v) => v >= 3,
    "gateway req/s ÷ Portkey req/s, saturated (chat-c64), per run then median",
  );
  add(
    "vs-floor",
    "throughput vs pass-through floor (64 connections)",
    "≥ 50%",
    (agg.ratios["chat-c64"]?.gateway?.rpsToFloor ?? NaN) * 100,
    "%",
    (v) => v >= 50,
    "gateway req/s ÷ floor req/s, saturated (chat-c64)",
  );
  add(
    "ttft",
    "streaming time-to-first-token overhead",
    "≤ 1 ms",
    agg.ratios["stream-paced"]?.gateway?.ttftOverheadMs,
    "ms",
    (v) => v <= 1,
    "gateway TTFT p50 − direct TTFT p50, one stream at a time (stream-paced)",
  );
  const most = Math.max(...memoryCounts);
  add(
    "memory",
    `RSS per open stream at ${most} streams`,
    "≤ 32 KB",
    memory.gateway?.[String(most)]?.kbPerStream,
    "KB",
    (v) => v <= 32,
    "(RSS with the streams open − RSS before) ÷ streams, fresh process",
  );
  add(
    "cold-start",
    "cold start: process start to first 200",
    "≤ 250 ms",
    cold.gateway?.healthMs,
    "ms",
    (v) => v <= 250,
    "spawn `node dist/server/main.mjs` (the container's start command) → first /health 200 (median); first chat completion reported beside it",
  );
  return t;
}
