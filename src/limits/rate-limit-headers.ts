// OpenAI's rate-limit headers for a key with limits, on every response of that key.
import type { Decision, Limits } from "./token-bucket.ts";

/** Go-style durations as OpenAI sends them: "20ms", "1.5s", "6m0s". */
export function formatResetDuration(ms: number): string {
  const m = Math.max(0, Math.ceil(ms));
  if (m < 1000) return `${m}ms`;
  if (m < 60_000) return `${Number((m / 1000).toFixed(3))}s`;
  const minutes = Math.floor(m / 60_000);
  return `${minutes}m${Number(((m - minutes * 60_000) / 1000).toFixed(3))}s`;
}

export function rateLimitHeaders(limits: Limits, d: Decision): Record<string, string> {
  const h: Record<string, string> = {};
  if (limits.rpm) {
    h["x-ratelimit-limit-requests"] = String(limits.rpm);
    h["x-ratelimit-remaining-requests"] = String(d.remainingRequests);
    h["x-ratelimit-reset-requests"] = formatResetDuration(d.resetRequestsMs);
  }
  if (limits.tpm) {
    h["x-ratelimit-limit-tokens"] = String(limits.tpm);
    h["x-ratelimit-remaining-tokens"] = String(d.remainingTokens);
    h["x-ratelimit-reset-tokens"] = formatResetDuration(d.resetTokensMs);
  }
  return h;
}
