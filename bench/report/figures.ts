// The figures a benchmark run produces, per scenario and contender.
import type { ContenderName } from "../contenders/contenders.ts";

export interface HttpFigures {
  requests: number;
  failures: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  /** CPU ms per request in the contender's process (for direct: the upstream's). */
  cpuMsPerReq: number;
  upstreamCpuMsPerReq: number;
}

export interface StreamFigures {
  streams: number;
  failures: number;
  ttftP50: number;
  ttftP90: number;
  totalP50: number;
  /** Tokens per second within one stream, after its first token (median over streams). */
  tokensPerSecond: number;
  streamsPerSecond: number;
  cpuMsPerStream: number;
  upstreamCpuMsPerStream: number;
}

export interface MemoryFigures {
  streams: number;
  opened: number;
  failures: number;
  baselineMiB: number;
  rssMiB: number;
  kbPerStream: number;
}

export interface ColdStartFigures {
  /** Spawn → first 200 of a chat completion (median). */
  chatMs: number;
  chatAllMs: number[];
  /** Spawn → first /health 200 (gateway only). */
  healthMs?: number;
  healthAllMs?: number[];
}

export const HTTP_SCENARIOS = ["chat-c1", "chat-c16", "chat-c64", "chat-c256", "chat-rate64", "embeddings"] as const;
export const STREAM_SCENARIOS = ["stream-paced", "stream-burst"] as const;
export type HttpScenario = (typeof HTTP_SCENARIOS)[number];
export type StreamScenario = (typeof STREAM_SCENARIOS)[number];

export type PerContender<T> = Partial<Record<ContenderName, T>>;

export interface RunFigures {
  http: Partial<Record<HttpScenario, PerContender<HttpFigures>>>;
  stream: Partial<Record<StreamScenario, PerContender<StreamFigures>>>;
  loadAverage: number[];
}

export interface Ratios {
  rpsToDirect?: number;
  rpsToFloor?: number;
  cpuToFloor?: number;
  p50OverheadMs?: number;
  p99OverheadMs?: number;
  ttftOverheadMs?: number;
  cpuPerStreamToFloor?: number;
}

export interface Target {
  id: string;
  what: string;
  target: string;
  measured: number;
  unit: string;
  met: boolean;
  how: string;
}
