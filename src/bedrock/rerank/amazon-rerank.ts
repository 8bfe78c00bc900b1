// Amazon Rerank 1.0 through InvokeModel: `{query, documents, top_n}`; no per-document token cap.
import { errors } from "../../errors/gateway-error.ts";
import type { RerankCall, RerankFamily } from "./rerank-family.ts";
import { parseRerankResponse } from "./rerank-family.ts";

export interface AmazonRerankBody {
  query: string;
  documents: string[];
  top_n?: number;
}

export function buildAmazonRerankBody(call: RerankCall): AmazonRerankBody {
  if (call.maxTokensPerDoc !== undefined) {
    throw errors.invalidRequest(
      "Amazon Rerank has no max_tokens_per_doc; leave it out for this model.",
      "max_tokens_per_doc",
      "invalid_value",
    );
  }
  const body: AmazonRerankBody = { query: call.query, documents: call.documents };
  if (call.topN !== undefined) body.top_n = call.topN;
  return body;
}

export const amazonRerank: RerankFamily = {
  name: "Amazon Rerank",
  maxDocuments: 1000,
  buildBody: buildAmazonRerankBody,
  parseResponse: (body, n) => parseRerankResponse(body, n, "Amazon Rerank"),
};
