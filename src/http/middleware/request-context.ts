// Request id (taken from the client when sane, else generated), echoed as x-request-id on every
// response, and the one access-log line per request (after the stream for streaming responses).
import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { accessLogger } from "../../logging/logger.ts";
import type { AppEnv, RequestObserver } from "../app-env.ts";

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestContext(logger: Logger, observers: readonly RequestObserver[] = []): MiddlewareHandler<AppEnv> {
  const access = accessLogger(logger);
  return async function requestContextMiddleware(c, next) {
    const started = performance.now();
    const startedAt = Date.now();
    const given = c.req.header("x-request-id");
    const requestId = given && SANE_ID.test(given) ? given : `req_${randomUUID().replaceAll("-", "")}`;
    c.set("requestId", requestId);
    c.set("log", {});
    c.set("principal", undefined);
    c.set("streamDone", undefined);
    c.set("admission", undefined);
    c.set("errorFormat", "openai");
    c.header("x-request-id", requestId);

    await next();

    const done = c.get("streamDone");
    const write = () => {
      const fields = c.get("log");
      const principal = c.get("principal");
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      access.info(
        { requestId, method: c.req.method, path: c.req.path, status: c.res.status, latencyMs, keyId: principal?.keyId, ...fields },
        "request",
      );
      // Usage records, metrics and limit reconciliation derive from the same fields.
      const ended = {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        startedAt,
        latencyMs,
        streamed: done !== undefined,
        principal,
        fields,
        admission: c.get("admission"),
      };
      for (const o of observers) {
        try {
          o.requestEnded(ended);
        } catch (err) {
          logger.error({ requestId, err }, "request observer failed");
        }
      }
    };
    if (done) {
      for (const o of observers) o.streamStarted?.();
      void done.finally(write);
    } else write();
  };
}
