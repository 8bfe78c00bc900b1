// Which mapper serves which rerank model, by foundation-model id prefix.
import type { FamilyTable } from "../family-table.ts";
import { amazonRerank } from "./amazon-rerank.ts";
import { cohereRerank } from "./cohere-rerank.ts";
import type { RerankFamily } from "./rerank-family.ts";

export const RERANK_FAMILIES: FamilyTable<RerankFamily> = [
  ["cohere.rerank-", cohereRerank],
  ["amazon.rerank-", amazonRerank],
];
