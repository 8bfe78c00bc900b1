// The record of one request as the access log, usage records and metrics see it: the log fields
// endpoints fill in, and the completed request observers are told about when the response (or the
// stream) ends. Owned here, below every module that reads it.
import type { Principal } from "../auth/api-key-verifier.ts";
import type { AdmissionTicket } from "../limits/admission-contract.ts";

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
  /** Upstream target and region that served the call (SendOptions.onServed). */
  target?: string;
  region?: string;
  /** The model that was asked for, when a fallback model served the call. */
  fallbackFrom?: string;
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
