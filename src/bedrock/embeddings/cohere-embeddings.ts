// Cohere Embed v3 (English, multilingual) and v4: up to 96 texts per call, a required
// `input_type`, float vectors asked for explicitly. Embed v4 takes `output_dimension`. Token
// counts come only in Bedrock's headers. `truncate: NONE` so a too-long text is an error, as
// OpenAI's API does, instead of a silently shortened embedding.
import { z } from "zod";
import type { EmbeddingCallOptions, EmbeddingCallResult, EmbeddingFamily } from "./embedding-family.ts";
import { expectCount, readModelBody } from "./embedding-family.ts";

export interface CohereEmbedBody {
  texts: string[];
  input_type: string;
  embedding_types: ["float"];
  truncate: "NONE";
  output_dimension?: number;
}

export function buildCohereEmbedBody(texts: readonly string[], opts: EmbeddingCallOptions, withDimension: boolean): CohereEmbedBody {
  const body: CohereEmbedBody = { texts: [...texts], input_type: opts.inputType, embedding_types: ["float"], truncate: "NONE" };
  if (withDimension && opts.dimensions !== undefined) body.output_dimension = opts.dimensions;
  return body;
}

const vectors = z.array(z.array(z.number()));
const cohereResponse = z.object({
  // `embeddings_by_type` answers carry {float: [...]}, `embeddings_floats` answers a bare list.
  embeddings: z.union([vectors, z.object({ float: vectors })]),
});

export function parseCohereEmbedResponse(body: unknown, expected: number): EmbeddingCallResult {
  const r = readModelBody(cohereResponse, body, "Cohere Embed");
  const list = Array.isArray(r.embeddings) ? r.embeddings : r.embeddings.float;
  return { vectors: expectCount(list, expected, "Cohere Embed"), inputTokens: undefined };
}

export const cohereEmbedV3: EmbeddingFamily = {
  name: "Cohere Embed v3",
  batchSize: 96,
  dimensions: { allowed: [1024], default: 1024 },
  maxChars: 2048,
  buildBody: (texts, opts) => buildCohereEmbedBody(texts, opts, false),
  parseResponse: parseCohereEmbedResponse,
};

export const cohereEmbedV4: EmbeddingFamily = {
  name: "Cohere Embed v4",
  batchSize: 96,
  dimensions: { allowed: [256, 512, 1024, 1536], default: 1536 },
  maxChars: undefined,
  buildBody: (texts, opts) => buildCohereEmbedBody(texts, opts, true),
  parseResponse: parseCohereEmbedResponse,
};
