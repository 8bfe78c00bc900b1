// Counts the requests the gateway has not finished, so that shutdown knows when every one of them
// has reported its end (access-log line, usage record queued). A request is open from the moment
// the fetch handler is entered until its response is returned — or, for a stream, until the
// stream's end has been reported to the request observers (which happens after streamDone, and
// is where the usage record is queued). Streams are counted through the observer hooks every
// request already passes (streamStarted is called before the handler's promise settles, so an
// open request is never counted as zero in between).
import type { CompletedRequest, RequestObserver } from "../logging/request-record.ts";

type Fetch<E> = (request: Request, env?: E) => Response | Promise<Response>;

export class InflightRequests implements RequestObserver {
  private handlers = 0;
  private streams = 0;
  private waiters: (() => void)[] = [];

  /**
   * @param cutSignal once aborted (the drain deadline), requests that end as `aborted` without an
   *   `abortReason` of their own are marked `abortReason: "shutdown"`, so their usage records say
   *   why they were cut even where the endpoint did not set it. Must run before the usage observer.
   */
  private readonly cutSignal: AbortSignal | undefined;

  constructor(cutSignal?: AbortSignal) {
    this.cutSignal = cutSignal;
  }

  /** Requests (handlers running or streams being written) that have not reported their end. */
  get open(): number {
    return this.handlers + this.streams;
  }

  /** The app's fetch handler, counted. One increment and one settled-promise callback per request. */
  wrap<E>(fetch: Fetch<E>): (request: Request, env?: E) => Promise<Response> {
    return async (request, env) => {
      this.handlers++;
      try {
        return await fetch(request, env);
      } finally {
        this.handlers--;
        this.check();
      }
    };
  }

  streamStarted(): void {
    this.streams++;
  }

  requestEnded(r: CompletedRequest): void {
    if (this.cutSignal?.aborted && r.fields.aborted === true && r.fields.abortReason === undefined) r.fields.abortReason = "shutdown";
    if (!r.streamed) return;
    this.streams--;
    this.check();
  }

  /** Resolves true when nothing is open, or false after `timeoutMs` with requests still open. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.open === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(done);
    });
  }

  private check(): void {
    if (this.open !== 0 || this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
