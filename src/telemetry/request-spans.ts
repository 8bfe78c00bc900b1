// HTTP server spans (semantic conventions for HTTP servers): one per request, continuing the
// client's W3C trace context, carrying the request scope so the Bedrock calls made for the
// request become its children and know the key and the endpoint.
import { context, createContextKey, isSpanContextValid, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Context, TextMapGetter, Tracer } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { RequestScope, RequestTracing } from "./telemetry-types.ts";

/** The request scope travels in the OTel context next to the active span. */
export const REQUEST_SCOPE = createContextKey("bedrock-gateway.request-scope");

export function requestScopeOf(ctx: Context): RequestScope | undefined {
  return ctx.getValue(REQUEST_SCOPE) as RequestScope | undefined;
}

const headersGetter: TextMapGetter<Headers> = {
  get: (h, key) => h.get(key) ?? undefined,
  keys: (h) => [...h.keys()],
};

const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]);
/** Client-controlled strings are cut before they become attributes. */
const MAX_HEADER_ATTR = 256;

export function createRequestTracing(tracer: Tracer): RequestTracing {
  // The W3C propagator bounds what it accepts (traceparent format, at most 32 tracestate entries).
  const propagator = new W3CTraceContextPropagator();
  return {
    start(req, scope) {
      const parent = propagator.extract(ROOT_CONTEXT, req.headers, headersGetter);
      // Unknown methods are "_OTHER" (the conventions' rule), so clients cannot mint span names.
      const method = KNOWN_METHODS.has(req.method) ? req.method : "_OTHER";
      const span = tracer.startSpan(
        method === "_OTHER" ? "HTTP" : method,
        {
          kind: SpanKind.SERVER,
          attributes: {
            "http.request.method": method,
            ...(method === "_OTHER" ? { "http.request.method_original": req.method.slice(0, 32) } : {}),
            "url.path": req.path.slice(0, 1024),
            "url.scheme": req.scheme,
            ...(req.host ? { "server.address": req.host.slice(0, MAX_HEADER_ATTR) } : {}),
            ...(req.port ? { "server.port": req.port } : {}),
            ...(req.userAgent ? { "user_agent.original": req.userAgent.slice(0, MAX_HEADER_ATTR) } : {}),
            ...(req.clientAddress ? { "client.address": req.clientAddress } : {}),
            "bedrock_gateway.request_id": req.requestId,
          },
        },
        parent,
      );
      const sc = span.spanContext();
      const valid = isSpanContextValid(sc);
      const active = trace.setSpan(parent, span).setValue(REQUEST_SCOPE, scope);
      return {
        traceId: valid ? sc.traceId : undefined,
        spanId: valid ? sc.spanId : undefined,
        run: (fn) => context.with(active, fn),
        end(o) {
          if (!span.isRecording()) return span.end();
          if (o.route) {
            span.updateName(`${method === "_OTHER" ? "HTTP" : method} ${o.route}`);
            span.setAttribute("http.route", o.route);
          }
          span.setAttribute("http.response.status_code", o.status);
          if (o.keyId) span.setAttribute("bedrock_gateway.key_id", o.keyId);
          if (o.endpoint) span.setAttribute("bedrock_gateway.endpoint", o.endpoint);
          if (o.aborted) span.setAttribute("bedrock_gateway.aborted", true);
          if (o.errorType) span.setAttribute("bedrock_gateway.error_code", o.errorType);
          // Server spans: 5xx is an error of this service, 4xx is the client's (HTTP conventions).
          if (o.status >= 500) {
            span.setAttribute("error.type", o.errorType ?? String(o.status));
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      };
    },
  };
}
