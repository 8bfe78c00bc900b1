// A batch input file → every line's Bedrock records, grouped by the model actually called, from
// the catalog snapshot it is given. Errors are 400s naming the line: an unknown model,
// a model without batch inference, a body the real-time endpoint would refuse.
import { familyFor } from "../bedrock/family-table.ts";
import type { Config } from "../config/config.ts";
import { GatewayError, errors } from "../errors/gateway-error.ts";
import type { CatalogSnapshot } from "../models/build-catalog.ts";
import { resolveModel } from "../models/resolve-model.ts";
import type { ResolvedModel } from "../models/resolve-model.ts";
import type { BatchLine } from "./batch-lines.ts";
import { yieldToEventLoop } from "./batch-lines.ts";
import { BATCH_MODELS } from "./batch-models.ts";
import type { RecordFormat } from "./batch-models.ts";
import type { BatchEndpoint } from "./batch-store.ts";
import { planChatLine, planEmbeddingLine } from "./record-mappers.ts";
import type { LinePlan } from "./record-mappers.ts";

export interface ModelGroup {
  model: ResolvedModel;
  format: RecordFormat;
  plans: LinePlan[];
  records: number;
}

export interface PlanContext {
  snapshot: CatalogSnapshot | undefined;
  models: Config["models"];
  chat: Config["chat"];
}

export function resolveLineModel(l: BatchLine, endpoint: BatchEndpoint, ctx: PlanContext): ResolvedModel {
  const requested = typeof l.body.model === "string" ? l.body.model : undefined;
  if (!requested) throw errors.invalidBatchLine(l.line, "'body.model' is required in a batch line.", "missing_required_parameter");
  try {
    return resolveModel(ctx.snapshot, requested, endpoint === "/v1/embeddings" ? "embedding" : "chat", ctx.models);
  } catch (err) {
    if (err instanceof GatewayError && err.status < 500) throw errors.invalidBatchLine(l.line, err.message, err.code ?? "invalid_model");
    throw err;
  }
}

export function batchFormatOf(model: ResolvedModel): RecordFormat | undefined {
  return familyFor(BATCH_MODELS, model.baseModelId);
}

export function planLine(l: BatchLine, endpoint: BatchEndpoint, model: ResolvedModel, ctx: PlanContext): LinePlan {
  return endpoint === "/v1/embeddings" ? planEmbeddingLine(l, model) : planChatLine(l, model, ctx.chat, ctx.chat.strictParams);
}

export async function planBatch(lines: BatchLine[], endpoint: BatchEndpoint, ctx: PlanContext): Promise<ModelGroup[]> {
  const groups = new Map<string, ModelGroup>();
  for (const [i, l] of lines.entries()) {
    // Mapping costs ~15 µs a line: yield now and then so a large file does not hold the event loop.
    if (i > 0 && i % 500 === 0) await yieldToEventLoop();
    if (l.url !== endpoint) {
      throw errors.invalidBatchLine(
        l.line,
        `'url' is ${l.url} but the batch's endpoint is ${endpoint}; every line must use the batch's endpoint.`,
        "mismatched_url",
      );
    }
    const model = resolveLineModel(l, endpoint, ctx);
    const format = batchFormatOf(model);
    if (!format) {
      throw errors.invalidBatchLine(
        l.line,
        `the model '${model.requested}' (${model.baseModelId}) does not support Bedrock batch inference.`,
        "model_not_supported",
      );
    }
    const plan = planLine(l, endpoint, model, ctx);
    let g = groups.get(model.bedrockId);
    if (!g) groups.set(model.bedrockId, (g = { model, format, plans: [], records: 0 }));
    g.plans.push(plan);
    g.records += plan.records.length;
  }
  return [...groups.values()];
}
