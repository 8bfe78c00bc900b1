// POST /v1/images/generations (OpenAI Images API) over Bedrock's text-to-image models. An
// adapter: the single-answer pipeline (src/pipeline/invoke-pipeline.ts) applies the policy.
import { Hono } from "hono";
import { generateImages } from "../../images/generate-images.ts";
import { imagesRequestSchema } from "../../openai/images-request.ts";
import { parseRequest } from "../../openai/zod-to-error.ts";
import { runInvoke } from "../../pipeline/invoke-pipeline.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";

export function imagesRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().post("/images/generations", (c) =>
    runInvoke(c, deps, {
      endpoint: "images.generations",
      kind: "image",
      parse: (raw) => parseRequest(imagesRequestSchema, raw),
      model: (req) => req.model,
      estimateParts: (req) => [req.prompt, req.negative_prompt],
      async run(runtime, req, model, signal, onServed) {
        const out = await generateImages(runtime, req, model, signal, onServed);
        return {
          body: out.response,
          log: { images: out.images, imageSize: out.size, imageQuality: out.quality, bedrockCalls: out.bedrockCalls },
        };
      },
    }),
  );
}
