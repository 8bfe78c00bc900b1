// POST /v1/embeddings (OpenAI Embeddings API) over Bedrock's embedding models. An adapter: the
// single-answer pipeline (src/pipeline/invoke-pipeline.ts) applies the policy.
import { Hono } from "hono";
import { createEmbeddings } from "../../embeddings/create-embeddings.ts";
import { embeddingsRequestSchema } from "../../openai/embeddings-request.ts";
import { parseRequest } from "../../openai/zod-to-error.ts";
import { runInvoke } from "../../pipeline/invoke-pipeline.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";

export function embeddingsRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().post("/embeddings", (c) =>
    runInvoke(c, deps, {
      endpoint: "embeddings",
      kind: "embedding",
      parse: (raw) => parseRequest(embeddingsRequestSchema, raw),
      model: (req) => req.model,
      estimateParts: (req) => req.input,
      async run(runtime, req, model, signal, onServed) {
        const out = await createEmbeddings({ runtime, concurrency: deps.config.embeddings.concurrency }, req, model, signal, onServed);
        const log = {
          inputTokens: out.inputTokens,
          outputTokens: 0,
          inputs: out.inputs,
          bedrockCalls: out.bedrockCalls,
          ...(out.tokensEstimated ? { tokensEstimated: true } : {}),
        };
        return { body: out.response, log };
      },
    }),
  );
}
