// POST /v1/rerank, after validation: documents to the texts the model scores, one InvokeModel
// call, then results by descending relevance (ties by original position) with each document's
// original index, cut to top_n, with the documents themselves when asked for.
import type { SendOptions } from "../bedrock/transport/bedrock-http.ts";
import { randomUUID } from "node:crypto";
import { familyFor, knownPrefixes } from "../bedrock/family-table.ts";
import { RERANK_FAMILIES } from "../bedrock/rerank/rerank-families.ts";
import type { RerankFamily, ScoredDocument } from "../bedrock/rerank/rerank-family.ts";
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ResolvedModel } from "../models/resolve-model.ts";
import type { RerankRequest, RerankResponse } from "../openai/rerank-request.ts";

export interface RerankOutcome {
  response: RerankResponse;
  documents: number;
  inputTokens: number | undefined;
  searchUnits: number;
}

/** Bedrock bills a rerank query per 100 documents (a "search unit"). */
const DOCS_PER_SEARCH_UNIT = 100;

export function rerankFamilyOf(model: ResolvedModel): RerankFamily {
  const family = familyFor(RERANK_FAMILIES, model.baseModelId);
  if (!family) {
    throw errors.modelNotSupported(
      model.requested,
      `the gateway has no rerank mapping for '${model.baseModelId}'. Supported: ${knownPrefixes(RERANK_FAMILIES)}.`,
    );
  }
  return family;
}

/** A document as the model reads it: the string, an object's `text`, its `rank_fields`, or its JSON. */
export function documentText(doc: unknown, index: number, rankFields: readonly string[] | undefined): string {
  if (typeof doc !== "string" && (doc === null || typeof doc !== "object" || Array.isArray(doc))) {
    throw errors.invalidRequest(`'documents[${index}]' must be a string or an object.`, `documents[${index}]`, "invalid_type");
  }
  if (typeof doc === "string") return nonBlank(doc, index);
  return nonBlank(objectText(doc as Record<string, unknown>, rankFields), index);
}

function objectText(doc: Record<string, unknown>, rankFields: readonly string[] | undefined): string {
  if (rankFields) {
    return rankFields
      .filter((f) => doc[f] !== undefined && doc[f] !== null)
      .map((f) => `${f}: ${typeof doc[f] === "string" ? doc[f] : JSON.stringify(doc[f])}`)
      .join("\n");
  }
  return typeof doc.text === "string" ? doc.text : JSON.stringify(doc);
}

function nonBlank(text: string, index: number): string {
  if (text.trim() === "") throw errors.invalidRequest(`'documents[${index}]' has no text to rank.`, `documents[${index}]`, "invalid_value");
  return text;
}

/** Highest relevance first; equal scores keep the documents' original order. */
export function rankResults(results: readonly ScoredDocument[], topN: number | undefined): ScoredDocument[] {
  return [...results].sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index).slice(0, topN);
}

export async function rerankDocuments(
  runtime: BedrockRuntime,
  req: RerankRequest,
  model: ResolvedModel,
  signal?: AbortSignal,
  onServed?: SendOptions["onServed"],
): Promise<RerankOutcome> {
  const family = rerankFamilyOf(model);
  if (req.query.trim() === "") throw errors.invalidRequest("'query' cannot be empty.", "query", "invalid_value");
  const n = req.documents.length;
  if (n === 0) throw errors.invalidRequest("'documents' cannot be empty.", "documents", "invalid_value");
  if (n > family.maxDocuments) {
    throw errors.invalidRequest(
      `'documents' has ${n} items; ${family.name} ranks at most ${family.maxDocuments} per request.`,
      "documents",
      "invalid_value",
    );
  }
  const texts = req.documents.map((d, i) => documentText(d, i, req.rank_fields ?? undefined));
  // top_n above the document count means "all", as in Cohere's API.
  const topN = req.top_n ? Math.min(req.top_n, n) : undefined;

  const res = await runtime.invokeModel(
    model.bedrockId,
    family.buildBody({ query: req.query, documents: texts, topN, maxTokensPerDoc: req.max_tokens_per_doc ?? undefined }),
    { signal, ...(onServed ? { onServed } : {}) },
  );
  const parsed = family.parseResponse(res.body, n);
  const results = rankResults(parsed.results, topN).map((r) => {
    if (!req.return_documents) return r;
    const doc = req.documents[r.index];
    return { ...r, document: typeof doc === "string" ? { text: doc } : (doc as Record<string, unknown>) };
  });
  const searchUnits = Math.ceil(n / DOCS_PER_SEARCH_UNIT);
  return {
    response: {
      id: parsed.id ?? randomUUID(),
      model: model.requested,
      results,
      meta: { api_version: { version: "2" }, billed_units: { search_units: searchUnits } },
    },
    documents: n,
    inputTokens: res.inputTokens,
    searchUnits,
  };
}
