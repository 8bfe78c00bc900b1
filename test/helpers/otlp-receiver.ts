// An in-process OTLP/HTTP receiver (what an OpenTelemetry Collector's otlphttp receiver accepts):
// POST /v1/traces and /v1/metrics as protobuf (decoded with the official .proto definitions in
// ./otlp-proto, opentelemetry-proto v1.11) or JSON. Both encodings are normalised to one shape
// (hex ids, plain attribute values) so tests assert on the same data whichever the gateway sent.
import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import protobuf from "protobufjs";

const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), "otlp-proto");

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown>; timeUnixNano: bigint }[];
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  resource: Record<string, unknown>;
  scope: string;
}

export interface ReceivedPoint {
  attributes: Record<string, unknown>;
  count?: number;
  sum?: number;
  value?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
}

export interface ReceivedMetric {
  name: string;
  unit: string;
  kind: "histogram" | "sum" | "gauge" | "other";
  points: ReceivedPoint[];
  resource: Record<string, unknown>;
}

export interface ExportRequest {
  path: string;
  contentType: string;
  headers: IncomingHttpHeaders;
}

export interface OtlpReceiver {
  /** Base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  url: string;
  spans: ReceivedSpan[];
  metrics: ReceivedMetric[];
  requests: ExportRequest[];
  /** Wait until spans matching the predicate have arrived (fails after timeoutMs). */
  waitForSpans(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  waitForMetrics(predicate: (metrics: ReceivedMetric[]) => boolean, timeoutMs?: number): Promise<ReceivedMetric[]>;
  /** The raw text of everything received (to assert what was NOT exported). */
  rawText(): string;
  close(): Promise<void>;
}

let root: protobuf.Root | undefined;
function protoRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  r.loadSync(
    ["opentelemetry/proto/collector/trace/v1/trace_service.proto", "opentelemetry/proto/collector/metrics/v1/metrics_service.proto"],
    { keepCase: false },
  );
  root = r;
  return r;
}

type Obj = Record<string, unknown>;

const hex = (v: unknown): string => {
  if (v === undefined || v === null || v === "") return "";
  if (typeof v === "string") return v.toLowerCase(); // OTLP/JSON: ids are hex strings
  return Buffer.from(v as Uint8Array).toString("hex");
};

const num = (v: unknown): number | undefined => (v === undefined || v === null ? undefined : Number(v));
const big = (v: unknown): bigint => (v === undefined || v === null ? 0n : BigInt(v as string | number));

function anyValue(v: Obj | undefined): unknown {
  if (!v) return undefined;
  if ("stringValue" in v) return v.stringValue;
  if ("boolValue" in v) return v.boolValue;
  if ("intValue" in v) return Number(v.intValue);
  if ("doubleValue" in v) return Number(v.doubleValue);
  if ("arrayValue" in v) return (((v.arrayValue as Obj).values as Obj[] | undefined) ?? []).map(anyValue);
  if ("kvlistValue" in v) return attrs((v.kvlistValue as Obj).values as Obj[]);
  if ("bytesValue" in v) return hex(v.bytesValue);
  return undefined;
}

function attrs(list: Obj[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key as string] = anyValue(kv.value as Obj | undefined);
  return out;
}

function readSpans(req: Obj): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of (req.resourceSpans as Obj[] | undefined) ?? []) {
    const resource = attrs((rs.resource as Obj | undefined)?.attributes as Obj[]);
    for (const ss of (rs.scopeSpans as Obj[] | undefined) ?? []) {
      const scope = ((ss.scope as Obj | undefined)?.name as string) ?? "";
      for (const s of (ss.spans as Obj[] | undefined) ?? []) {
        const status = (s.status as Obj | undefined) ?? {};
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name as string,
          kind: Number(s.kind ?? 0),
          attributes: attrs(s.attributes as Obj[]),
          events: ((s.events as Obj[] | undefined) ?? []).map((e) => ({
            name: e.name as string,
            attributes: attrs(e.attributes as Obj[]),
            timeUnixNano: big(e.timeUnixNano),
          })),
          status: { code: Number(status.code ?? 0), message: (status.message as string) ?? "" },
          startTimeUnixNano: big(s.startTimeUnixNano),
          endTimeUnixNano: big(s.endTimeUnixNano),
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

function readMetrics(req: Obj): ReceivedMetric[] {
  const out: ReceivedMetric[] = [];
  for (const rm of (req.resourceMetrics as Obj[] | undefined) ?? []) {
    const resource = attrs((rm.resource as Obj | undefined)?.attributes as Obj[]);
    for (const sm of (rm.scopeMetrics as Obj[] | undefined) ?? []) {
      for (const m of (sm.metrics as Obj[] | undefined) ?? []) {
        const data = (m.histogram ?? m.sum ?? m.gauge) as Obj | undefined;
        const kind = m.histogram ? "histogram" : m.sum ? "sum" : m.gauge ? "gauge" : "other";
        const points = ((data?.dataPoints as Obj[] | undefined) ?? []).map((p) => ({
          attributes: attrs(p.attributes as Obj[]),
          count: num(p.count),
          sum: num(p.sum),
          value: num(p.asDouble ?? p.asInt),
          bucketCounts: (p.bucketCounts as unknown[] | undefined)?.map(Number),
          explicitBounds: (p.explicitBounds as unknown[] | undefined)?.map(Number),
        }));
        out.push({ name: m.name as string, unit: (m.unit as string) ?? "", kind, points, resource });
      }
    }
  }
  return out;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  const requests: ExportRequest[] = [];
  const raw: string[] = [];
  const pr = protoRoot();
  const traceRequest = pr.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");
  const metricsRequest = pr.lookupType("opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest");

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "";
      const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
      requests.push({ path, contentType, headers: req.headers });
      let body = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
      const isTraces = path === "/v1/traces";
      if (req.method !== "POST" || (!isTraces && path !== "/v1/metrics")) {
        res.writeHead(404).end();
        return;
      }
      let decoded: Obj;
      try {
        if (contentType === "application/x-protobuf") {
          const type = isTraces ? traceRequest : metricsRequest;
          decoded = type.toObject(type.decode(body), { longs: String, enums: Number, defaults: false });
          raw.push(body.toString("latin1"));
        } else if (contentType === "application/json") {
          const text = body.toString("utf8");
          raw.push(text);
          decoded = JSON.parse(text) as Obj;
        } else {
          res.writeHead(415).end();
          return;
        }
      } catch (err) {
        res.writeHead(400, { "content-type": "text/plain" }).end(String(err));
        return;
      }
      if (isTraces) spans.push(...readSpans(decoded));
      else metrics.push(...readMetrics(decoded));
      // An empty Export*ServiceResponse: full success.
      if (contentType === "application/json") res.writeHead(200, { "content-type": "application/json" }).end("{}");
      else res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const waitFor = async <T>(list: T[], predicate: (l: T[]) => boolean, timeoutMs: number, what: string): Promise<T[]> => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(list)) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}; have ${list.length}: ${JSON.stringify(list.map((x) => (x as { name: string }).name))}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
    return list;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    metrics,
    requests,
    waitForSpans: (p, t = 5000) => waitFor(spans, p, t, "spans"),
    waitForMetrics: (p, t = 5000) => waitFor(metrics, p, t, "metrics"),
    rawText: () => raw.join("\n"),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
