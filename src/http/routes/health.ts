// GET /health: unauthenticated liveness plus the catalog's state, for load balancers and humans.
import { Hono } from "hono";
import { VERSION } from "../../version.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";

export function healthRoutes(deps: AppDeps): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  r.get("/health", (c) => {
    const s = deps.catalog.status();
    const targets = deps.upstreams?.status();
    // Degraded (still 200: the gateway serves) when a target's catalog or a breaker is not healthy.
    const unhealthy = targets?.some((t) => !t.catalog.loaded || t.breakers.some((b) => b.state !== "closed"));
    return c.json({
      status: s.loaded && !unhealthy ? "ok" : "degraded",
      version: VERSION,
      models: {
        loaded: s.loaded,
        count: s.count,
        lastRefresh: s.lastRefresh,
        ...(s.lastError ? { error: "the last catalog refresh failed; see the gateway log" } : {}),
      },
      ...(targets ? { targets } : {}),
    });
  });
  return r;
}
