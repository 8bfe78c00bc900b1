// The standard OTEL_* variables as src/config/config.ts reads them (the OTel environment
// specification's rules for endpoints, headers, protocols and samplers).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { CONFIG_VARIABLES, ConfigError, loadConfig } from "../src/config/config.ts";
import { parseKeyValueList } from "../src/config/parse-values.ts";

const base = { API_KEY: "k" };

describe("OpenTelemetry configuration", () => {
  it("is off (undefined) without an endpoint, and LOG_FORMAT defaults to json", () => {
    const c = loadConfig({ ...base, OTEL_SERVICE_NAME: "x", OTEL_TRACES_SAMPLER: "always_on" });
    assert.equal(c.telemetry, undefined);
    assert.equal(c.log.format, "json");
  });

  it("the generic endpoint gets /v1/traces and /v1/metrics; defaults follow the specification", () => {
    const t = loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }).telemetry!;
    assert.equal(t.serviceName, "bedrock-gateway");
    assert.equal(t.traces!.url, "http://collector:4318/v1/traces");
    assert.equal(t.traces!.protocol, "http/protobuf");
    assert.equal(t.traces!.sampler, "parentbased_always_on");
    assert.equal(t.traces!.scheduleDelayMs, 5000);
    assert.equal(t.metrics!.url, "http://collector:4318/v1/metrics");
    assert.equal(t.metrics!.exportIntervalMs, 60_000);
    assert.equal(t.metrics!.temporality, "cumulative");
    assert.equal(t.captureMessageContent, false);
  });

  it("signal-specific endpoints, headers and protocols win; a specific endpoint is used as given", () => {
    const t = loadConfig({
      ...base,
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://api.honeycomb.io/v1/traces",
      OTEL_EXPORTER_OTLP_HEADERS: "x-a=1,x-b=2",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-b=3",
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "http/json",
    }).telemetry!;
    assert.equal(t.traces!.url, "https://api.honeycomb.io/v1/traces");
    assert.deepEqual(t.traces!.headers, { "x-a": "1", "x-b": "3" });
    assert.deepEqual(t.metrics!.headers, { "x-a": "1", "x-b": "2" });
    assert.equal(t.traces!.protocol, "http/protobuf");
    assert.equal(t.metrics!.protocol, "http/json");
  });

  it("one signal alone: only a traces endpoint, or OTEL_*_EXPORTER=none", () => {
    const tracesOnly = loadConfig({ ...base, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/v1/traces" }).telemetry!;
    assert.ok(tracesOnly.traces);
    assert.equal(tracesOnly.metrics, undefined);
    const metricsOnly = loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_EXPORTER: "none" }).telemetry!;
    assert.equal(metricsOnly.traces, undefined);
    assert.ok(metricsOnly.metrics);
    assert.equal(
      loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_EXPORTER: "none", OTEL_METRICS_EXPORTER: "none" })
        .telemetry,
      undefined,
    );
    assert.equal(loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" }).telemetry, undefined);
  });

  it("resource attributes are percent-decoded; OTEL_SERVICE_NAME wins over service.name", () => {
    const t = loadConfig({
      ...base,
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
      OTEL_RESOURCE_ATTRIBUTES: "service.name=from-attrs,team=a%2Cb%20c",
    }).telemetry!;
    assert.equal(t.serviceName, "from-attrs");
    assert.equal(t.resourceAttributes.team, "a,b c");
    assert.equal(
      loadConfig({
        ...base,
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
        OTEL_RESOURCE_ATTRIBUTES: "service.name=a",
        OTEL_SERVICE_NAME: "b",
      }).telemetry!.serviceName,
      "b",
    );
  });

  it("sampler and ratio, batch and interval settings, content capture", () => {
    const t = loadConfig({
      ...base,
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
      OTEL_BSP_SCHEDULE_DELAY: "200",
      OTEL_BSP_MAX_QUEUE_SIZE: "100",
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "500",
      OTEL_METRIC_EXPORT_INTERVAL: "15000",
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: "delta",
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "true",
    }).telemetry!;
    assert.equal(t.traces!.samplerRatio, 0.25);
    assert.equal(t.traces!.scheduleDelayMs, 200);
    assert.equal(t.traces!.maxExportBatchSize, 100, "a batch is never larger than the queue");
    assert.equal(t.metrics!.exportIntervalMs, 15_000);
    assert.equal(t.metrics!.temporality, "delta");
    assert.equal(t.captureMessageContent, true);
  });

  it("refuses what it cannot do with a message naming the variable", () => {
    const bad = (env: Record<string, string>, re: RegExp) =>
      assert.throws(
        () => loadConfig({ ...base, ...env }),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      );
    bad(
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4317", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
      /OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported/,
    );
    bad({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, /OTEL_EXPORTER_OTLP_ENDPOINT/);
    bad({ OTEL_TRACES_SAMPLER: "jaeger_remote" }, /OTEL_TRACES_SAMPLER/);
    bad({ OTEL_TRACES_SAMPLER_ARG: "2" }, /OTEL_TRACES_SAMPLER_ARG/);
    bad({ LOG_FORMAT: "xml" }, /LOG_FORMAT/);
  });

  it("a malformed header list names the entry, never its content (it can hold credentials)", () => {
    assert.throws(
      () => loadConfig({ ...base, OTEL_EXPORTER_OTLP_HEADERS: "x-ok=1,Authorization: Bearer SECRET-TOKEN" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not of the form key=value/.test(e.message) &&
        !e.message.includes("SECRET-TOKEN"),
    );
    assert.throws(() => parseKeyValueList("a=%E0%A4%A"), /entry 1 is not valid percent-encoding/);
    assert.deepEqual(parseKeyValueList(" a = 1 ,, b=x=y "), { a: "1", b: "x=y" });
  });
});

describe("examples/observability", () => {
  it("the compose file configures the gateway with variables it reads, pointed at the collector's OTLP/HTTP receiver", () => {
    const compose = parse(readFileSync("examples/observability/docker-compose.yml", "utf8")) as {
      services: Record<string, { environment?: Record<string, string>; command?: string[] }>;
    };
    const env = compose.services.gateway!.environment!;
    for (const k of Object.keys(env))
      assert.ok(CONFIG_VARIABLES.includes(k) || k === "AWS_PROFILE", `${k} is not read by src/config/config.ts`);
    const endpoint = new URL(env.OTEL_EXPORTER_OTLP_ENDPOINT!);
    assert.ok(compose.services[endpoint.hostname], "the endpoint names a service of the file");
    const collector = parse(readFileSync("examples/observability/otel-collector.yaml", "utf8")) as {
      receivers: { otlp: { protocols: { http: { endpoint: string } } } };
      service: { pipelines: Record<string, { receivers: string[]; exporters: string[] }> };
      exporters: Record<string, unknown>;
    };
    assert.equal(collector.receivers.otlp.protocols.http.endpoint.split(":").at(-1), endpoint.port);
    for (const p of ["traces", "metrics"]) {
      assert.deepEqual(collector.service.pipelines[p]!.receivers, ["otlp"]);
      for (const e of collector.service.pipelines[p]!.exporters) assert.ok(e in collector.exporters, e);
    }
    // The example config loads as the gateway would load it.
    // Compose substitutions (${…}) stand for values the operator gives; these are examples of them.
    const t = loadConfig({
      ...base,
      ...env,
      AWS_REGION: "us-west-2",
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "false",
    }).telemetry!;
    assert.equal(t.traces!.url, `${env.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`);
  });
});
