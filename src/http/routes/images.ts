// POST /v1/images/generations (OpenAI Images API) over Bedrock's text-to-image models.
import { Hono } from "hono";
import { generateImages } from "../../images/generate-images.ts";
import { imagesRequestSchema } from "../../openai/images-request.ts";
import { parseRequest } from "../../openai/zod-to-error.ts";
import { estimateBodyTokens } from "../../limits/estimate-body-tokens.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";
import { asObject, readJsonBody } from "../read-json-body.ts";
import { resolveRequestModel } from "../resolve-request-model.ts";

export function imagesRoutes(deps: AppDeps): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.post("/images/generations", async (c) => {
    const log = c.get("log");
    log.endpoint = "images.generations";
    const req = parseRequest(imagesRequestSchema, asObject(await readJsonBody(c, deps.config.server.maxRequestBodyBytes)));
    const model = await resolveRequestModel(deps, req.model, "image", log);
    await deps.admission?.admit(c, { model, estimatedInputTokens: estimateBodyTokens([req.prompt, req.negative_prompt]) });
    const out = await generateImages(deps.runtime, req, model, c.req.raw.signal);
    log.images = out.images;
    log.imageSize = out.size;
    log.imageQuality = out.quality;
    log.bedrockCalls = out.bedrockCalls;
    return c.json(out.response);
  });

  return r;
}
