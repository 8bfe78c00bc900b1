// The BedrockRuntime the routes call when there are several targets (or model fallbacks): for each
// call it picks a target that serves the model — healthy ones first, by weight and fewest calls
// outstanding, or by affinity key — and moves the call to the next target on throttling,
// unavailability, 5xx, timeouts and connection failures, before anything reached the client
// (streams: before their first event), within UPSTREAM_RETRY_MAX_TIME. When every target of the
// model failed, the caller's permitted fallback models are tried the same way. Circuit breakers
// per (target, model) make later calls skip a failing target without waiting on it.
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { BedrockError } from "../bedrock/bedrock-error.ts";
import type { ConverseEventBatches, ConverseRequest, ConverseResponse, ConverseStreamEvent } from "../bedrock/converse-types.ts";
import type { BedrockRuntime, ConverseTokensRequest, InvokeModelResult } from "../bedrock/runtime-client.ts";
import type { RetryPolicy, SendOptions } from "../bedrock/transport/bedrock-http.ts";
import type { BreakerOptions, CircuitBreaker } from "./circuit-breaker.ts";
import { classifyUpstreamError } from "./failover-policy.ts";
import { regionOfArn } from "./model-for-target.ts";
import type { UpstreamTarget } from "./upstream-target.ts";

export interface RouterEvents {
  /** A call left a target for the next one (reason: the exception name). */
  failover?(target: UpstreamTarget, model: string, reason: string): void;
  breakerChanged?(target: UpstreamTarget, model: string, state: string): void;
  served?(target: UpstreamTarget, model: string, fallback: boolean): void;
}

export interface RouterOptions {
  /**
   * Retry rounds over the targets within this policy. With one target and no breakers the
   * transport retries by itself (today's behaviour) and the router makes one pass.
   */
  retry: RetryPolicy;
  routerRetries: boolean;
  /** Undefined: no breakers (one target, nothing configured). */
  breakers: BreakerOptions | undefined;
  logger: Logger;
  events?: RouterEvents;
  now?: () => number;
}

interface Candidate {
  t: UpstreamTarget;
  id: string;
}

type Mode = "model" | "foundation";
type Call<T> = (t: UpstreamTarget, modelId: string, opts: SendOptions, release: () => void) => Promise<T>;

const ARN = /^arn:aws[a-z-]*:(bedrock|sagemaker):/;

