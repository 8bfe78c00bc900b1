// POST /v1/rerank (Cohere-compatible) over Bedrock's rerank models.
import { Hono } from "hono";
import { rerankRequestSchema } from "../../openai/rerank-request.ts";
import { parseRequest } from "../../openai/zod-to-error.ts";
import { rerankDocuments } from "../../rerank/rerank-documents.ts";
import { estimateBodyTokens } from "../../limits/estimate-body-tokens.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";
import { asObject, readJsonBody } from "../read-json-body.ts";
import { resolveRequestModel } from "../resolve-request-model.ts";

export function rerankRoutes(deps: AppDeps): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.post("/rerank", async (c) => {
    const log = c.get("log");
    log.endpoint = "rerank";
    const req = parseRequest(rerankRequestSchema, asObject(await readJsonBody(c, deps.config.server.maxRequestBodyBytes)));
    const model = await resolveRequestModel(deps, req.model, "rerank", log);
    await deps.admission?.admit(c, { model, estimatedInputTokens: estimateBodyTokens([req.query, req.documents]) });
    const out = await rerankDocuments(deps.runtime, req, model, c.req.raw.signal);
    if (out.inputTokens !== undefined) log.inputTokens = out.inputTokens;
    log.documents = out.documents;
    log.searchUnits = out.searchUnits;
    return c.json(out.response);
  });

  return r;
}
