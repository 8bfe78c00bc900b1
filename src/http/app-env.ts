// Types shared by the HTTP layer: what createApp receives and what middleware puts on the context.
import type { Context } from "hono";
import type { Logger } from "pino";
import type { ApiKeyVerifier, Principal } from "../auth/api-key-verifier.ts";
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";
import type { ThinkingStore } from "../converse/thinking-store.ts";
import type { Config } from "../config/config.ts";
import type { KeyService } from "../keys/key-service.ts";
import type { AdmissionTicket } from "../limits/admission.ts";
import type { GatewayMetrics } from "../metrics/gateway-metrics.ts";
import type { CatalogModel, CatalogSnapshot } from "../models/build-catalog.ts";
import type { CatalogStatus } from "../models/model-catalog.ts";
import type { ResolvedModel } from "../models/resolve-model.ts";
import type { Store } from "../store/store.ts";
import type { ResponsesState } from "../responses/open-response-store.ts";
import type { NativeClient } from "../upstreams/native/native-client.ts";

export interface CatalogView {
  readonly snapshot: CatalogSnapshot | undefined;
  status(): CatalogStatus;
  ready(timeoutMs: number): Promise<CatalogSnapshot | undefined>;
}

export interface AppDeps {
  config: Config;
  logger: Logger;
  catalog: CatalogView;
  /** null when authentication is disabled (loopback-only development mode). */
  auth: ApiKeyVerifier | null;
  runtime: BedrockRuntime;
  /** Bedrock's OpenAI-compatible endpoints (absent with ENABLE_NATIVE_ENDPOINTS=false). */
  native?: NativeClient;
  /** Signed thinking blocks by tool-call id, for clients that do not replay them. */
  thinkingStore: ThinkingStore;
  /** Stored Responses and the sealer for reasoning encrypted_content (the Responses API). */
  responses: ResponsesState;
  /** Per-key model allow-lists, RPM/TPM and budgets (see Admission). Absent: everything allowed. */
  admission?: Admission;
  /** Told when each request ends (usage records, metrics, limit reconciliation). */
  observers?: RequestObserver[];
  /** Keys and usage (absent with DATABASE_URL=none). */
  store?: Store;
  keys?: KeyService;
  /** Prometheus metrics (absent with ENABLE_METRICS=false). */
  metrics?: GatewayMetrics;
  /** DEBUG=true: logs request and response bodies (at any LOG_LEVEL). */
  bodyLogger?: Logger;
  /**
   * Aborted when the server's drain deadline is reached: every stream still open then ends with its
   * front door's terminal event (server_shutting_down) and its usage is recorded as cut.
   */
  drain?: AbortSignal;
}

/** What an endpoint tells admission about the call it is about to make. */
export interface AdmissionRequest {
  /** The resolved model (from resolveModel). */
  model: ResolvedModel;
  /** Input tokens estimated from the request body (see estimateBodyTokens in src/limits). */
  estimatedInputTokens: number;
  /** The output cap sent to Bedrock (max_tokens), when there is one. */
  maxOutputTokens?: number;
}

/**
 * Pre-call enforcement for the key that made the request. Every endpoint that calls a model
 * calls `admit` once, after resolving the model and validating the request and BEFORE calling
 * Bedrock (before any streaming response has started):
 *
 *   await deps.admission?.admit(c, { model: resolved, estimatedInputTokens, maxOutputTokens });
 *
 * It throws a GatewayError: 403 permission_denied when the key may not use the model, 429
 * insufficient_quota when its budget for the period is spent, 429 rate_limit_exceeded when its
 * RPM or TPM is exhausted, 503 when Redis is down and RATE_LIMIT_FAIL_MODE=closed. Otherwise it
 * takes one request and the estimated tokens, sets the x-ratelimit-* headers on `c`, and leaves
 * a ticket on the context; the real token counts the endpoint reports in LogFields reconcile
 * the estimate when the request (or stream) ends. Unrestricted keys (the static API_KEY) return
 * at once.
 */
export interface Admission {
  admit(c: Context<AppEnv>, req: AdmissionRequest): Promise<void>;
  /** Which catalog models the caller may see (GET /v1/models) and use. */
  modelFilter(c: Context<AppEnv>): (m: CatalogModel) => boolean;
  /** x-ratelimit-* headers for a response of a limited key that took nothing (admission middleware). */
  headers(c: Context<AppEnv>): Promise<Record<string, string>>;
}

/** A finished request, as observers see it (after the response, or after the stream). */
export interface CompletedRequest {
  requestId: string;
  method: string;
  path: string;
  status: number;
  /** Epoch ms when the request arrived. */
  startedAt: number;
  latencyMs: number;
  /** The handler returned a stream (streamDone was set). */
  streamed: boolean;
  principal: Principal | undefined;
  fields: LogFields;
  admission: AdmissionTicket | undefined;
}

export interface RequestObserver {
  /** A streaming response started (its handler returned; the body is being written). */
  streamStarted?(): void;
  /** Must not throw and must not block: runs on the request path. */
  requestEnded(r: CompletedRequest): void;
}

/**
 * Fields of the one access-log line per request. Endpoint handlers fill them in; the line is
 * written when the response (or, for streams, the stream) ends. Usage records and metrics are
 * derived from the same fields, so every endpoint reports tokens here and nowhere else.
 */
export interface LogFields {
  /** Which API: "chat.completions", "embeddings", "messages", "responses", … */
  endpoint?: string;
  /** The model as the client named it. */
  model?: string;
  /** The model id / profile / ARN sent to Bedrock. */
  bedrockModel?: string;
  /** The underlying foundation model id (pricing, capabilities). */
  baseModelId?: string;
  stream?: boolean;
  /** Bedrock's token counts: inputTokens excludes cache reads and writes, as Bedrock reports them. */
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** Milliseconds from request start to the first streamed content. */
  ttftMs?: number;
  /** Upstream retries performed before the first byte. */
  retries?: number;
  /** Set when the response did not complete: the client went away, or the server's drain deadline cut it. */
  aborted?: boolean;
  abortReason?: "client" | "shutdown";
  /** Token counts are the gateway's estimate (a stream cut before Bedrock's final usage event). */
  usageEstimated?: boolean;
  errorType?: string;
  [k: string]: unknown;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    principal: Principal | undefined;
    log: LogFields;
    /** Set by streaming handlers: resolves when the stream has been fully written or aborted. */
    streamDone: Promise<void> | undefined;
    /** Set by Admission.admit: what was reserved for this request's key, reconciled at the end. */
    admission: AdmissionTicket | undefined;
    /** Which API's error shape to answer with (set before authentication for Anthropic routes). */
    errorFormat: "openai" | "anthropic";
  };
}