/** Report the target once the call was accepted (direct path). */
function served<T>(p: Promise<T>, t: UpstreamTarget, modelId: string, opts: SendOptions | undefined): Promise<T> {
  const onServed = opts?.onServed;
  if (!onServed) return p;
  return p.then((out) => {
    onServed({ target: t.name, region: t.region, modelId });
    return out;
  });
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export class UpstreamRouter implements BedrockRuntime {
  readonly targets: readonly UpstreamTarget[];
  private readonly opts: RouterOptions;
  private readonly now: () => number;
  /** With one target the caller's resolved id is already that target's id. */
  private readonly single: UpstreamTarget | undefined;
  private readonly breakerListeners = new Map<UpstreamTarget, (b: CircuitBreaker, model: string) => void>();

  constructor(targets: readonly UpstreamTarget[], opts: RouterOptions) {
    this.targets = targets;
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.single = targets.length === 1 ? targets[0] : undefined;
    for (const t of targets) this.breakerListeners.set(t, this.onBreaker(t));
  }

  converse(modelId: string, request: ConverseRequest, opts?: SendOptions): Promise<ConverseResponse> {
    const t = this.direct(opts);
    if (t) return served(t.runtime.converse(modelId, request, opts), t, modelId, opts);
    return this.routeAcross(modelId, opts ?? {}, "model", (t, id, o, release) => t.runtime.converse(id, request, o).finally(release));
  }

  invokeModel(modelId: string, body: unknown, opts?: SendOptions): Promise<InvokeModelResult> {
    const t = this.direct(opts);
    if (t) return served(t.runtime.invokeModel(modelId, body, opts), t, modelId, opts);
    return this.routeAcross(modelId, opts ?? {}, "model", (t, id, o, release) => t.runtime.invokeModel(id, body, o).finally(release));
  }

  countTokens(modelId: string, input: { converse: ConverseTokensRequest }, opts?: SendOptions): Promise<number> {
    const t = this.direct(opts);
    if (t) return served(t.runtime.countTokens(modelId, input, opts), t, modelId, opts);
    return this.routeAcross(modelId, opts ?? {}, "foundation", (t, id, o, release) => t.runtime.countTokens(id, input, o).finally(release));
  }

  converseStream(modelId: string, request: ConverseRequest, opts?: SendOptions): Promise<ConverseEventBatches> {
    // Nothing to fail over to on the stream's first event: relay it as it comes, as before.
    const t = this.direct(opts);
    if (t) return served(t.runtime.converseStream(modelId, request, opts), t, modelId, opts);
    return this.routeAcross(modelId, opts ?? {}, "model", async (t, id, o, release) => {
      let it: AsyncIterator<readonly ConverseStreamEvent[]>;
      let first: IteratorResult<readonly ConverseStreamEvent[]>;
      try {
        it = (await t.runtime.converseStream(id, request, o))[Symbol.asyncIterator]();
        // An exception frame in place of the first events (throttling after the 200) is still
        // before the first byte reached the client: it fails over like an HTTP error.
        first = await it.next();
      } catch (err) {
        release();
        throw err;
      }
      return relay(first, it, release);
    });
  }

  /**
   * One target, no breakers, no fallbacks (nothing configured): that target, called exactly as
   * before the router existed — no per-call routing state.
   */
  private direct(opts: SendOptions | undefined): UpstreamTarget | undefined {
    return this.single && !this.opts.breakers && !opts?.fallbacks?.length ? this.single : undefined;
  }

  private async routeAcross<T>(modelId: string, opts: SendOptions, mode: Mode, call: Call<T>): Promise<T> {
    const started = this.now();
    const budget = this.opts.retry.maxElapsedMs;
    const chain = opts.fallbacks?.length ? [modelId, ...opts.fallbacks.filter((f) => f !== modelId)] : [modelId];
    const notHere = new Set<string>();
    let lastErr: BedrockError | undefined;
    let attempts = 0;
    for (let round = 1; ; round++) {
      for (let i = 0; i < chain.length; i++) {
        const model = chain[i]!;
        const candidates = this.candidates(model, mode);
        if (candidates.length === 0 && i === 0 && round === 1 && chain.length === 1) {
          throw new BedrockError("ResourceNotFoundException", `No upstream target serves the model ${model}.`, 404);
        }
        const tried = new Set<UpstreamTarget>();
        for (;;) {
          // Over budget, stop moving on — but each model of the chain gets its one first attempt,
          // so a fallback still runs after the transport spent the budget retrying one target.
          if (attempts > 0 && (round > 1 || tried.size > 0) && this.now() - started > budget) break;
          const pick = this.pick(candidates, tried, notHere, model, opts.affinityKey);
          if (!pick) break;
          tried.add(pick.c.t);
          attempts++;
          const { t, id } = pick.c;
          t.outstanding++;
          let released = false;
          const release = () => {
            if (released) return;
            released = true;
            t.outstanding--;
          };
          try {
            const out = await call(t, id, opts, release);
            pick.breaker?.success();
            this.opts.events?.served?.(t, id, i > 0);
            if (opts.onServed) {
              const baseModelId = t.catalog.snapshot?.lookup.get(id)?.baseModelId;
              opts.onServed({
                target: t.name,
                region: t.region,
                modelId: id,
                ...(baseModelId ? { baseModelId } : {}),
                ...(i > 0 ? { fallbackFrom: modelId, fallbackModel: model } : {}),
              });
            }
            return out;
          } catch (raw) {
            release();
            if (!(raw instanceof BedrockError) || opts.signal?.aborted) {
              pick.breaker?.release();
              throw raw;
            }
            const verdict = classifyUpstreamError(raw);
            if (verdict === "target-failure") pick.breaker?.failure(this.now());
            else pick.breaker?.release();
            if (verdict === "final") throw raw;
            if (verdict === "not-here") notHere.add(`${t.name}\u0000${model}`);
            // A throttle or outage says more to the client than "not found in one region".
            if (!lastErr || verdict === "target-failure" || classifyUpstreamError(lastErr) !== "target-failure") lastErr = raw;
            this.opts.events?.failover?.(t, id, raw.exception);
            this.opts.logger.debug(
              { target: t.name, region: t.region, model: id, err: raw.exception },
              "upstream call failed; trying the next target",
            );
            opts.onRetry?.(raw, attempts, 0);
          }
        }
      }
      if (!this.opts.routerRetries || attempts === 0) break;
      const delay = this.backoff(round);
      if (this.now() - started + delay > budget) break;
      await sleep(delay, opts.signal);
    }
    if (lastErr) throw lastErr;
    // Nothing could be tried: every target serving the model has its breaker open.
    const waitMs = this.soonestRetry(chain, mode);
    const err = new BedrockError(
      "ServiceUnavailableException",
      `every upstream target serving ${modelId} is failing (circuit open); retry in ${Math.ceil(waitMs / 1000)} s`,
      503,
    );
    err.retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    throw err;
  }

  /** Targets that serve the model, with the id each must be called with. */
  private candidates(model: string, mode: Mode): Candidate[] {
    if (this.single) {
      const t = this.single;
      // One target: the caller resolved against its catalog, so its id is already the target's.
      if (!this.opts.breakers) return [{ t, id: model }];
      const id = t.modelId(model, mode === "foundation" ? model : undefined);
      return [{ t, id: id ?? model }];
    }
    const out: Candidate[] = [];
    for (const t of this.targets) {
      const id = t.modelId(model, mode === "foundation" ? model : undefined);
      if (id !== undefined) out.push({ t, id });
    }
    if (out.length === 0 && ARN.test(model)) {
      // A provisioned or custom model no catalog lists: the targets of its region, else all.
      const region = regionOfArn(model);
      const local = this.targets.filter((t) => t.region === region);
      return (local.length ? local : this.targets).map((t) => ({ t, id: model }));
    }
    return out;
  }

  private pick(
    cands: Candidate[],
    tried: Set<UpstreamTarget>,
    notHere: Set<string>,
    model: string,
    affinity: string | undefined,
  ): { c: Candidate; breaker: CircuitBreaker | undefined } | undefined {
    const now = this.now();
    const open: { c: Candidate; breaker: CircuitBreaker | undefined }[] = [];
    for (const c of cands) {
      if (tried.has(c.t) || notHere.has(`${c.t.name}\u0000${model}`)) continue;
      const breaker = this.opts.breakers ? c.t.breaker(c.id, this.opts.breakers, this.breakerListeners.get(c.t)!) : undefined;
      if (breaker && !breaker.available(now)) continue;
      open.push({ c, breaker });
    }
    if (open.length === 0) return undefined;
    // Standby targets (weight 0) serve only when no weighted target can.
    const weighted = open.filter((o) => o.c.t.weight > 0);
    const pool = weighted.length ? weighted : open;
    const chosen = pool.length === 1 ? pool[0]! : affinity !== undefined ? byAffinity(pool, affinity) : byLoad(pool);
    if (chosen.breaker && !chosen.breaker.tryAcquire(now)) return undefined;
    return chosen;
  }

  private onBreaker(t: UpstreamTarget) {
    return (b: CircuitBreaker, model: string) => {
      const s = b.snapshot(this.now()).state;
      this.opts.logger.warn({ target: t.name, region: t.region, model, breaker: s }, `circuit breaker ${s}`);
      this.opts.events?.breakerChanged?.(t, model, s);
    };
  }

  private soonestRetry(chain: string[], mode: Mode): number {
    const now = this.now();
    let min = Infinity;
    for (const model of chain) {
      for (const c of this.candidates(model, mode)) {
        if (this.opts.breakers) min = Math.min(min, c.t.breaker(c.id, this.opts.breakers, this.breakerListeners.get(c.t)!).retryInMs(now));
      }
    }
    return Number.isFinite(min) ? min : 1000;
  }

  private backoff(round: number): number {
    const { baseDelayMs, maxDelayMs } = this.opts.retry;
    const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (round - 1));
    return Math.round(cap / 2 + Math.random() * (cap / 2));
  }
}

