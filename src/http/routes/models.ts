// GET /v1/models and GET /v1/models/{id}: the catalog in OpenAI's Model shape. Ids may contain
// ':' and '/' (application-profile ARNs), so the id route takes the whole rest of the path.
import { Hono } from "hono";
import { errors } from "../../errors/gateway-error.ts";
import type { CatalogModel } from "../../models/build-catalog.ts";
import { aliasEntries } from "../../models/alias-entries.ts";
import { findModel } from "../../models/resolve-model.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";

const CATALOG_WAIT_MS = 3000;

/** `endpoint` tells clients where the model runs: Converse, or one of Bedrock's OpenAI-compatible
 * endpoints (docs/native-endpoints.md); the field is an extension OpenAI clients ignore. */
function toOpenAIModel(m: CatalogModel) {
  return {
    id: m.id,
    object: "model" as const,
    created: m.created,
    owned_by: m.provider,
    endpoint: m.native ? ("openai-native" as const) : ("converse" as const),
  };
}

export function modelsRoutes(deps: AppDeps): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get("/models", async (c) => {
    const snapshot = await deps.catalog.ready(CATALOG_WAIT_MS);
    // A key with a model allow-list sees only the models it may use.
    const allowed = deps.admission?.modelFilter(c) ?? (() => true);
    const models = (snapshot?.models ?? []).filter((m) => m.listed && allowed(m)).map(toOpenAIModel);
    // Aliases (MODEL_ALIASES and Anthropic's public names) are entries of their own that say
    // which model they reach, so clients with a model picker can offer the short names.
    const aliases = snapshot
      ? aliasEntries(snapshot, deps.config.models.aliases)
          .filter((a) => allowed(a.target) || (!a.builtin && allowed({ ...a.target, id: a.alias })))
          .map((a) => ({ ...toOpenAIModel(a.target), id: a.alias, alias_for: a.target.id }))
      : [];
    const data = [...models, ...aliases].sort((a, b) => a.id.localeCompare(b.id));
    return c.json({ object: "list", data });
  });

  r.get("/models/:id{.+}", async (c) => {
    const id = c.req.param("id");
    const snapshot = await deps.catalog.ready(CATALOG_WAIT_MS);
    if (!snapshot) throw errors.modelNotFound(id, null);
    const name = deps.config.models.aliases.get(id) ?? id;
    // Base ids served only through a profile and Anthropic's public names are valid names too.
    const entry = findModel(snapshot, name);
    // The name asked for (an alias, a base id) counts as one of the model's names too.
    const allowed = deps.admission?.modelFilter(c);
    if (entry && allowed && !allowed(entry) && !allowed({ ...entry, id })) throw errors.modelNotAllowed(id);
    if (entry) return c.json({ ...toOpenAIModel(entry), id });
    throw errors.modelNotFound(id, null);
  });

  return r;
}
