// Client authentication: `Authorization: Bearer <key>` (OpenAI clients) or `x-api-key: <key>`
// (Anthropic clients). Runs on every route except /health.
import type { MiddlewareHandler } from "hono";
import type { ApiKeyVerifier } from "../../auth/api-key-verifier.ts";
import { errors } from "../../errors/gateway-error.ts";
import type { AppEnv } from "../app-env.ts";

/** How long a request waits for a key that is still loading (first load from Secrets Manager / SSM). */
const KEY_LOAD_WAIT_MS = 5000;

export function presentedKey(authorization: string | undefined, xApiKey: string | undefined): string | undefined {
  if (authorization) {
    const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (m) return m[1]!.trim();
  }
  return xApiKey?.trim() || undefined;
}

export function authenticate(verifier: ApiKeyVerifier): MiddlewareHandler<AppEnv> {
  return async function authenticateMiddleware(c, next) {
    const key = presentedKey(c.req.header("authorization"), c.req.header("x-api-key"));
    if (!key) throw errors.missingApiKey();
    let result = await verifier.verify(key);
    if (!result.ok && result.reason === "unavailable") {
      await verifier.ready(KEY_LOAD_WAIT_MS);
      result = await verifier.verify(key);
    }
    if (!result.ok) {
      if (result.reason === "invalid") throw errors.invalidApiKey(result.message);
      throw result.reason === "unavailable" ? errors.authUnavailable() : errors.storeUnavailable();
    }
    c.set("principal", result.principal);
    await next();
  };
}
