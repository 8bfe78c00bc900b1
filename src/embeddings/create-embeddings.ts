// POST /v1/embeddings, after validation: pick the model family, turn the input into texts, check
// them against the family's limits, send batches of the family's size to InvokeModel (several in
// flight, results kept in input order) and answer in OpenAI's shape.
import type { SendOptions } from "../bedrock/transport/bedrock-http.ts";
import type { EmbeddingFamily } from "../bedrock/embeddings/embedding-family.ts";
import { EMBEDDING_FAMILIES } from "../bedrock/embeddings/embedding-families.ts";
import { familyFor, knownPrefixes } from "../bedrock/family-table.ts";
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ResolvedModel } from "../models/resolve-model.ts";
import type { CreateEmbeddingResponse, EmbeddingsRequest } from "../openai/embeddings-request.ts";
import { mapWithConcurrency } from "../util/map-with-concurrency.ts";
import { decodeTokenInputs } from "./decode-tokens.ts";
import { classifyEmbeddingInput } from "./embedding-input.ts";
import { float32Base64 } from "./encode-embedding.ts";

export interface EmbeddingsDeps {
  runtime: BedrockRuntime;
  /** InvokeModel calls in flight for one request. */
  concurrency: number;
}

export interface EmbeddingsOutcome {
  response: CreateEmbeddingResponse;
  inputTokens: number;
  /** True when Bedrock reported no count for some call and the gateway estimated it (chars / 4). */
  tokensEstimated: boolean;
  bedrockCalls: number;
  inputs: number;
}

export function embeddingFamilyOf(model: ResolvedModel): EmbeddingFamily {
  const family = familyFor(EMBEDDING_FAMILIES, model.baseModelId);
  if (!family) {
    throw errors.modelNotSupported(
      model.requested,
      `the gateway has no embeddings mapping for '${model.baseModelId}'. Supported: ${knownPrefixes(EMBEDDING_FAMILIES)}.`,
    );
  }
  return family;
}

/** `dimensions` → what to send: undefined for the model's default, else an allowed value. */
export function checkDimensions(family: EmbeddingFamily, requested: number | null | undefined, model: string): number | undefined {
  if (requested === undefined || requested === null) return undefined;
  const { allowed, default: native } = family.dimensions;
  if (!allowed.includes(requested)) {
    throw errors.invalidRequest(
      `The model '${model}' (${family.name}) does not support dimensions=${requested}. Allowed values: ${allowed.join(", ")}.`,
      "dimensions",
      "invalid_value",
    );
  }
  // A family with one size has no parameter for it; the default needs none either.
  return allowed.length === 1 || requested === native ? undefined : requested;
}

function checkLengths(family: EmbeddingFamily, texts: readonly string[]): void {
  const max = family.maxChars;
  if (max === undefined) return;
  const i = texts.findIndex((t) => t.length > max);
  if (i >= 0) {
    throw errors.invalidRequest(
      `'input[${i}]' is ${texts[i]!.length} characters long; ${family.name} accepts at most ${max} characters per input.`,
      `input[${i}]`,
      "context_length_exceeded",
    );
  }
}

const estimateTokens = (texts: readonly string[]) => texts.reduce((n, t) => n + Math.max(1, Math.ceil(t.length / 4)), 0);

export async function createEmbeddings(
  deps: EmbeddingsDeps,
  req: EmbeddingsRequest,
  model: ResolvedModel,
  signal?: AbortSignal,
  onServed?: SendOptions["onServed"],
): Promise<EmbeddingsOutcome> {
  const family = embeddingFamilyOf(model);
  const dimensions = checkDimensions(family, req.dimensions, model.requested);
  const input = classifyEmbeddingInput(req.input);
  const texts = input.kind === "text" ? input.texts : await decodeTokenInputs(input.tokens, req.token_encoding ?? "cl100k_base");
  checkLengths(family, texts);

  const batches: string[][] = [];
  for (let i = 0; i < texts.length; i += family.batchSize) batches.push(texts.slice(i, i + family.batchSize));
  const opts = { dimensions, inputType: req.input_type ?? "search_document" } as const;

  let tokensEstimated = false;
  const answers = await mapWithConcurrency(
    batches,
    deps.concurrency,
    async (batch, _i, callSignal) => {
      const res = await deps.runtime.invokeModel(model.bedrockId, family.buildBody(batch, opts), {
        signal: callSignal,
        ...(onServed ? { onServed } : {}),
      });
      const parsed = family.parseResponse(res.body, batch.length);
      let tokens = parsed.inputTokens ?? res.inputTokens;
      if (tokens === undefined) {
        tokensEstimated = true;
        tokens = estimateTokens(batch);
      }
      return { vectors: parsed.vectors, tokens };
    },
    signal,
  );

  const base64 = req.encoding_format === "base64";
  const data: CreateEmbeddingResponse["data"] = [];
  let inputTokens = 0;
  for (const a of answers) {
    inputTokens += a.tokens;
    for (const v of a.vectors) data.push({ object: "embedding", index: data.length, embedding: base64 ? float32Base64(v) : v });
  }
  return {
    response: { object: "list", data, model: model.requested, usage: { prompt_tokens: inputTokens, total_tokens: inputTokens } },
    inputTokens,
    tokensEstimated,
    bedrockCalls: batches.length,
    inputs: texts.length,
  };
}
