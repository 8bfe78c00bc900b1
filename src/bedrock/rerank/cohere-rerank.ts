// Cohere Rerank 3.5 through InvokeModel: Cohere's v2 rerank body, which needs `api_version: 2`.
import type { RerankCall, RerankFamily } from "./rerank-family.ts";
import { parseRerankResponse } from "./rerank-family.ts";

export interface CohereRerankBody {
  query: string;
  documents: string[];
  api_version: 2;
  top_n?: number;
  max_tokens_per_doc?: number;
}

export function buildCohereRerankBody(call: RerankCall): CohereRerankBody {
  const body: CohereRerankBody = { query: call.query, documents: call.documents, api_version: 2 };
  if (call.topN !== undefined) body.top_n = call.topN;
  if (call.maxTokensPerDoc !== undefined) body.max_tokens_per_doc = call.maxTokensPerDoc;
  return body;
}

export const cohereRerank: RerankFamily = {
  name: "Cohere Rerank",
  maxDocuments: 1000,
  buildBody: buildCohereRerankBody,
  parseResponse: (body, n) => parseRerankResponse(body, n, "Cohere Rerank"),
};
