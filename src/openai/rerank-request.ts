// POST /v1/rerank: the Cohere-compatible rerank shape that Open WebUI, Dify, LiteLLM and Jina
// clients speak. Documents are strings or objects (their `text`, or the `rank_fields` asked for).
import { z } from "zod";

export const rerankRequestSchema = z.strictObject({
  model: z.string().min(1),
  query: z.string(),
  // Items are checked by documentText, which can say "a string or an object" for the bad one.
  documents: z.array(z.unknown()),
  top_n: z.number().int().min(1).nullish(),
  return_documents: z.boolean().nullish(),
  max_tokens_per_doc: z.number().int().min(1).nullish(),
  rank_fields: z.array(z.string()).min(1).nullish(),
});

export type RerankRequest = z.output<typeof rerankRequestSchema>;

export interface RerankResult {
  index: number;
  relevance_score: number;
  document?: { text: string } | Record<string, unknown>;
}

export interface RerankResponse {
  id: string;
  model: string;
  results: RerankResult[];
  meta: { api_version: { version: string }; billed_units: { search_units: number } };
}
