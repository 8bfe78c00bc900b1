// The HTTP server span of each request (installed only when tracing is configured). It runs right
// after requestContext, so the span knows the request id and the access-log line gets trace_id and
// span_id; it ends when the response ends, or for streams when the stream ends.
import type { MiddlewareHandler } from "hono";
import type { RequestTracing } from "../../telemetry/telemetry-types.ts";
import type { AppEnv } from "../app-env.ts";

/** A wildcard is a middleware's pattern (auth, not-found), not the route that served the request. */
const isRoute = (pattern: string | undefined): pattern is string => pattern !== undefined && pattern !== "" && !pattern.includes("*");

export function traceRequests(tracing: RequestTracing): MiddlewareHandler<AppEnv> {
  return async function traceRequestsMiddleware(c, next) {
    const url = new URL(c.req.url);
    const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
    const span = tracing.start(
      {
        method: c.req.method,
        path: url.pathname,
        scheme: url.protocol.slice(0, -1),
        host: url.hostname,
        port: Number(url.port) || undefined,
        userAgent: c.req.header("user-agent"),
        clientAddress: incoming?.socket?.remoteAddress,
        requestId: c.get("requestId"),
        headers: c.req.raw.headers,
      },
      { keyId: () => c.get("principal")?.keyId, endpoint: () => c.get("log").endpoint },
    );
    const log = c.get("log");
    if (span.traceId) {
      log.trace_id = span.traceId;
      log.span_id = span.spanId;
    }

    await span.run(next);

    const end = () => {
      const fields = c.get("log");
      const route = c.req.routePath;
      span.end({
        status: c.res.status,
        route: isRoute(route) ? route : undefined,
        keyId: c.get("principal")?.keyId,
        endpoint: fields.endpoint,
        errorType: fields.errorType,
        aborted: fields.aborted === true,
      });
    };
    const done = c.get("streamDone");
    if (done) void done.finally(end);
    else end();
  };
}
