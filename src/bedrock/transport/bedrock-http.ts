// The lean Bedrock transport: signed restJson1 requests over a keep-alive undici pool. It replaces
// the AWS SDK's client middleware stack on the hot path (see docs/performance-notes.md) while
// keeping the SDK's own signer, credential chain and event-stream codec.
import { Agent, errors as undiciErrors } from "undici";
import type { Dispatcher } from "undici";
import { BedrockError, errorFromHttpResponse, isRetryable } from "../bedrock-error.ts";
import { encodeLabel } from "./request-signer.ts";
import type { RequestSigner } from "./request-signer.ts";

export interface TransportTimeouts {
  /** TCP/TLS connect. */
  connectMs: number;
  /** From request sent to response headers (Converse: the whole generation; streams: first event). */
  firstByteMs: number;
  /** Longest silence allowed between two body chunks of a response. */
  idleMs: number;
}

export interface RetryPolicy {
  /** Total time budget for retries of one call (0 disables retries). */
  maxElapsedMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** What served a call (see src/upstreams/): for response headers, log fields and usage records. */
export interface ServedBy {
  /** Target name (BEDROCK_TARGETS), "default" without it. */
  target: string;
  region: string;
  /** The model id / profile / ARN the target was called with. */
  modelId: string;
  /** Foundation model behind modelId, when the target's catalog knows it (pricing a fallback). */
  baseModelId?: string;
  /** Set when a fallback model served the call: the model that was asked for … */
  fallbackFrom?: string;
  /** … and the entry of SendOptions.fallbacks that served it. */
  fallbackModel?: string;
}

export interface SendOptions {
  signal?: AbortSignal;
  /** Called before each retry (and each move to another target), for metrics and logs. */
  onRetry?: (err: BedrockError, attempt: number, delayMs: number) => void;
  /** Called once, when a target has accepted the call (before the first event of a stream is relayed). */
  onServed?: (served: ServedBy) => void;
  /**
   * Models this caller may fall back to, in order, when every target of the model is throttled or
   * unavailable: MODEL_FALLBACKS for the model, already filtered by the key's allow-list (see
   * src/upstreams/permitted-fallbacks.ts). Absent or empty: no fallback.
   */
  fallbacks?: readonly string[];
  /** Calls with the same key go to the same target while it is healthy (e.g. one conversation). */
  affinityKey?: string;
}

export interface HttpRequestSpec {
  method: "GET" | "POST";
  /** Percent-encoded path, e.g. /model/anthropic.claude-3-haiku-20240307-v1%3A0/converse */
  path: string;
  query?: Record<string, string>;
  body?: string;
  accept?: string;
}

export interface OpenResponse {
  status: number;
  headers: Dispatcher.ResponseData["headers"];
  body: Dispatcher.ResponseData["body"];
  requestId: string | undefined;
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

function transportError(err: unknown): BedrockError {
  if (err instanceof BedrockError) return err;
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return new BedrockError("TimeoutError", "Bedrock did not answer in time", 504, undefined, false, { cause: err });
  }
  if (err instanceof undiciErrors.ConnectTimeoutError) {
    return new BedrockError("TransportError", "Could not connect to Bedrock in time", 503, undefined, false, {
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new BedrockError("TransportError", `Could not reach Bedrock: ${message}`, 503, undefined, false, {
    cause: err,
  });
}

export class BedrockHttp {
  private readonly agent: Agent;
  private readonly url: URL;
  private readonly sign: RequestSigner;
  private readonly retry: RetryPolicy;

  constructor(endpoint: string, sign: RequestSigner, timeouts: TransportTimeouts, retry: RetryPolicy) {
    this.url = new URL(endpoint);
    this.sign = sign;
    this.retry = retry;
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 300_000,
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.firstByteMs,
      bodyTimeout: timeouts.idleMs,
    });
  }

  get endpoint(): string {
    return this.url.origin;
  }

  /**
   * Send a request and return the open response once a 2xx status arrives. Non-2xx answers
   * become BedrockError; retryable ones (throttling, not ready, unavailable, connection failures)
   * are retried with full-jitter exponential backoff inside the policy's time budget. Nothing has
   * been relayed to the client at this point, so a retry is always safe here.
   */
  async open(spec: HttpRequestSpec, opts: SendOptions = {}): Promise<OpenResponse> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(spec, opts.signal);
      } catch (raw) {
        if (opts.signal?.aborted) throw raw;
        const err = transportError(raw);
        const delay = this.backoff(attempt);
        const elapsed = Date.now() - started;
        if (!isRetryable(err) || elapsed + delay > this.retry.maxElapsedMs) throw err;
        opts.onRetry?.(err, attempt, delay);
        await sleep(delay, opts.signal);
      }
    }
  }

  /** Send and read a JSON response body. */
  async json(
    spec: HttpRequestSpec,
    opts: SendOptions = {},
  ): Promise<{ body: unknown; requestId: string | undefined; headers: OpenResponse["headers"] }> {
    const res = await this.open(spec, opts);
    try {
      const text = await res.body.text();
      return { body: text === "" ? {} : (JSON.parse(text) as unknown), requestId: res.requestId, headers: res.headers };
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      throw transportError(err);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private backoff(attempt: number): number {
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(cap / 2 + Math.random() * (cap / 2));
  }

  private async once(spec: HttpRequestSpec, signal: AbortSignal | undefined): Promise<OpenResponse> {
    const headers: Record<string, string> = { accept: spec.accept ?? "application/json" };
    if (spec.body !== undefined) headers["content-type"] = "application/json";
    const path = this.url.pathname.replace(/\/$/, "") + spec.path;
    let signed: Record<string, string>;
    try {
      signed = await this.sign({ method: spec.method, url: this.url, path, query: spec.query, headers, body: spec.body });
    } catch (err) {
      // No usable AWS credentials: an operator problem that retrying will not fix.
      throw new BedrockError(
        "CredentialsError",
        `the gateway could not load AWS credentials (${(err as Error).message})`,
        500,
        undefined,
        false,
        { cause: err },
      );
    }
    const qs = spec.query
      ? Object.entries(spec.query)
          .map(([k, v]) => `${encodeLabel(k)}=${encodeLabel(v)}`)
          .join("&")
      : "";
    const res = await this.agent.request({
      origin: this.url.origin,
      path: qs ? `${path}?${qs}` : path,
      method: spec.method,
      headers: signed,
      body: spec.body,
      signal,
    });
    const requestId = typeof res.headers["x-amzn-requestid"] === "string" ? res.headers["x-amzn-requestid"] : undefined;
    if (res.statusCode >= 200 && res.statusCode < 300) {
      return { status: res.statusCode, headers: res.headers, body: res.body, requestId };
    }
    const text = await res.body.text().catch(() => "");
    throw errorFromHttpResponse(res.statusCode, res.headers, text);
  }
}
