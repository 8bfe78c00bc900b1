// The `model` of a request → what to call on Bedrock, with the catalog's first load awaited
// briefly so a request that arrives during start-up is not refused for lack of a catalog.
import type { ModelKind } from "../models/build-catalog.ts";
import { resolveModel } from "../models/resolve-model.ts";
import type { ResolvedModel } from "../models/resolve-model.ts";
import type { AppDeps, LogFields } from "./app-env.ts";

const CATALOG_WAIT_MS = 3000;

export async function resolveRequestModel(
  deps: AppDeps,
  requested: string | null | undefined,
  kind: ModelKind,
  log: LogFields,
): Promise<ResolvedModel> {
  const snapshot = await deps.catalog.ready(CATALOG_WAIT_MS);
  const { aliases, defaultModel, defaultEmbeddingModel } = deps.config.models;
  if (requested) log.model = requested;
  const resolved = resolveModel(snapshot, requested ?? undefined, kind, { aliases, defaultModel, defaultEmbeddingModel });
  log.model = resolved.requested;
  log.bedrockModel = resolved.bedrockId;
  log.baseModelId = resolved.baseModelId;
  return resolved;
}
