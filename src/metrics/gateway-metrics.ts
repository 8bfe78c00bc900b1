// Prometheus metrics (prom-client), one registry per runtime (tests run several gateways in one
// process). Everything is derived from finished requests, like usage records. Label values are
// bounded: endpoints are a fixed set, models are what was called on Bedrock when that is a catalog
// id or a configured alias (anything else — a made-up ARN, a name tried before the catalog loaded —
// is `other`), keys are key ids. Requests refused by authentication or admission add no per-model
// series: 5,000 distinct ARNs from a key refused with 403 must not grow the page or the heap.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CompletedRequest } from "../logging/request-record.ts";
import type { UsageRecord } from "../store/store.ts";

export interface GatewayMetrics {
  readonly registry: Registry;
  streamStarted(): void;
  requestEnded(r: CompletedRequest, usage: UsageRecord | undefined): void;
  usageDropped(n: number): void;
  render(): Promise<{ contentType: string; body: string }>;
}

const PREFIX = "bedrock_gateway_";

export interface MetricsOptions {
  defaultMetrics?: boolean;
  /** Whether a Bedrock model id may be a label value (catalog ids and configured aliases). */
  knownModel?: (id: string) => boolean;
}

/** Refused before any model was called: 401/403, or a 429 from the key's own limits or budget
 * (admission leaves no ticket then; a 429 from Bedrock's throttling follows an admitted request). */
const refused = (r: CompletedRequest) =>
  r.status === 401 || r.status === 403 || (r.status === 429 && !!r.principal?.policy && !r.admission);

export function createGatewayMetrics(opts: MetricsOptions = {}): GatewayMetrics {
  const knownModel = opts.knownModel ?? (() => true);
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const registers = [registry];

  const requests = new Counter({
    name: `${PREFIX}requests_total`,
    help: "Requests by endpoint, HTTP status and key.",
    labelNames: ["endpoint", "status", "key"] as const,
    registers,
  });
  const errorsTotal = new Counter({
    name: `${PREFIX}errors_total`,
    help: "Failed requests by endpoint and error type (the OpenAI error code, e.g. rate_limit_exceeded).",
    labelNames: ["endpoint", "type"] as const,
    registers,
  });
  const latency = new Histogram({
    name: `${PREFIX}request_duration_seconds`,
    help: "Time from request to the end of the response (for streams: the end of the stream).",
    labelNames: ["endpoint", "model", "stream"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  });
  const ttft = new Histogram({
    name: `${PREFIX}time_to_first_token_seconds`,
    help: "Time from request to the first streamed content.",
    labelNames: ["endpoint", "model"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64],
    registers,
  });
  const tokens = new Counter({
    name: `${PREFIX}tokens_total`,
    help: "Tokens by model, key and kind (input, output, cache_read, cache_write).",
    labelNames: ["model", "key", "kind"] as const,
    registers,
  });
  const cost = new Counter({
    name: `${PREFIX}cost_usd_total`,
    help: "Cost in USD of priced requests, by model and key.",
    labelNames: ["model", "key"] as const,
    registers,
  });
  const unpriced = new Counter({
    name: `${PREFIX}unpriced_requests_total`,
    help: "Requests that used tokens of a model or token class with no known price.",
    labelNames: ["model"] as const,
    registers,
  });
  const inFlight = new Gauge({ name: `${PREFIX}streams_in_flight`, help: "Streaming responses being written.", registers });
  const retries = new Counter({
    name: `${PREFIX}upstream_retries_total`,
    help: "Retries of throttled or unavailable Bedrock calls before the first byte.",
    labelNames: ["model"] as const,
    registers,
  });
  const dropped = new Counter({
    name: `${PREFIX}usage_records_dropped_total`,
    help: "Usage records dropped because the store could not keep up.",
    registers,
  });

  return {
    registry,
    streamStarted: () => inFlight.inc(),
    requestEnded(r, usage) {
      if (r.streamed) inFlight.dec();
      const f = r.fields;
      const endpoint = f.endpoint ?? "other";
      const key = r.principal?.keyId ?? "none";
      const called = typeof f.bedrockModel === "string" && !refused(r) ? f.bedrockModel : undefined;
      const model = called === undefined ? "none" : knownModel(called) ? called : "other";
      requests.inc({ endpoint, status: String(r.status), key });
      if (r.status >= 400 || f.errorType)
        errorsTotal.inc({ endpoint, type: typeof f.errorType === "string" ? f.errorType : `http_${r.status}` });
      latency.observe({ endpoint, model, stream: String(f.stream === true) }, r.latencyMs / 1000);
      if (typeof f.ttftMs === "number") ttft.observe({ endpoint, model }, f.ttftMs / 1000);
      if (typeof f.retries === "number" && f.retries > 0) retries.inc({ model }, f.retries);
      if (!usage) return;
      const kinds = [
        ["input", usage.inputTokens],
        ["output", usage.outputTokens],
        ["cache_read", usage.cacheReadTokens],
        ["cache_write", usage.cacheWriteTokens],
      ] as const;
      for (const [kind, n] of kinds) if (n > 0) tokens.inc({ model, key, kind }, n);
      if (usage.costUsd === null) unpriced.inc({ model });
      else if (usage.costUsd > 0) cost.inc({ model, key }, usage.costUsd);
    },
    usageDropped: (n) => dropped.inc(n),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
