// Cohere Rerank 3.5 and Amazon Rerank 1.0 through InvokeModel: a query, up to 1,000 documents,
// an optional `top_n` (Cohere also needs `api_version` ≥ 2). Results come sorted by relevance,
// highest first, each with the document's original index. Relevance here is word overlap with
// the query, so tests can predict the order.
import { randomUUID } from "node:crypto";
import type { Rule } from "./body-rules.ts";
import { check } from "./body-rules.ts";
import type { InvokeOutcome } from "./invoke-outcome.ts";
import { fakeTokens, guarded, tokenHeaders } from "./invoke-outcome.ts";

const documents: Rule = { type: "array", minItems: 1, maxItems: 1000, items: { type: "string", minLength: 1 } };
const query: Rule = { type: "string", minLength: 1, maxLength: 32_000 };
const COHERE: Rule = {
  type: "object",
  required: ["query", "documents", "api_version"],
  properties: {
    query,
    documents,
    top_n: { type: "integer", minimum: 1 },
    api_version: { type: "integer", minimum: 2, maximum: 2 },
    max_tokens_per_doc: { type: "integer", minimum: 1, maximum: 4096 },
  },
};
const AMAZON: Rule = {
  type: "object",
  required: ["query", "documents"],
  properties: { query, documents, top_n: { type: "integer", minimum: 1, maximum: 1000 } },
};

const words = (s: string) => new Set(s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);

export function fakeRelevance(q: string, doc: string): number {
  const qw = words(q);
  const dw = words(doc);
  let hits = 0;
  for (const w of qw) if (dw.has(w)) hits++;
  return qw.size === 0 ? 0 : hits / (qw.size + 1);
}

export function rerank(variant: "cohere" | "amazon", body: any): InvokeOutcome {
  return guarded(() => {
    check(variant === "cohere" ? COHERE : AMAZON, body);
    const docs: string[] = body.documents;
    const ranked = docs
      .map((d, index) => ({ index, relevance_score: fakeRelevance(body.query, d) }))
      .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
      .slice(0, body.top_n ?? docs.length);
    const tokens = fakeTokens(body.query) * docs.length + docs.reduce((n, d) => n + fakeTokens(d), 0);
    const answer = variant === "cohere" ? { id: randomUUID(), results: ranked } : { results: ranked };
    return { body: answer, headers: tokenHeaders(tokens) };
  });
}
