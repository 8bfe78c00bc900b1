// The double's default InvokeModel behaviour: each model family answers with its own native
// body shape after checking the request the way Bedrock does. Tests may still install their own
// handler with FakeBedrock.onInvoke.
import type { FakeModel } from "../fake-models.ts";
import { amazonImage } from "./amazon-image.ts";
import { cohereEmbeddings } from "./cohere-embeddings.ts";
import type { InvokeOutcome } from "./invoke-outcome.ts";
import { validationError } from "./invoke-outcome.ts";
import { novaEmbeddings } from "./nova-embeddings.ts";
import { rerank } from "./rerank.ts";
import { stabilityImage } from "./stability-image.ts";
import { titanEmbeddings } from "./titan-embeddings.ts";

export type { InvokeOutcome } from "./invoke-outcome.ts";

export function defaultInvoke(modelId: string, body: any, model: FakeModel): InvokeOutcome {
  const id = model.id;
  if (id.startsWith("amazon.titan-embed-text-v1")) return titanEmbeddings("v1", body);
  if (id.startsWith("amazon.titan-embed-text-v2")) return titanEmbeddings("v2", body);
  if (id.startsWith("amazon.titan-embed-image-v1")) return titanEmbeddings("multimodal", body);
  if (id.startsWith("cohere.embed-v4")) return cohereEmbeddings("v4", body);
  if (id.startsWith("cohere.embed-")) return cohereEmbeddings("v3", body);
  if (id.startsWith("amazon.nova-2-multimodal-embeddings")) return novaEmbeddings(body);
  if (id.startsWith("amazon.titan-image-generator")) return amazonImage("titan", modelId, body);
  if (id.startsWith("amazon.nova-canvas")) return amazonImage("nova", modelId, body);
  if (id.startsWith("stability.")) return stabilityImage(modelId, body);
  if (id.startsWith("cohere.rerank")) return rerank("cohere", body);
  if (id.startsWith("amazon.rerank")) return rerank("amazon", body);
  // Chat models answer InvokeModel with their provider's own format, which this double does not model.
  return validationError(`The test double has no InvokeModel body format for ${id}.`);
}
