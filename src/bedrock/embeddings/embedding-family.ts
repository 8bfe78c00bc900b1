// What the embeddings service needs to know about one Bedrock embedding model family: how many
// texts one InvokeModel call takes, which output sizes it offers, and its native body both ways.
import type { z } from "zod";
import { errors } from "../../errors/gateway-error.ts";

/** Cohere's input types; the other families map them to their nearest equivalent. */
export const EMBEDDING_INPUT_TYPES = ["search_document", "search_query", "classification", "clustering"] as const;
export type EmbeddingInputType = (typeof EMBEDDING_INPUT_TYPES)[number];

export interface EmbeddingCallOptions {
  /** The output size the client asked for, already checked against the family's allowed values. */
  dimensions: number | undefined;
  inputType: EmbeddingInputType;
}

export interface EmbeddingCallResult {
  /** One vector per text, in the order the texts were sent. */
  vectors: number[][];
  /** The token count the model's body reports (Titan); Cohere and Nova report it in headers only. */
  inputTokens: number | undefined;
}

export interface EmbeddingFamily {
  readonly name: string;
  /** Texts per InvokeModel call. */
  readonly batchSize: number;
  readonly dimensions: { readonly allowed: readonly number[]; readonly default: number };
  /** Longest text Bedrock documents for the family, in characters (undefined: only a token limit). */
  readonly maxChars: number | undefined;
  buildBody(texts: readonly string[], opts: EmbeddingCallOptions): unknown;
  parseResponse(body: unknown, expected: number): EmbeddingCallResult;
}

/** Tolerant read of a model's answer: only the fields used are checked, unknown ones are ignored. */
export function readModelBody<S extends z.ZodType>(schema: S, body: unknown, family: string): z.output<S> {
  const r = schema.safeParse(body);
  if (!r.success) throw errors.upstreamInvalidResponse(`${family}: ${r.error.issues[0]?.message ?? "unexpected body"}`);
  return r.data;
}

export function expectCount(vectors: number[][], expected: number, family: string): number[][] {
  if (vectors.length !== expected) {
    throw errors.upstreamInvalidResponse(`${family} returned ${vectors.length} embeddings for ${expected} inputs`);
  }
  return vectors;
}
