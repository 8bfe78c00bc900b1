// The admin HTTP API under /admin/, guarded by ADMIN_API_KEY:
//   POST   /admin/keys               create (the secret is in this response only)
//   GET    /admin/keys               list
//   GET    /admin/keys/{id}          show
//   PATCH  /admin/keys/{id}          change limits, models, budget, expiry, enabled, metadata
//   POST   /admin/keys/{id}/revoke   revoke for good (DELETE /admin/keys/{id} does the same)
//   POST   /admin/keys/{id}/rotate   new secret, same id, limits and usage
//   GET    /admin/usage?from=&to=&group_by=key|model|day&key=
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { errors } from "../errors/gateway-error.ts";
import type { AppDeps, AppEnv } from "../http/app-env.ts";
import { readJsonBody } from "../http/read-json-body.ts";
import { keyToJson } from "../keys/key-json.ts";
import { keySpecJson } from "../keys/key-spec.ts";
import type { KeySpec } from "../keys/key-spec.ts";
import { parseGroupBy, parseUsageRange, usageReport } from "../usage/usage-report.ts";
import { adminAuth } from "./admin-auth.ts";

function storeDisabled() {
  return errors.invalidRequest("Keys and usage need a store; this gateway runs with DATABASE_URL=none.", null, "store_disabled");
}

async function spec(c: Context<AppEnv>, maxBytes: number): Promise<KeySpec> {
  const body = await readJsonBody(c, maxBytes);
  const parsed = keySpecJson.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.path.map(String).join(".") || null;
    throw errors.invalidRequest(`${param ?? "body"}: ${issue.message}`, param);
  }
  return parsed.data;
}

const idParam = z.string().regex(/^vk_[0-9a-f]{12}$/);

export function adminRoutes(deps: AppDeps): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  r.use(adminAuth(deps.config.admin.apiKey));
  const maxBytes = 1_048_576;
  const keys = () => {
    if (!deps.keys) throw storeDisabled();
    return deps.keys;
  };
  const id = (c: Context<AppEnv>) => {
    const v = c.req.param("id") ?? "";
    if (!idParam.safeParse(v).success) throw errors.keyNotFound(v);
    return v;
  };

  r.post("/keys", async (c) => {
    const issued = await keys().create(await spec(c, maxBytes));
    return c.json({ ...keyToJson(issued.key), secret: issued.secret }, 201);
  });
  r.get("/keys", async (c) => c.json({ object: "list", data: (await keys().list()).map((k) => keyToJson(k)) }));
  r.get("/keys/:id", async (c) => c.json(keyToJson(await keys().get(id(c)))));
  r.patch("/keys/:id", async (c) => {
    const k = id(c);
    return c.json(keyToJson(await keys().update(k, await spec(c, maxBytes))));
  });
  r.post("/keys/:id/revoke", async (c) => c.json(keyToJson(await keys().revoke(id(c)))));
  r.delete("/keys/:id", async (c) => c.json(keyToJson(await keys().revoke(id(c)))));
  r.post("/keys/:id/rotate", async (c) => {
    const issued = await keys().rotate(id(c));
    return c.json({ ...keyToJson(issued.key), secret: issued.secret });
  });

  r.get("/usage", async (c) => {
    if (!deps.store) throw storeDisabled();
    let q;
    try {
      const range = parseUsageRange(c.req.query("from"), c.req.query("to"));
      q = { ...range, groupBy: parseGroupBy(c.req.query("group_by")), keyId: c.req.query("key") || undefined };
    } catch (err) {
      throw errors.invalidRequest((err as Error).message);
    }
    return c.json(usageReport(await deps.store.usageSummary(q), q));
  });

  r.all("*", (c) => {
    throw errors.unknownRoute(c.req.method, c.req.path);
  });
  return r;
}
