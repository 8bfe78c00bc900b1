// Rate limits shared by every replica through Redis. One Lua script does refill + check + take
// atomically on the server (no lost updates between replicas) and uses Redis's own clock, so
// replicas with skewed clocks agree. It mirrors token-bucket.ts; the tests run both.
import { Redis } from "ioredis";
import type { RateLimiter } from "./rate-limiter.ts";
import { decide } from "./token-bucket.ts";
import type { Limits } from "./token-bucket.ts";

// KEYS[1] = bucket hash. ARGV = rpm, tpm (0 = no limit), tokens, mode (take | adjust | peek).
// Returns {allowed, requests, tokens, retryMs, limitedBy} with numbers as strings (Lua numbers
// would be truncated to integers on the way out).
const BUCKET_SCRIPT = `
local rpm = tonumber(ARGV[1])
local tpm = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local mode = ARGV[4]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local s = redis.call('HMGET', KEYS[1], 'r', 't', 'at')
local r = tonumber(s[1])
local k = tonumber(s[2])
local at = tonumber(s[3]) or now
local el = math.max(0, now - at)
if rpm > 0 then r = math.min(rpm, (r or rpm) + el * rpm / 60000) else r = 0 end
if tpm > 0 then k = math.min(tpm, (k or tpm) + el * tpm / 60000) else k = 0 end
local allowed = 1
local retry = 0
local by = ''
if mode == 'take' then
  if rpm > 0 and r < 1 then
    allowed = 0
    retry = (1 - r) * 60000 / rpm
    by = 'requests'
  end
  if tpm > 0 and k < cost then
    allowed = 0
    local w = (cost - k) * 60000 / tpm
    if w > retry then by = 'tokens' end
    retry = math.max(retry, w)
  end
  if allowed == 1 then
    if rpm > 0 then r = r - 1 end
    if tpm > 0 then k = k - cost end
  end
elseif mode == 'adjust' then
  if tpm > 0 then k = math.min(tpm, k - cost) end
end
if mode ~= 'peek' then
  local full = 0
  if rpm > 0 then full = math.max(full, (rpm - r) * 60000 / rpm) end
  if tpm > 0 then full = math.max(full, (tpm - k) * 60000 / tpm) end
  redis.call('HSET', KEYS[1], 'r', tostring(r), 't', tostring(k), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil(full) + 1000)
end
return {allowed, tostring(r), tostring(k), tostring(retry), by}
`;

type ScriptReply = [number, string, string, string, string];

interface BucketCommands {
  bgwBucket(key: string, rpm: number, tpm: number, tokens: number, mode: string): Promise<ScriptReply>;
}

export interface RedisLimiterOptions {
  url: string;
  /** Longest wait for an answer; beyond it the call fails and the fail mode applies. */
  timeoutMs: number;
  keyPrefix?: string;
}

export interface RedisRateLimiter extends RateLimiter {
  redis: Redis;
  /** Resolves when connected, or after `timeoutMs` (the fail mode covers a Redis that is not up). */
  ready(timeoutMs: number): Promise<boolean>;
}

export function redisLimiter(opts: RedisLimiterOptions): RedisRateLimiter {
  const redis = new Redis(opts.url, {
    lazyConnect: false,
    // Fail fast while disconnected instead of queueing: a request must not wait for Redis to return.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: opts.timeoutMs,
    connectTimeout: Math.max(1000, opts.timeoutMs),
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Connection errors surface per command (fail mode); without a listener ioredis would log them.
  redis.on("error", () => {});
  redis.defineCommand("bgwBucket", { numberOfKeys: 1, lua: BUCKET_SCRIPT });
  const cmd = redis as unknown as BucketCommands;
  const prefix = opts.keyPrefix ?? "bgw:rl:";

  const run = async (keyId: string, limits: Limits, tokens: number, mode: "take" | "adjust" | "peek") => {
    const [allowed, r, k, retry, by] = await cmd.bgwBucket(prefix + keyId, limits.rpm ?? 0, limits.tpm ?? 0, tokens, mode);
    const state = { requests: Number(r), tokens: Number(k), at: 0 };
    return decide(state, limits, allowed === 1, Number(retry), by === "" ? undefined : (by as "requests" | "tokens"));
  };

  return {
    kind: "redis",
    redis,
    ready(timeoutMs) {
      if (redis.status === "ready") return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(t);
          redis.off("ready", onReady);
          resolve(ok);
        };
        const onReady = () => done(true);
        const t = setTimeout(() => done(false), timeoutMs);
        redis.on("ready", onReady);
      });
    },
    take: (keyId, limits, tokens) => run(keyId, limits, tokens, "take"),
    async adjust(keyId, limits, delta) {
      await run(keyId, limits, delta, "adjust");
    },
    peek: (keyId, limits) => run(keyId, limits, 0, "peek"),
    async close() {
      redis.disconnect();
    },
  };
}
