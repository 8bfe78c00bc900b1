// The console's Requests page: the last N finished requests of this process, kept in a fixed
// ring (O(1) per request, no allocation beyond the entry). Fed by the usage observer with the
// priced record it already built, so nothing is computed twice. No bodies are kept at all.
import type { UsageRecord } from "../store/store.ts";

/** What a finished request tells the list (http/app-env.ts CompletedRequest has these fields). */
export interface FinishedRequest {
  requestId: string;
  method: string;
  path: string;
  status: number;
  startedAt: number;
  latencyMs: number;
  streamed: boolean;
  principal: { keyId?: string } | undefined;
  fields: { model?: unknown; errorType?: unknown };
}

export interface RecentRequest {
  /** Increasing per process: the page asks for entries after the last one it has. */
  seq: number;
  ts: number;
  requestId: string;
  keyId: string | null;
  method: string;
  path: string;
  endpoint: string | null;
  model: string | null;
  status: number;
  latencyMs: number;
  ttftMs: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  errorType: string | null;
  stream: boolean;
}

export interface RecentFilter {
  keyId?: string;
  model?: string;
  /** "2xx", "4xx", "5xx", or an exact status. */
  status?: string;
  endpoint?: string;
  requestId?: string;
}

export interface RecentRequests {
  add(r: FinishedRequest, usage: UsageRecord | undefined): void;
  /** Newest first, at most `limit`, only entries with seq > after. */
  list(filter: RecentFilter, after?: number, limit?: number): RecentRequest[];
  readonly capacity: number;
}

function matches(e: RecentRequest, f: RecentFilter): boolean {
  if (f.keyId && e.keyId !== f.keyId) return false;
  if (f.model && e.model !== f.model) return false;
  if (f.endpoint && e.endpoint !== f.endpoint) return false;
  if (f.requestId && e.requestId !== f.requestId) return false;
  if (f.status) {
    const cls = /^([1-5])xx$/.exec(f.status);
    if (cls ? Math.floor(e.status / 100) !== Number(cls[1]) : String(e.status) !== f.status) return false;
  }
  return true;
}

export function recentRequests(capacity: number): RecentRequests {
  const ring: (RecentRequest | undefined)[] = new Array<RecentRequest | undefined>(capacity);
  let seq = 0;
  return {
    capacity,
    add(r, usage) {
      // The console's own pages and polls would drown everything else.
      if (r.path.startsWith("/console")) return;
      seq += 1;
      const f = r.fields;
      ring[seq % capacity] = {
        seq,
        ts: r.startedAt,
        requestId: r.requestId,
        keyId: r.principal?.keyId ?? null,
        method: r.method,
        path: r.path,
        endpoint: usage?.endpoint ?? null,
        model: usage ? (usage.bedrockModel ?? usage.model) : typeof f.model === "string" ? f.model : null,
        status: r.status,
        latencyMs: r.latencyMs,
        ttftMs: usage?.ttftMs ?? null,
        inputTokens: usage?.inputTokens ?? 0,
        outputTokens: usage?.outputTokens ?? 0,
        costUsd: usage ? usage.costUsd : null,
        errorType: typeof f.errorType === "string" ? f.errorType : null,
        stream: r.streamed,
      };
    },
    list(filter, after = 0, limit = 200) {
      const out: RecentRequest[] = [];
      for (let s = seq; s > Math.max(after, seq - capacity) && out.length < limit; s--) {
        const e = ring[s % capacity];
        if (e && e.seq === s && matches(e, filter)) out.push(e);
      }
      return out;
    },
  };
}
