// The gateway's view of OpenTelemetry: interfaces only, no OTel import (see ./telemetry.ts for
// how the implementation is loaded).
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";

/** What the HTTP layer knows when a request arrives (see src/http/middleware/trace-requests.ts). */
export interface RequestStart {
  method: string;
  path: string;
  scheme: string;
  /** The Host header (without port) and the port the client addressed. */
  host: string | undefined;
  port: number | undefined;
  userAgent: string | undefined;
  clientAddress: string | undefined;
  requestId: string;
  /** Incoming headers: traceparent / tracestate continue the client's trace. */
  headers: Headers;
}

/** Late-bound facts of the request, read when a Bedrock call starts (auth has run by then). */
export interface RequestScope {
  keyId(): string | undefined;
  endpoint(): string | undefined;
}

export interface RequestOutcome {
  status: number;
  /** The matched route pattern (http.route), when one matched. */
  route: string | undefined;
  keyId: string | undefined;
  endpoint: string | undefined;
  /** The gateway error code when the request failed (error catalog code or type). */
  errorType: string | undefined;
  /** The client went away before the response was complete. */
  aborted: boolean;
}

export interface RequestSpan {
  /** Hex ids for the access log; undefined when the span context is not valid. */
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
  /** Run the rest of the request with this span (and scope) as the active context. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  end(outcome: RequestOutcome): void;
}

export interface RequestTracing {
  start(req: RequestStart, scope: RequestScope): RequestSpan;
}

/** Where the runtime sends its calls: server.address / server.port and the region of the spans. */
export interface RuntimeTarget {
  endpoint: string;
  region: string;
}

export interface Telemetry {
  /** Server spans per request; undefined when only metrics are exported. */
  readonly requests: RequestTracing | undefined;
  /** Wrap a Bedrock runtime: one GenAI client span and the GenAI metrics per call. */
  traceRuntime(runtime: BedrockRuntime, target: RuntimeTarget): BedrockRuntime;
  /** For the start-up log line: where telemetry goes, never the headers (they hold credentials). */
  readonly summary: Record<string, unknown>;
  /** Export everything buffered now (tests, shutdown). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface TelemetryInfo {
  /** service.version */
  version: string;
}
