// GET /metrics in Prometheus text format. The page names every tenant's key ids and their request,
// token and cost counts, so it is not public by default: it needs `Authorization: Bearer <key>`
// with METRICS_API_KEY or ADMIN_API_KEY; with neither set it answers 404 (as if absent) unless the
// operator sets METRICS_PUBLIC=true.
import { Hono } from "hono";
import { constantTimeEquals } from "../auth/api-key-verifier.ts";
import { errors } from "../errors/gateway-error.ts";
import { presentedKey } from "../http/middleware/authenticate.ts";
import type { AppEnv } from "../http/app-env.ts";
import type { GatewayMetrics } from "./gateway-metrics.ts";

export function metricsRoutes(metrics: GatewayMetrics, access: { apiKeys: readonly string[]; public: boolean }): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  r.get("/metrics", async (c) => {
    if (access.apiKeys.length > 0) {
      const key = presentedKey(c.req.header("authorization"), c.req.header("x-api-key"));
      if (!key) throw errors.missingApiKey();
      // Every configured key is compared (no early exit), each in constant time.
      let ok = false;
      for (const k of access.apiKeys) ok = constantTimeEquals(key, k) || ok;
      if (!ok) throw errors.invalidApiKey();
    } else if (!access.public) {
      throw errors.unknownRoute(c.req.method, c.req.path);
    }
    const { contentType, body } = await metrics.render();
    return c.body(body, 200, { "content-type": contentType });
  });
  return r;
}
