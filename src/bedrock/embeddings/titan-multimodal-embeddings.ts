// Amazon Titan Multimodal Embeddings G1 used for text: one text per call; the output size is
// `embeddingConfig.outputEmbeddingLength` (256, 384, 1024).
import type { EmbeddingFamily } from "./embedding-family.ts";
import { parseTitanTextResponse } from "./titan-text-embeddings.ts";

export interface TitanMultimodalBody {
  inputText: string;
  embeddingConfig?: { outputEmbeddingLength: number };
}

export function buildTitanMultimodalBody(texts: readonly string[], dimensions: number | undefined): TitanMultimodalBody {
  const body: TitanMultimodalBody = { inputText: texts[0]! };
  if (dimensions !== undefined) body.embeddingConfig = { outputEmbeddingLength: dimensions };
  return body;
}

export const titanMultimodal: EmbeddingFamily = {
  name: "Titan Multimodal Embeddings G1",
  batchSize: 1,
  dimensions: { allowed: [256, 384, 1024], default: 1024 },
  maxChars: undefined,
  buildBody: (texts, opts) => buildTitanMultimodalBody(texts, opts.dimensions),
  // Same answer shape as the text models: `embedding` and `inputTextTokenCount`.
  parseResponse: (body) => parseTitanTextResponse(body),
};
