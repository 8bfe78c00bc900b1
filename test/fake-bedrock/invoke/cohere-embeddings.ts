// Cohere Embed v3 and v4 on Bedrock: at most 96 texts a call, `input_type` required, v3 texts at
// most 2,048 characters, v4 `output_dimension` 256/512/1024/1536. The answer lists embeddings by
// type when `embedding_types` was sent (a bare list otherwise) with `id` and `texts`; the token
// count comes only in headers.
import { randomUUID } from "node:crypto";
import type { Rule } from "./body-rules.ts";
import { check } from "./body-rules.ts";
import { fakeVector } from "./fake-vectors.ts";
import type { InvokeOutcome } from "./invoke-outcome.ts";
import { fakeTokens, guarded, tokenHeaders, validationError } from "./invoke-outcome.ts";

const EMBEDDING_TYPES = ["float", "int8", "uint8", "binary", "ubinary"];
const V3: Rule = {
  type: "object",
  required: ["input_type"],
  properties: {
    texts: { type: "array", minItems: 0, maxItems: 96, items: { type: "string", maxLength: 2048 } },
    images: { type: "array", maxItems: 1, items: { type: "string" } },
    input_type: { type: "string", enum: ["search_document", "search_query", "classification", "clustering", "image"] },
    truncate: { type: "string", enum: ["NONE", "START", "END"] },
    embedding_types: { type: "array", minItems: 1, items: { type: "string", enum: EMBEDDING_TYPES } },
  },
};
const V4: Rule = {
  type: "object",
  required: ["input_type"],
  properties: {
    texts: { type: "array", minItems: 0, maxItems: 96, items: { type: "string" } },
    images: { type: "array", maxItems: 96, items: { type: "string" } },
    inputs: { type: "array", maxItems: 96, items: { type: "object", open: true, properties: {} } },
    input_type: { type: "string", enum: ["search_document", "search_query", "classification", "clustering"] },
    truncate: { type: "string", enum: ["NONE", "LEFT", "RIGHT"] },
    embedding_types: { type: "array", minItems: 1, items: { type: "string", enum: EMBEDDING_TYPES } },
    output_dimension: { type: "integer", enum: [256, 512, 1024, 1536] },
    max_tokens: { type: "integer", minimum: 1, maximum: 128_000 },
  },
};

/** Embed v3's context: longer texts fail unless `truncate` says which end to drop. */
const V3_MAX_TOKENS = 512;

export function cohereEmbeddings(variant: "v3" | "v4", body: any): InvokeOutcome {
  return guarded(() => {
    check(variant === "v3" ? V3 : V4, body);
    const texts: string[] = body.texts ?? [];
    if (texts.length === 0) return validationError("Malformed input request: one of texts, images or inputs must be provided.");
    if (variant === "v3" && (body.truncate ?? "NONE") === "NONE") {
      const i = texts.findIndex((t) => fakeTokens(t) > V3_MAX_TOKENS);
      if (i >= 0)
        return validationError(`Input text at index ${i} exceeds the maximum of ${V3_MAX_TOKENS} tokens. Set truncate to START or END.`);
    }
    const dims = variant === "v3" ? 1024 : (body.output_dimension ?? 1536);
    const vectors = texts.map((t) => fakeVector(t, dims));
    const byType = Array.isArray(body.embedding_types);
    const answer = {
      id: randomUUID(),
      embeddings: byType ? { float: vectors } : vectors,
      texts,
      response_type: byType ? "embeddings_by_type" : "embeddings_floats",
    };
    return { body: answer, headers: tokenHeaders(texts.reduce((n, t) => n + fakeTokens(t), 0)) };
  });
}
