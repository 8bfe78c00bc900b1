// A circuit breaker for one (target, model): `failures` upstream failures (throttling, unavailable,
// 5xx, timeouts, connection errors) within `windowMs` open it; while open, calls skip the target at
// once instead of waiting on it; after `cooldownMs` exactly one call is let through as a probe
// (half-open); the probe's success closes it, its failure opens it for another cool-down.
// Time is passed in (now) so the state machine is a pure function of the events it is told.

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  failures: number;
  windowMs: number;
  cooldownMs: number;
}

export interface BreakerSnapshot {
  state: BreakerState;
  /** Failures counted in the current window. */
  recentFailures: number;
  /** Epoch ms when an open breaker lets a probe through. */
  retryAt?: number;
  openedCount: number;
}

export class CircuitBreaker {
  private state: BreakerState = "closed";
  /** Failure times inside the window (a ring would do; the window holds at most `failures`). */
  private failureTimes: number[] = [];
  private openedAt = 0;
  private probeInFlight = false;
  private opened = 0;
  private readonly opts: BreakerOptions;
  /** Told when the state changes (logs, metrics). */
  onChange: ((from: BreakerState, to: BreakerState) => void) | undefined;

  constructor(opts: BreakerOptions) {
    this.opts = opts;
  }

  /**
   * May a call go to this target now? An open breaker past its cool-down turns half-open and
   * admits this one call as its probe (the caller must then report success or failure).
   */
  tryAcquire(now: number): boolean {
    if (this.state === "closed") return true;
    if (this.state === "open") {
      if (now - this.openedAt < this.opts.cooldownMs) return false;
      this.transition("half-open");
    }
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  /** Would tryAcquire admit a call (without taking the probe)? */
  available(now: number): boolean {
    if (this.state === "closed") return true;
    if (this.state === "open") return now - this.openedAt >= this.opts.cooldownMs;
    return !this.probeInFlight;
  }

  success(): void {
    this.probeInFlight = false;
    this.failureTimes = [];
    if (this.state !== "closed") this.transition("closed");
  }

  failure(now: number): void {
    if (this.state === "half-open") {
      this.probeInFlight = false;
      this.open(now);
      return;
    }
    if (this.state === "open") return;
    const from = now - this.opts.windowMs;
    this.failureTimes = this.failureTimes.filter((t) => t > from);
    this.failureTimes.push(now);
    if (this.failureTimes.length >= this.opts.failures) this.open(now);
  }

  /** A call that was admitted ended without a verdict on the target (client left, bad request). */
  release(): void {
    this.probeInFlight = false;
  }

  /** Milliseconds until an open breaker admits a probe (0 when it would now). */
  retryInMs(now: number): number {
    return this.state === "open" ? Math.max(0, this.openedAt + this.opts.cooldownMs - now) : 0;
  }

  snapshot(now: number): BreakerSnapshot {
    const from = now - this.opts.windowMs;
    return {
      state: this.state,
      recentFailures: this.failureTimes.filter((t) => t > from).length,
      ...(this.state === "open" ? { retryAt: this.openedAt + this.opts.cooldownMs } : {}),
      openedCount: this.opened,
    };
  }

  private open(now: number): void {
    this.openedAt = now;
    this.failureTimes = [];
    this.opened++;
    this.transition("open");
  }

  private transition(to: BreakerState): void {
    const from = this.state;
    this.state = to;
    if (from !== to) this.onChange?.(from, to);
  }
}
