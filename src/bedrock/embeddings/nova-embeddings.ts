// Amazon Nova Multimodal Embeddings, synchronous text embedding: one text per call, the
// retrieval purpose derived from Cohere-style `input_type`, `embeddingDimension` 256/384/1024/3072.
import { z } from "zod";
import type { EmbeddingCallOptions, EmbeddingCallResult, EmbeddingFamily, EmbeddingInputType } from "./embedding-family.ts";
import { expectCount, readModelBody } from "./embedding-family.ts";

export type NovaEmbeddingPurpose = "GENERIC_INDEX" | "GENERIC_RETRIEVAL" | "CLASSIFICATION" | "CLUSTERING";

export function novaPurpose(inputType: EmbeddingInputType): NovaEmbeddingPurpose {
  switch (inputType) {
    case "search_document":
      return "GENERIC_INDEX";
    case "search_query":
      // GENERIC_RETRIEVAL matches queries against an index of any modality, not only text.
      return "GENERIC_RETRIEVAL";
    case "classification":
      return "CLASSIFICATION";
    case "clustering":
      return "CLUSTERING";
  }
}

export interface NovaEmbeddingBody {
  schemaVersion: "nova-multimodal-embed-v1";
  taskType: "SINGLE_EMBEDDING";
  singleEmbeddingParams: {
    embeddingPurpose: NovaEmbeddingPurpose;
    embeddingDimension?: number;
    text: { truncationMode: "NONE"; value: string };
  };
}

export function buildNovaEmbeddingBody(texts: readonly string[], opts: EmbeddingCallOptions): NovaEmbeddingBody {
  const params: NovaEmbeddingBody["singleEmbeddingParams"] = {
    embeddingPurpose: novaPurpose(opts.inputType),
    text: { truncationMode: "NONE", value: texts[0]! },
  };
  if (opts.dimensions !== undefined) params.embeddingDimension = opts.dimensions;
  return { schemaVersion: "nova-multimodal-embed-v1", taskType: "SINGLE_EMBEDDING", singleEmbeddingParams: params };
}

const novaResponse = z.object({
  embeddings: z.array(z.object({ embeddingType: z.string().optional(), embedding: z.array(z.number()) })),
});

export function parseNovaEmbeddingResponse(body: unknown, expected: number): EmbeddingCallResult {
  const r = readModelBody(novaResponse, body, "Nova embeddings");
  return {
    vectors: expectCount(
      r.embeddings.map((e) => e.embedding),
      expected,
      "Nova embeddings",
    ),
    inputTokens: undefined,
  };
}

export const novaEmbeddings: EmbeddingFamily = {
  name: "Nova Multimodal Embeddings",
  batchSize: 1,
  dimensions: { allowed: [256, 384, 1024, 3072], default: 3072 },
  maxChars: undefined,
  buildBody: buildNovaEmbeddingBody,
  parseResponse: parseNovaEmbeddingResponse,
};
