// Titan Text Embeddings G1 / V2 and Titan Multimodal Embeddings G1, as Bedrock serves them:
// one `inputText` per call, V2's `dimensions` only 256/512/1024, 50,000 characters and 8,192
// tokens at most; `embedding`, `inputTextTokenCount` (and V2's `embeddingsByType`) back, with the
// token count in headers too.
import type { Rule } from "./body-rules.ts";
import { check } from "./body-rules.ts";
import { fakeVector } from "./fake-vectors.ts";
import type { InvokeOutcome } from "./invoke-outcome.ts";
import { fakeTokens, guarded, tokenHeaders, validationError } from "./invoke-outcome.ts";

const inputText: Rule = { type: "string", minLength: 1, maxLength: 50_000 };

const V1: Rule = { type: "object", required: ["inputText"], properties: { inputText } };
const V2: Rule = {
  type: "object",
  required: ["inputText"],
  properties: {
    inputText,
    dimensions: { type: "integer", enum: [256, 512, 1024] },
    normalize: { type: "boolean" },
    embeddingTypes: { type: "array", minItems: 1, items: { type: "string", enum: ["float", "binary"] } },
  },
};
const MULTIMODAL: Rule = {
  type: "object",
  properties: {
    inputText: { type: "string", minLength: 1, maxLength: 100_000 },
    inputImage: { type: "string" },
    embeddingConfig: {
      type: "object",
      required: ["outputEmbeddingLength"],
      properties: { outputEmbeddingLength: { type: "integer", enum: [256, 384, 1024] } },
    },
  },
};

const MAX_TOKENS = { v1: 8192, v2: 8192, multimodal: 128 } as const;

export function titanEmbeddings(variant: "v1" | "v2" | "multimodal", body: any): InvokeOutcome {
  return guarded(() => {
    check(variant === "v1" ? V1 : variant === "v2" ? V2 : MULTIMODAL, body);
    const text: string = body.inputText ?? "";
    if (!text && variant === "multimodal")
      return validationError("Malformed input request: at least one of inputText or inputImage must be provided.");
    const tokens = fakeTokens(text);
    if (tokens > MAX_TOKENS[variant]) {
      return validationError(
        `400 Bad Request: Too many input tokens. Max input tokens: ${MAX_TOKENS[variant]}, request input token count: ${tokens} `,
      );
    }
    const dims =
      variant === "v1" ? 1536 : variant === "v2" ? (body.dimensions ?? 1024) : (body.embeddingConfig?.outputEmbeddingLength ?? 1024);
    const embedding = fakeVector(text, dims);
    const answer: Record<string, unknown> = { embedding, inputTextTokenCount: tokens };
    if (variant === "v2") answer.embeddingsByType = { float: embedding };
    return { body: answer, headers: tokenHeaders(tokens) };
  });
}
