// RPM/TPM token buckets: the pure arithmetic, the in-process limiter, and the Redis limiter (a
// real redis-server) agreeing with it; what happens when Redis goes away (fail open / closed).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { GatewayError } from "../src/errors/gateway-error.ts";
import { guardLimiter } from "../src/limits/guarded-limiter.ts";
import { memoryLimiter } from "../src/limits/memory-limiter.ts";
import type { RateLimiter } from "../src/limits/rate-limiter.ts";
import { formatResetDuration, rateLimitHeaders } from "../src/limits/rate-limit-headers.ts";
import { redisLimiter } from "../src/limits/redis-limiter.ts";
import { adjust, take } from "../src/limits/token-bucket.ts";
import { estimateBodyTokens } from "../src/limits/estimate-body-tokens.ts";
import { startRedis } from "./helpers/redis-server.ts";
import type { RedisServer } from "./helpers/redis-server.ts";

const silent = pino({ level: "silent" });

describe("token buckets (pure)", () => {
  it("allow a burst of the per-minute limit, then refill continuously", () => {
    const limits = { rpm: 3, tpm: null };
    let s;
    for (let i = 0; i < 3; i++) {
      const r = take(s, limits, 0, 0);
      assert.equal(r.decision.allowed, true);
      assert.equal(r.decision.remainingRequests, 2 - i);
      s = r.state;
    }
    const denied = take(s, limits, 0, 0);
    assert.equal(denied.decision.allowed, false);
    assert.equal(denied.decision.limitedBy, "requests");
    assert.equal(denied.decision.retryAfterMs, 20_000, "one request refills every 60s / 3");
    assert.equal(take(s, limits, 0, 19_999).decision.allowed, false);
    assert.equal(take(s, limits, 0, 20_000).decision.allowed, true);
    assert.equal(take(s, limits, 0, 0).decision.resetRequestsMs, 60_000);
  });

  it("reserve tokens, refuse when they run out, and go into debt on reconciliation", () => {
    const limits = { rpm: null, tpm: 1000 };
    let r = take(undefined, limits, 600, 0);
    assert.equal(r.decision.allowed, true);
    assert.equal(r.decision.remainingTokens, 400);
    const denied = take(r.state, limits, 600, 0);
    assert.equal(denied.decision.allowed, false);
    assert.equal(denied.decision.limitedBy, "tokens");
    assert.equal(denied.decision.retryAfterMs, 12_000, "200 missing tokens at 1000/min");
    // The request really used 1,500 tokens: 900 more than reserved.
    const s = adjust(r.state, limits, 900, 0);
    assert.equal(s.tokens, -500);
    r = take(s, limits, 1, 0);
    assert.equal(r.decision.allowed, false);
    assert.equal(r.decision.remainingTokens, 0);
    // A refund never overfills the bucket.
    assert.equal(adjust(undefined, limits, -5000, 0).tokens, 1000);
  });

  it("format OpenAI's reset durations", () => {
    assert.equal(formatResetDuration(20), "20ms");
    assert.equal(formatResetDuration(1500), "1.5s");
    assert.equal(formatResetDuration(360_000), "6m0s");
    assert.equal(formatResetDuration(61_250), "1m1.25s");
    const h = rateLimitHeaders(
      { rpm: 60, tpm: null },
      { allowed: true, retryAfterMs: 0, remainingRequests: 59, remainingTokens: 0, resetRequestsMs: 1000, resetTokensMs: 0 },
    );
    assert.deepEqual(h, { "x-ratelimit-limit-requests": "60", "x-ratelimit-remaining-requests": "59", "x-ratelimit-reset-requests": "1s" });
  });

  it("estimate input tokens roughly, counting images at a flat size", () => {
    assert.equal(estimateBodyTokens([{ role: "user", content: "x".repeat(400) }]), 101);
    const image = `data:image/png;base64,${"A".repeat(2_000_000)}`;
    assert.equal(estimateBodyTokens([{ role: "user", content: [{ type: "image_url", image_url: { url: image } }] }]), 1600 + 4);
    assert.equal(estimateBodyTokens(["word ".repeat(480)]), 600, "prose is prose, however long");
    assert.equal(estimateBodyTokens([{ bytes: "QUJD".repeat(1000) }]), 1600, "raw base64 counts as one document");
  });
});

