// Types shared by the HTTP layer: what createApp receives and what middleware puts on the context.
import type { Logger } from "pino";
import type { ApiKeyVerifier, Principal } from "../auth/api-key-verifier.ts";
import type { BatchService } from "../batch/batch-service.ts";
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";
import type { ThinkingStore } from "../converse/thinking-store.ts";
import type { Config } from "../config/config.ts";
import type { KeyService } from "../keys/key-service.ts";
import type { Admission, AdmissionTicket } from "../limits/admission-contract.ts";

export type { Admission, AdmissionRequest } from "../limits/admission-contract.ts";
import type { GatewayMetrics } from "../metrics/gateway-metrics.ts";
import type { CatalogSnapshot } from "../models/build-catalog.ts";
import type { CatalogStatus } from "../models/model-catalog.ts";
import type { Store } from "../store/store.ts";
import type { RecentRequests } from "../console/recent-requests.ts";
import type { Pricing } from "../usage/pricing.ts";
import type { LogFields, RequestObserver } from "../logging/request-record.ts";

export type { CompletedRequest, LogFields, RequestObserver } from "../logging/request-record.ts";
import type { ResponsesState } from "../responses/open-response-store.ts";
import type { TargetStatus } from "../upstreams/target-status.ts";

export interface UpstreamsView {
  status(): TargetStatus[];
  readonly fallbacks: ReadonlyMap<string, readonly string[]>;
}
import type { RequestTracing } from "../telemetry/telemetry-types.ts";
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
  /** Upstream targets (regions / accounts): their state for /health, and MODEL_FALLBACKS. */
  upstreams?: UpstreamsView;
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
  /** Files and Batch APIs (absent with DATABASE_URL=none). */
  batch?: BatchService;
  /** DEBUG=true: logs request and response bodies (at any LOG_LEVEL). */
  bodyLogger?: Logger;
  /**
   * Aborted when the server's drain deadline is reached: every stream still open then ends with its
   * front door's terminal event (server_shutting_down) and its usage is recorded as cut.
   */
  drain?: AbortSignal;
  /** What only the operator console reads (absent when the console is off). */
  console?: ConsoleParts;
  /** OpenTelemetry server spans (absent unless traces are exported: docs/observability.md). */
  tracing?: RequestTracing;
}

export interface ConsoleParts {
  /** The last finished requests of this process (fed by the usage observer). */
  recent: RecentRequests;
  pricing: Pricing;
  region: string;
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
    /** The parsed JSON body (readJsonBody), for DEBUG=true body logging. */
    requestBody: unknown;
    /** Which API's error shape to answer with (set before authentication for Anthropic routes). */
    errorFormat: "openai" | "anthropic";
  };
}
