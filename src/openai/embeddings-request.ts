// POST /v1/embeddings request: OpenAI's fields plus two documented extras, `input_type`
// (Cohere-style retrieval role) and `token_encoding` (the tokenizer behind token-id inputs).
// `null` is accepted wherever OpenAI's SDKs may send it for "not set".
import { z } from "zod";
import { EMBEDDING_INPUT_TYPES } from "../bedrock/embeddings/embedding-family.ts";

export const TOKEN_ENCODINGS = ["cl100k_base", "o200k_base"] as const;
export type TokenEncoding = (typeof TOKEN_ENCODINGS)[number];

export const embeddingsRequestSchema = z.strictObject({
  // Shape checked by classifyEmbeddingInput, which can name the offending item.
  input: z.unknown(),
  model: z.string().nullish(),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  dimensions: z.number().int().min(1).nullish(),
  user: z.string().nullish(),
  input_type: z.enum(EMBEDDING_INPUT_TYPES).nullish(),
  token_encoding: z.enum(TOKEN_ENCODINGS).nullish(),
});

export type EmbeddingsRequest = z.output<typeof embeddingsRequestSchema>;

export interface EmbeddingObject {
  object: "embedding";
  index: number;
  embedding: number[] | string;
}

export interface CreateEmbeddingResponse {
  object: "list";
  data: EmbeddingObject[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}
