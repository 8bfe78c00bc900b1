// POST /v1/embeddings (OpenAI Embeddings API) over Bedrock's embedding models.
import { Hono } from "hono";
import { createEmbeddings } from "../../embeddings/create-embeddings.ts";
import { embeddingsRequestSchema } from "../../openai/embeddings-request.ts";
import { parseRequest } from "../../openai/zod-to-error.ts";
import { estimateBodyTokens } from "../../limits/estimate-body-tokens.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";
import { asObject, readJsonBody } from "../read-json-body.ts";
import { resolveRequestModel } from "../resolve-request-model.ts";

export function embeddingsRoutes(deps: AppDeps): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.post("/embeddings", async (c) => {
    const log = c.get("log");
    log.endpoint = "embeddings";
    const req = parseRequest(embeddingsRequestSchema, asObject(await readJsonBody(c, deps.config.server.maxRequestBodyBytes)));
    const model = await resolveRequestModel(deps, req.model, "embedding", log);
    await deps.admission?.admit(c, { model, estimatedInputTokens: estimateBodyTokens(req.input) });
    const out = await createEmbeddings(
      { runtime: deps.runtime, concurrency: deps.config.embeddings.concurrency },
      req,
      model,
      c.req.raw.signal,
    );
    log.inputTokens = out.inputTokens;
    log.outputTokens = 0;
    log.inputs = out.inputs;
    log.bedrockCalls = out.bedrockCalls;
    if (out.tokensEstimated) log.tokensEstimated = true;
    return c.json(out.response);
  });

  return r;
}
