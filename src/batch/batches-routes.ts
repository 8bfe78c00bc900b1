// /v1/batches (OpenAI Batch API): create, retrieve, list (cursor pages), cancel, scoped per key.
// Creation maps and checks every line first (400 naming the line), and passes each model the
// lines call through the key's admission (allow-list, budget) like any real-time request.
import { Hono } from "hono";
import { z } from "zod";
import type { AppDeps, AppEnv } from "../http/app-env.ts";
import { asObject, readJsonBody } from "../http/read-json-body.ts";
import { parseRequest } from "../openai/zod-to-error.ts";
import { BATCH_ENDPOINTS } from "./batch-lines.ts";
import type { BatchEndpoint } from "./batch-store.ts";
import { keyIdOf } from "../pipeline/stored-conversations.ts";
import { batchServiceOf } from "./files-routes.ts";
import { batchObject, listObject } from "./openai-objects.ts";

const createSchema = z.strictObject({
  input_file_id: z.string().min(1),
  endpoint: z.enum(BATCH_ENDPOINTS as [BatchEndpoint, ...BatchEndpoint[]]),
  completion_window: z.literal("24h"),
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((m) => Object.keys(m).length <= 16, "at most 16 metadata pairs")
    .nullish(),
  output_expires_after: z.unknown().optional(),
});

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().min(1).optional(),
});

export function batchesRoutes(deps: AppDeps): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.post("/batches", async (c) => {
    const service = batchServiceOf(deps);
    const req = parseRequest(createSchema, asObject(await readJsonBody(c, deps.config.server.maxRequestBodyBytes)));
    const log = c.get("log");
    const batch = await service.createBatch(
      keyIdOf(c),
      { inputFileId: req.input_file_id, endpoint: req.endpoint, completionWindow: req.completion_window, metadata: req.metadata ?? null },
      // Allow-list and budget per model; tokens are not taken from the per-minute limits (batch
      // work runs outside them on Bedrock, and the on-demand runner takes them as it goes).
      async (model) => deps.admission?.admit(c, { model, estimatedInputTokens: 0 }),
    );
    log.batchId = batch.id;
    return c.json(batchObject(batch));
  });

  r.get("/batches", async (c) => {
    const q = parseRequest(listQuery, c.req.query());
    const { data, hasMore } = await batchServiceOf(deps).listBatches(keyIdOf(c), q);
    return c.json(listObject(data.map(batchObject), hasMore));
  });

  r.get("/batches/:id", async (c) => c.json(batchObject(await batchServiceOf(deps).getBatch(c.req.param("id"), keyIdOf(c)))));

  r.post("/batches/:id/cancel", async (c) => c.json(batchObject(await batchServiceOf(deps).cancelBatch(c.req.param("id"), keyIdOf(c)))));

  return r;
}