/**
 * Weight first, outstanding calls as the guard: smooth weighted round-robin (nginx's: exact shares,
 * evenly interleaved) among the targets whose outstanding calls per unit of weight are within one
 * of the least loaded. Equal latencies give the configured shares; a target that slows down and
 * piles up calls stops receiving new ones until it drains.
 */
function byLoad<T extends { c: Candidate }>(pool: T[]): T {
  let min = Infinity;
  for (const o of pool) min = Math.min(min, o.c.t.outstanding / o.c.t.weight);
  let total = 0;
  let chosen: T | undefined;
  for (const o of pool) {
    const t = o.c.t;
    if (t.outstanding / t.weight > min + 1) continue;
    t.credit += t.weight;
    total += t.weight;
    if (!chosen || t.credit > chosen.c.t.credit) chosen = o;
  }
  chosen!.c.t.credit -= total;
  return chosen!;
}

/** Weighted rendezvous hashing: the same key picks the same healthy target; a failed one moves only its keys. */
function byAffinity<T extends { c: Candidate }>(pool: T[], key: string): T {
  let best = pool[0]!;
  let bestScore = -Infinity;
  for (const o of pool) {
    const h = createHash("sha256").update(key).update("\u0000").update(o.c.t.name).digest();
    const u = (h.readUInt32BE(0) + 1) / 4294967297; // (0, 1)
    const score = (o.c.t.weight || 1e-9) / -Math.log(u);
    if (score > bestScore) {
      bestScore = score;
      best = o;
    }
  }
  return best;
}

/** The stream after its first batch of events, releasing the target's outstanding slot when it ends. */
async function* relay(
  first: IteratorResult<readonly ConverseStreamEvent[]>,
  it: AsyncIterator<readonly ConverseStreamEvent[]>,
  release: () => void,
): AsyncGenerator<readonly ConverseStreamEvent[]> {
  try {
    if (first.done) return;
    yield first.value;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    release();
    await it.return?.();
  }
}
