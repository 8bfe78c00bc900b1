// Which mapper serves which embedding model, by foundation-model id prefix.
import type { FamilyTable } from "../family-table.ts";
import { cohereEmbedV3, cohereEmbedV4 } from "./cohere-embeddings.ts";
import type { EmbeddingFamily } from "./embedding-family.ts";
import { novaEmbeddings } from "./nova-embeddings.ts";
import { titanMultimodal } from "./titan-multimodal-embeddings.ts";
import { titanTextV1, titanTextV2 } from "./titan-text-embeddings.ts";

export const EMBEDDING_FAMILIES: FamilyTable<EmbeddingFamily> = [
  ["amazon.titan-embed-text-v2", titanTextV2],
  ["amazon.titan-embed-text-v1", titanTextV1],
  ["amazon.titan-embed-g1-text", titanTextV1],
  ["amazon.titan-embed-image-v1", titanMultimodal],
  ["cohere.embed-english-v3", cohereEmbedV3],
  ["cohere.embed-multilingual-v3", cohereEmbedV3],
  ["cohere.embed-v4", cohereEmbedV4],
  ["amazon.nova-2-multimodal-embeddings", novaEmbeddings],
];
