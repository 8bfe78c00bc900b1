// Which foundation models Bedrock batch inference serves, by id prefix, and which record format
// each takes. From AWS's "Supported Regions and models for batch inference" (see docs/batch.md):
// data to correct, not logic. Chat models run as Converse-type jobs (modelInput is a Converse
// request body), so one mapping serves every chat family; embedding models run as InvokeModel-type
// jobs with each family's native body.
import type { FamilyTable } from "../bedrock/family-table.ts";

export type RecordFormat = "converse" | "invoke-embedding";

export const BATCH_MODELS: FamilyTable<RecordFormat> = [
  ["anthropic.claude", "converse"],
  ["amazon.nova-micro", "converse"],
  ["amazon.nova-lite", "converse"],
  ["amazon.nova-pro", "converse"],
  ["amazon.nova-premier", "converse"],
  ["amazon.nova-2-lite", "converse"],
  ["meta.llama3-1", "converse"],
  ["meta.llama3-2", "converse"],
  ["meta.llama3-3", "converse"],
  ["meta.llama4", "converse"],
  ["mistral.mistral-large-2407", "converse"],
  ["mistral.mistral-small", "converse"],
  ["mistral.pixtral-large", "converse"],
  ["openai.gpt-oss", "converse"],
  ["deepseek.r1", "converse"],
  ["deepseek.v3", "converse"],
  ["qwen.", "converse"],
  ["amazon.titan-embed-text-v2", "invoke-embedding"],
  ["amazon.titan-embed-image-v1", "invoke-embedding"],
  ["amazon.nova-2-multimodal-embeddings", "invoke-embedding"],
];
