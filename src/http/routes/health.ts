// GET /health: unauthenticated liveness plus the catalog's state, for load balancers and humans.
import { Hono } from "hono";
import { VERSION } from "../../version.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";

export function healthRoutes(deps: AppDeps): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  r.get("/health", (c) => {
    const s = deps.catalog.status();
    return c.json({
      status: s.loaded ? "ok" : "degraded",
      version: VERSION,
      models: { loaded: s.loaded, count: s.count, lastRefresh: s.lastRefresh, ...(s.lastError ? { error: "the last catalog refresh failed; see the gateway log" } : {}) },
    });
  });
  return r;
}
