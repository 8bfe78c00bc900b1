// GET /v1/models and GET /v1/models/{id}: the catalog in OpenAI's Model shape. Ids may contain
// ':' and '/' (application-profile ARNs), so the id route takes the whole rest of the path.
import { Hono } from "hono";
import { errors } from "../../errors/gateway-error.ts";
import type { CatalogModel } from "../../models/build-catalog.ts";
import { profileFor } from "../../models/resolve-model.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";

const CATALOG_WAIT_MS = 3000;

/** `endpoint` tells clients where the model runs: Converse, or one of Bedrock's OpenAI-compatible
 * endpoints (docs/native-endpoints.md); the field is an extension OpenAI clients ignore. */
function toOpenAIModel(m: CatalogModel) {
  return { id: m.id, object: "model" as const, created: m.created, owned_by: m.provider, endpoint: m.native ? ("openai-native" as const) : ("converse" as const) };
}

export function modelsRoutes(deps: AppDeps): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get("/models", async (c) => {
    const snapshot = await deps.catalog.ready(CATALOG_WAIT_MS);
    // A key with a model allow-list sees only the models it may use.
    const allowed = deps.admission?.modelFilter(c) ?? (() => true);
    const data = (snapshot?.models ?? [])
      .filter((m) => m.listed && allowed(m))
      .map(toOpenAIModel)
      .sort((a, b) => a.id.localeCompare(b.id));
    return c.json({ object: "list", data });
  });

  r.get("/models/:id{.+}", async (c) => {
    const id = c.req.param("id");
    const snapshot = await deps.catalog.ready(CATALOG_WAIT_MS);
    if (!snapshot) throw errors.modelNotFound(id, null);
    const name = deps.config.models.aliases.get(id) ?? id;
    // Base ids served only through a profile are valid model names too.
    const entry = snapshot.lookup.get(name) ?? profileFor(snapshot, name);
    // The name asked for (an alias, a base id) counts as one of the model's names too.
    const allowed = deps.admission?.modelFilter(c);
    if (entry && allowed && !allowed(entry) && !allowed({ ...entry, id })) throw errors.modelNotAllowed(id);
    if (entry) return c.json({ ...toOpenAIModel(entry), id });
    throw errors.modelNotFound(id, null);
  });

  return r;
}
