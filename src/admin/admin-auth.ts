// The admin API's own key (ADMIN_API_KEY), separate from client keys: a client key, however
// unrestricted, never reaches /admin/. Compared in constant time.
import type { MiddlewareHandler } from "hono";
import { constantTimeEquals } from "../auth/api-key-verifier.ts";
import { errors } from "../errors/gateway-error.ts";
import { presentedKey } from "../http/middleware/authenticate.ts";
import type { AppEnv } from "../http/app-env.ts";

export function adminAuth(adminKey: string | undefined): MiddlewareHandler<AppEnv> {
  return async function adminAuthMiddleware(c, next) {
    if (!adminKey) throw errors.adminDisabled();
    const key = presentedKey(c.req.header("authorization"), c.req.header("x-api-key"));
    if (!key) throw errors.missingApiKey();
    if (!constantTimeEquals(key, adminKey)) throw errors.invalidApiKey();
    c.set("principal", { keyId: "admin" });
    await next();
  };
}
