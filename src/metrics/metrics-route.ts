// GET /metrics in Prometheus text format. Open by default (as exporters usually are); with
// METRICS_API_KEY set it needs `Authorization: Bearer <METRICS_API_KEY>`.
import { Hono } from "hono";
import { constantTimeEquals } from "../auth/api-key-verifier.ts";
import { errors } from "../errors/gateway-error.ts";
import { presentedKey } from "../http/middleware/authenticate.ts";
import type { AppEnv } from "../http/app-env.ts";
import type { GatewayMetrics } from "./gateway-metrics.ts";

export function metricsRoutes(metrics: GatewayMetrics, apiKey: string | undefined): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  r.get("/metrics", async (c) => {
    if (apiKey) {
      const key = presentedKey(c.req.header("authorization"), c.req.header("x-api-key"));
      if (!key) throw errors.missingApiKey();
      if (!constantTimeEquals(key, apiKey)) throw errors.invalidApiKey();
    }
    const { contentType, body } = await metrics.render();
    return c.body(body, 200, { "content-type": contentType });
  });
  return r;
}
