// POST /v1/rerank (Cohere-compatible) over Bedrock's rerank models. An adapter: the
// single-answer pipeline (src/pipeline/invoke-pipeline.ts) applies the policy.
import { Hono } from "hono";
import { rerankRequestSchema } from "../../openai/rerank-request.ts";
import { parseRequest } from "../../openai/zod-to-error.ts";
import { runInvoke } from "../../pipeline/invoke-pipeline.ts";
import { rerankDocuments } from "../../rerank/rerank-documents.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";

export function rerankRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().post("/rerank", (c) =>
    runInvoke(c, deps, {
      endpoint: "rerank",
      kind: "rerank",
      parse: (raw) => parseRequest(rerankRequestSchema, raw),
      model: (req) => req.model,
      estimateParts: (req) => [req.query, req.documents],
      async run(runtime, req, model, signal, onServed) {
        const out = await rerankDocuments(runtime, req, model, signal, onServed);
        const log = {
          documents: out.documents,
          searchUnits: out.searchUnits,
          ...(out.inputTokens !== undefined ? { inputTokens: out.inputTokens } : {}),
        };
        return { body: out.response, log };
      },
    }),
  );
}
