// What the rerank service needs to know about one Bedrock rerank model family: its native body
// and the scored results it returns.
import { z } from "zod";
import { errors } from "../../errors/gateway-error.ts";

export interface RerankCall {
  query: string;
  documents: string[];
  topN: number | undefined;
  maxTokensPerDoc: number | undefined;
}

export interface ScoredDocument {
  index: number;
  relevance_score: number;
}

export interface RerankFamily {
  readonly name: string;
  readonly maxDocuments: number;
  buildBody(call: RerankCall): unknown;
  parseResponse(body: unknown, documents: number): { id: string | undefined; results: ScoredDocument[] };
}

const rerankResponse = z.object({
  id: z.string().optional(),
  results: z.array(z.object({ index: z.number().int().nonnegative(), relevance_score: z.number() })),
});

/** Both families answer `{results: [{index, relevance_score}]}` (Cohere adds an `id`). */
export function parseRerankResponse(
  body: unknown,
  documents: number,
  family: string,
): { id: string | undefined; results: ScoredDocument[] } {
  const r = rerankResponse.safeParse(body);
  if (!r.success) throw errors.upstreamInvalidResponse(`${family}: ${r.error.issues[0]?.message ?? "unexpected body"}`);
  const seen = new Set<number>();
  for (const x of r.data.results) {
    if (x.index >= documents || seen.has(x.index))
      throw errors.upstreamInvalidResponse(`${family} returned an invalid document index ${x.index}`);
    seen.add(x.index);
  }
  return { id: r.data.id, results: r.data.results.map((x) => ({ index: x.index, relevance_score: x.relevance_score })) };
}
