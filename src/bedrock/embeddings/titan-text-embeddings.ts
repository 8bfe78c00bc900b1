// Amazon Titan Text Embeddings G1 (v1) and V2: one text per call, `inputText` in, `embedding`
// and `inputTextTokenCount` out. Only V2 takes `dimensions` (256, 512, 1024).
import { z } from "zod";
import { errors } from "../../errors/gateway-error.ts";
import type { EmbeddingCallOptions, EmbeddingCallResult, EmbeddingFamily } from "./embedding-family.ts";
import { readModelBody } from "./embedding-family.ts";

export interface TitanTextBody {
  inputText: string;
  dimensions?: number;
}

export function buildTitanTextBody(texts: readonly string[], opts: EmbeddingCallOptions): TitanTextBody {
  // input_type has no Titan equivalent: Titan embeds queries and documents alike.
  return opts.dimensions === undefined ? { inputText: texts[0]! } : { inputText: texts[0]!, dimensions: opts.dimensions };
}

const titanResponse = z.object({
  embedding: z.array(z.number()).optional(),
  embeddingsByType: z.object({ float: z.array(z.number()).optional() }).optional(),
  inputTextTokenCount: z.number().int().nonnegative().optional(),
});

export function parseTitanTextResponse(body: unknown): EmbeddingCallResult {
  const r = readModelBody(titanResponse, body, "Titan embeddings");
  const vector = r.embedding ?? r.embeddingsByType?.float;
  if (!vector) throw errors.upstreamInvalidResponse("Titan embeddings: the body has no embedding");
  return { vectors: [vector], inputTokens: r.inputTextTokenCount };
}

export const titanTextV1: EmbeddingFamily = {
  name: "Titan Text Embeddings G1",
  batchSize: 1,
  dimensions: { allowed: [1536], default: 1536 },
  maxChars: undefined,
  buildBody: (texts) => ({ inputText: texts[0]! }),
  parseResponse: (body) => parseTitanTextResponse(body),
};

export const titanTextV2: EmbeddingFamily = {
  name: "Titan Text Embeddings V2",
  batchSize: 1,
  dimensions: { allowed: [256, 512, 1024], default: 1024 },
  maxChars: 50_000,
  buildBody: buildTitanTextBody,
  parseResponse: (body) => parseTitanTextResponse(body),
};
