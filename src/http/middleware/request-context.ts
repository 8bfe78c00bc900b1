// Request id (taken from the client when sane, else generated), echoed as x-request-id on every
// response, and the one access-log line per request (after the stream for streaming responses).
import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import type { AppEnv } from "../app-env.ts";

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestContext(logger: Logger): MiddlewareHandler<AppEnv> {
  return async function requestContextMiddleware(c, next) {
    const started = performance.now();
    const given = c.req.header("x-request-id");
    const requestId = given && SANE_ID.test(given) ? given : `req_${randomUUID().replaceAll("-", "")}`;
    c.set("requestId", requestId);
    c.set("log", {});
    c.set("principal", undefined);
    c.set("streamDone", undefined);
    c.set("errorFormat", "openai");
    c.header("x-request-id", requestId);

    await next();

    const write = () => {
      const fields = c.get("log");
      const principal = c.get("principal");
      logger.info(
        {
          requestId,
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          latencyMs: Math.round((performance.now() - started) * 100) / 100,
          keyId: principal?.keyId,
          ...fields,
        },
        "request",
      );
    };
    const done = c.get("streamDone");
    if (done) void done.finally(write);
    else write();
  };
}
