// Pure token-bucket arithmetic for per-key RPM and TPM. Each limit is a bucket holding up to one
// minute's allowance that refills continuously, so a key may burst up to its limit and then gets
// limit/60 per second. The TPM bucket may go negative: admission reserves an estimate, and when
// the real usage is known the difference is charged or refunded (a long answer puts the key in
// debt until the bucket refills). The Redis limiter runs the same arithmetic in Lua.

export interface Limits {
  rpm: number | null;
  tpm: number | null;
}

export interface BucketState {
  /** Requests left in the RPM bucket (fractional while refilling). */
  requests: number;
  /** Tokens left in the TPM bucket; negative while in debt. */
  tokens: number;
  /** Epoch ms of the last update. */
  at: number;
}

export interface Decision {
  allowed: boolean;
  /** Which limit refused the request. */
  limitedBy?: "requests" | "tokens";
  /** Milliseconds until a refused request could pass. */
  retryAfterMs: number;
  remainingRequests: number;
  remainingTokens: number;
  /** Milliseconds until each bucket is full again (OpenAI's x-ratelimit-reset-*). */
  resetRequestsMs: number;
  resetTokensMs: number;
}

const MINUTE = 60_000;

export function refill(state: BucketState | undefined, limits: Limits, now: number): BucketState {
  const rpm = limits.rpm ?? 0;
  const tpm = limits.tpm ?? 0;
  if (!state) return { requests: rpm, tokens: tpm, at: now };
  const elapsed = Math.max(0, now - state.at);
  return {
    requests: rpm > 0 ? Math.min(rpm, state.requests + (elapsed * rpm) / MINUTE) : 0,
    tokens: tpm > 0 ? Math.min(tpm, state.tokens + (elapsed * tpm) / MINUTE) : 0,
    at: now,
  };
}

export function decide(
  s: BucketState,
  limits: Limits,
  allowed: boolean,
  retryAfterMs: number,
  limitedBy?: "requests" | "tokens",
): Decision {
  const rpm = limits.rpm ?? 0;
  const tpm = limits.tpm ?? 0;
  return {
    allowed,
    limitedBy,
    retryAfterMs: Math.ceil(retryAfterMs),
    remainingRequests: rpm > 0 ? Math.max(0, Math.floor(s.requests)) : 0,
    remainingTokens: tpm > 0 ? Math.max(0, Math.floor(s.tokens)) : 0,
    resetRequestsMs: rpm > 0 ? Math.ceil(((rpm - s.requests) * MINUTE) / rpm) : 0,
    resetTokensMs: tpm > 0 ? Math.ceil(((tpm - s.tokens) * MINUTE) / tpm) : 0,
  };
}

/** Take one request and `tokens` tokens if both buckets allow it. */
export function take(
  state: BucketState | undefined,
  limits: Limits,
  tokens: number,
  now: number,
): { state: BucketState; decision: Decision } {
  const s = refill(state, limits, now);
  const rpm = limits.rpm ?? 0;
  const tpm = limits.tpm ?? 0;
  let retry = 0;
  let limitedBy: "requests" | "tokens" | undefined;
  if (rpm > 0 && s.requests < 1) {
    retry = ((1 - s.requests) * MINUTE) / rpm;
    limitedBy = "requests";
  }
  if (tpm > 0 && s.tokens < tokens) {
    const t = ((tokens - s.tokens) * MINUTE) / tpm;
    if (t > retry) limitedBy = "tokens";
    retry = Math.max(retry, t);
  }
  if (limitedBy) return { state: s, decision: decide(s, limits, false, retry, limitedBy) };
  const next = { requests: rpm > 0 ? s.requests - 1 : 0, tokens: tpm > 0 ? s.tokens - tokens : 0, at: now };
  return { state: next, decision: decide(next, limits, true, 0) };
}

/** Charge (positive) or refund (negative) tokens once the real usage is known. */
export function adjust(state: BucketState | undefined, limits: Limits, delta: number, now: number): BucketState {
  const s = refill(state, limits, now);
  const tpm = limits.tpm ?? 0;
  return tpm > 0 ? { ...s, tokens: Math.min(tpm, s.tokens - delta) } : s;
}

/** Milliseconds until both buckets are full again (after which the state can be forgotten). */
export function msUntilFull(s: BucketState, limits: Limits): number {
  const rpm = limits.rpm ?? 0;
  const tpm = limits.tpm ?? 0;
  const r = rpm > 0 ? ((rpm - s.requests) * MINUTE) / rpm : 0;
  const t = tpm > 0 ? ((tpm - s.tokens) * MINUTE) / tpm : 0;
  return Math.max(0, r, t);
}
