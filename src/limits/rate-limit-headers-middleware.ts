// x-ratelimit-* on every response of a key with RPM/TPM limits, including those that did not go
// through admission (GET /v1/models, 404s). Responses admission already labelled are left alone.
import type { MiddlewareHandler } from "hono";
import type { Admission, AppEnv } from "../http/app-env.ts";

export function rateLimitHeaders(admission: Admission): MiddlewareHandler<AppEnv> {
  return async function rateLimitHeadersMiddleware(c, next) {
    await next();
    const policy = c.get("principal")?.policy;
    if (!policy || (!policy.rpm && !policy.tpm)) return;
    if (c.res.headers.has("x-ratelimit-limit-requests") || c.res.headers.has("x-ratelimit-limit-tokens")) return;
    for (const [k, v] of Object.entries(await admission.headers(c))) c.res.headers.set(k, v);
  };
}
