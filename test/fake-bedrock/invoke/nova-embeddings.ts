// Amazon Nova Multimodal Embeddings, synchronous: `taskType` SINGLE_EMBEDDING, one of text /
// image / audio / video, `embeddingDimension` 256/384/1024/3072 (default 3072), 8,192 tokens of
// text at most unless a truncation mode allows cutting. Token count in headers only.
import type { Rule } from "./body-rules.ts";
import { check } from "./body-rules.ts";
import { fakeVector } from "./fake-vectors.ts";
import type { InvokeOutcome } from "./invoke-outcome.ts";
import { fakeTokens, guarded, tokenHeaders, validationError } from "./invoke-outcome.ts";

const PURPOSES = [
  "GENERIC_INDEX",
  "GENERIC_RETRIEVAL",
  "TEXT_RETRIEVAL",
  "IMAGE_RETRIEVAL",
  "VIDEO_RETRIEVAL",
  "DOCUMENT_RETRIEVAL",
  "AUDIO_RETRIEVAL",
  "CLASSIFICATION",
  "CLUSTERING",
];
const media: Rule = { type: "object", open: true, properties: {} };
const NOVA: Rule = {
  type: "object",
  required: ["taskType", "singleEmbeddingParams"],
  properties: {
    schemaVersion: { type: "string", enum: ["nova-multimodal-embed-v1"] },
    taskType: { type: "string", enum: ["SINGLE_EMBEDDING"] },
    singleEmbeddingParams: {
      type: "object",
      required: ["embeddingPurpose"],
      properties: {
        embeddingPurpose: { type: "string", enum: PURPOSES },
        embeddingDimension: { type: "integer", enum: [256, 384, 1024, 3072] },
        text: {
          type: "object",
          required: ["truncationMode"],
          properties: {
            truncationMode: { type: "string", enum: ["START", "END", "NONE"] },
            value: { type: "string", minLength: 1 },
            source: media,
          },
        },
        image: media,
        audio: media,
        video: media,
      },
    },
  },
};

const MAX_TOKENS = 8192;

export function novaEmbeddings(body: any): InvokeOutcome {
  return guarded(() => {
    check(NOVA, body);
    const p = body.singleEmbeddingParams;
    const given = ["text", "image", "audio", "video"].filter((k) => p[k] !== undefined);
    if (given.length !== 1) return validationError("Exactly one of text, image, audio or video must be provided in singleEmbeddingParams.");
    const text: string = p.text?.value ?? "";
    const tokens = fakeTokens(text);
    if (tokens > MAX_TOKENS && p.text?.truncationMode === "NONE") {
      return validationError(`Input text exceeds the maximum of ${MAX_TOKENS} tokens and truncationMode is NONE.`);
    }
    const embedding = fakeVector(text, p.embeddingDimension ?? 3072);
    return { body: { embeddings: [{ embeddingType: "TEXT", embedding }] }, headers: tokenHeaders(Math.min(tokens, MAX_TOKENS)) };
  });
}
