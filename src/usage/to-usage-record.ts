// Pure: a finished request → its usage record, priced. Only requests that reached a model
// endpoint (LogFields.endpoint set) are usage; /v1/models, /health and 401s are not.
import type { CompletedRequest } from "../logging/request-record.ts";
import type { UsageRecord } from "../store/store.ts";
import type { Pricing } from "./pricing.ts";

const count = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.round(v) : 0);
const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

export function toUsageRecord(r: CompletedRequest, pricing: Pricing, region: string): UsageRecord | undefined {
  const f = r.fields;
  if (!f.endpoint) return undefined;
  const tokens = {
    inputTokens: count(f.inputTokens),
    outputTokens: count(f.outputTokens),
    cacheReadTokens: count(f.cacheReadTokens),
    cacheWriteTokens: count(f.cacheWriteTokens),
  };
  const bedrockModel = text(f.bedrockModel);
  const baseModel = text(f.baseModelId);
  // The region that served the call prices it (cross-region and in-region prices can differ).
  const servedRegion = text(f.region) ?? region;
  const used = tokens.inputTokens + tokens.outputTokens + tokens.cacheReadTokens + tokens.cacheWriteTokens > 0;
  // A failed or refused request costs nothing; a successful call that reports no tokens (image
  // generation, say) is billed some other way, so its cost is unknown rather than zero.
  const cost = () =>
    used ? pricing.cost(baseModel ?? undefined, bedrockModel ?? undefined, servedRegion, tokens) : r.status >= 400 ? 0 : null;
  return {
    ts: r.startedAt,
    requestId: r.requestId,
    keyId: r.principal?.keyId ?? null,
    endpoint: f.endpoint,
    model: text(f.model),
    bedrockModel,
    baseModel,
    ...tokens,
    latencyMs: r.latencyMs,
    ttftMs: typeof f.ttftMs === "number" ? f.ttftMs : null,
    status: r.status,
    stream: f.stream === true,
    aborted: f.aborted === true,
    errorType: text(f.errorType),
    costUsd: cost(),
    abortReason: f.aborted === true ? text(f.abortReason) : null,
    usageEstimated: f.usageEstimated === true,
    region: text(f.region),
    target: text(f.target),
  };
}
