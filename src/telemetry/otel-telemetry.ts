// The OpenTelemetry SDK set up from TelemetryConfig (the standard OTEL_* variables, parsed in
// src/config/config.ts): a tracer provider with a batch processor and the configured sampler, a
// meter provider with a periodic reader, OTLP/HTTP exporters (protobuf or JSON). Loaded only by
// startTelemetry (./telemetry.ts) when an endpoint is configured.
import { context, trace } from "@opentelemetry/api";
import type { Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import type { Sampler, SpanExporter } from "@opentelemetry/sdk-trace";
import type { PushMetricExporter } from "@opentelemetry/sdk-metrics";
import type { OtlpTarget, TelemetryConfig, TraceSampler } from "../config/config.ts";
import { createGenAiMetrics, noopGenAiMetrics } from "./genai-metrics.ts";
import { createRequestTracing } from "./request-spans.ts";
import type { Telemetry, TelemetryInfo } from "./telemetry-types.ts";
import { tracedRuntime } from "./traced-runtime.ts";

const SCOPE_NAME = "bedrock-gateway";

function sampler(kind: TraceSampler, ratio: number): Sampler {
  switch (kind) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(ratio);
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

async function spanExporter(t: OtlpTarget): Promise<SpanExporter> {
  const options = { url: t.url, headers: t.headers, timeoutMillis: t.timeoutMs };
  if (t.protocol === "http/json") return new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter(options);
  return new (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter(options);
}

async function metricExporter(t: OtlpTarget & { temporality: "cumulative" | "delta" | "lowmemory" }): Promise<PushMetricExporter> {
  const { AggregationTemporalityPreference } = await import("@opentelemetry/exporter-metrics-otlp-http");
  const temporalityPreference = {
    cumulative: AggregationTemporalityPreference.CUMULATIVE,
    delta: AggregationTemporalityPreference.DELTA,
    lowmemory: AggregationTemporalityPreference.LOWMEMORY,
  }[t.temporality];
  const options = { url: t.url, headers: t.headers, timeoutMillis: t.timeoutMs, temporalityPreference };
  if (t.protocol === "http/json") return new (await import("@opentelemetry/exporter-metrics-otlp-http")).OTLPMetricExporter(options);
  return new (await import("@opentelemetry/exporter-metrics-otlp-proto")).OTLPMetricExporter(options);
}

/** Strip credentials a URL may carry before it is logged. */
function safeUrl(url: string): string {
  const u = new URL(url);
  u.username = "";
  u.password = "";
  return u.toString();
}

export async function createOtelTelemetry(config: TelemetryConfig, info: TelemetryInfo): Promise<Telemetry> {
  // One context manager per process (AsyncLocalStorage): the active span follows the request into
  // the Bedrock call. A second gateway in the same process (tests) reuses the first one.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

  const resource = defaultResource().merge(
    resourceFromAttributes({ ...config.resourceAttributes, "service.name": config.serviceName, "service.version": info.version }),
  );

  let tracerProvider: TracerProvider | undefined;
  let tracer: Tracer;
  if (config.traces) {
    const t = config.traces;
    tracerProvider = new TracerProvider({
      resource,
      sampler: sampler(t.sampler, t.samplerRatio),
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: await spanExporter(t),
          scheduledDelayMillis: t.scheduleDelayMs,
          maxQueueSize: t.maxQueueSize,
          maxExportBatchSize: t.maxExportBatchSize,
          exportTimeoutMillis: t.timeoutMs,
        }),
      ],
    });
    tracer = tracerProvider.getTracer(SCOPE_NAME, info.version);
  } else {
    // Metrics only: the same code path with spans that record nothing.
    tracer = trace.getTracer(SCOPE_NAME, info.version);
  }

  let meterProvider: MeterProvider | undefined;
  if (config.metrics) {
    const m = config.metrics;
    meterProvider = new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter: await metricExporter(m),
          exportIntervalMillis: m.exportIntervalMs,
          exportTimeoutMillis: Math.min(m.timeoutMs, m.exportIntervalMs),
        }),
      ],
    });
  }
  const metrics = meterProvider ? createGenAiMetrics(meterProvider.getMeter(SCOPE_NAME, info.version)) : noopGenAiMetrics;

  return {
    requests: tracerProvider ? createRequestTracing(tracer) : undefined,
    traceRuntime: (runtime, target) => tracedRuntime(runtime, { tracer, metrics, target, captureContent: config.captureMessageContent }),
    summary: {
      traces: config.traces
        ? { endpoint: safeUrl(config.traces.url), protocol: config.traces.protocol, sampler: config.traces.sampler }
        : "off",
      metrics: config.metrics
        ? { endpoint: safeUrl(config.metrics.url), protocol: config.metrics.protocol, intervalMs: config.metrics.exportIntervalMs }
        : "off",
      serviceName: config.serviceName,
      captureMessageContent: config.captureMessageContent,
    },
    async flush() {
      await Promise.all([tracerProvider?.forceFlush(), meterProvider?.forceFlush()]);
    },
    async shutdown() {
      await Promise.all([tracerProvider?.shutdown(), meterProvider?.shutdown()]);
    },
  };
}
