// DEBUG=true: every endpoint's request body and JSON response body in the log, whatever LOG_LEVEL
// says (the body logger has its own level). A stream's "response body" is its assembled answer,
// logged by the conversation pipeline when the stream ends. Installed only when DEBUG is on, so
// it costs nothing otherwise; secrets in headers never reach it (bodies only).
import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import type { AppEnv } from "../app-env.ts";

export function debugBodies(bodyLogger: Logger): MiddlewareHandler<AppEnv> {
  return async function logBodies(c, next) {
    await next();
    const requestId = c.get("requestId");
    const endpoint = c.get("log")?.endpoint;
    const body = c.get("requestBody");
    if (body !== undefined) bodyLogger.debug({ requestId, endpoint, body }, "request body");
    if (!c.res.headers.get("content-type")?.startsWith("application/json")) return;
    try {
      bodyLogger.debug({ requestId, endpoint, status: c.res.status, body: await c.res.clone().json() }, "response body");
    } catch {
      // Not JSON after all: nothing to log.
    }
  };
}