function limiterContract(name: string, make: () => Promise<RateLimiter>) {
  describe(`limiter: ${name}`, () => {
    let limiter: RateLimiter;
    before(async () => {
      limiter = await make();
    });
    after(() => limiter.close());

    it("enforces RPM per key, independently for each key", async () => {
      const limits = { rpm: 2, tpm: null };
      const key = `k-rpm-${Math.random()}`;
      assert.equal((await limiter.take(key, limits, 0)).allowed, true);
      assert.equal((await limiter.take(key, limits, 0)).allowed, true);
      const d = await limiter.take(key, limits, 0);
      assert.equal(d.allowed, false);
      assert.equal(d.limitedBy, "requests");
      assert.ok(d.retryAfterMs > 29_000 && d.retryAfterMs <= 30_000, String(d.retryAfterMs));
      assert.equal((await limiter.take(`${key}-other`, limits, 0)).allowed, true);
      const p = await limiter.peek(key, limits);
      assert.equal(p.remainingRequests, 0);
      assert.ok(p.resetRequestsMs > 59_000);
    });

    it("enforces TPM with reservations and reconciliation", async () => {
      const limits = { rpm: 100, tpm: 1000 };
      const key = `k-tpm-${Math.random()}`;
      assert.equal((await limiter.take(key, limits, 700)).allowed, true);
      const denied = await limiter.take(key, limits, 700);
      assert.equal(denied.allowed, false);
      assert.equal(denied.limitedBy, "tokens");
      await limiter.adjust(key, limits, -600); // used only 100
      const again = await limiter.take(key, limits, 700);
      assert.equal(again.allowed, true);
      assert.ok(again.remainingTokens >= 199 && again.remainingTokens <= 201, String(again.remainingTokens));
      assert.equal(again.remainingRequests, 98);
    });

    it("is atomic under concurrency: exactly the limit passes", async () => {
      const limits = { rpm: 25, tpm: null };
      const key = `k-burst-${Math.random()}`;
      const results = await Promise.all(Array.from({ length: 60 }, () => limiter.take(key, limits, 0)));
      assert.equal(results.filter((r) => r.allowed).length, 25);
    });
  });
}

limiterContract("in-process", async () => memoryLimiter());

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(() => redis.stop());
async function connected(url: string, timeoutMs = 1000) {
  const l = redisLimiter({ url, timeoutMs });
  assert.equal(await l.ready(5000), true);
  return l;
}
limiterContract("Redis", () => connected(redis.url));

describe("limiters sharing one Redis", () => {
  it("share one budget between two clients (two replicas)", async () => {
    const a = await connected(redis.url);
    const b = await connected(redis.url);
    try {
      const limits = { rpm: 10, tpm: null };
      const key = `k-shared-${Math.random()}`;
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).take(key, limits, 0)));
      assert.equal(results.filter((r) => r.allowed).length, 10);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("fail open or closed when Redis is down, and recover when it is back", async () => {
    const own = await startRedis();
    const raw = await connected(own.url, 300);
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (s: string) => void lines.push(s) });
    const open = guardLimiter(raw, "open", log);
    const closed = guardLimiter(raw, "closed", silent);
    const limits = { rpm: 1, tpm: null };
    try {
      assert.equal((await open.take("k", limits, 0))?.allowed, true);
      await own.stop();
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      assert.equal(await open.take("k", limits, 0), undefined, "fail open: admitted without a decision");
      assert.equal(await open.take("k", limits, 0), undefined);
      assert.ok(Date.now() - started < 2000, "fails fast, does not queue");
      await assert.rejects(
        closed.take("k", limits, 0),
        (e: unknown) => e instanceof GatewayError && e.status === 503 && e.code === "rate_limiter_unavailable",
      );
      assert.equal(await open.peek("k", limits), undefined);
      const outage = lines.filter((l) => l.includes("rate limiter unavailable"));
      assert.equal(outage.length, 1, "logged once per outage, not per request");
      await own.restart();
      const end = Date.now() + 5000;
      let back: boolean | undefined;
      while (Date.now() < end && (back = (await open.take("k2", limits, 0))?.allowed) === undefined)
        await new Promise((r) => setTimeout(r, 100));
      assert.equal(back, true, "reconnects by itself");
      assert.ok(lines.some((l) => l.includes("rate limiter available again")));
    } finally {
      await raw.close();
      await own.stop();
    }
  });
});
