// /v1/files (OpenAI Files API, purpose "batch"): multipart upload validated line by line,
// list (cursor pages), retrieve, content download, delete. Every object is scoped to the key
// that uploaded it; another key gets 404, as if the file did not exist.
import { keyIdOf } from "../pipeline/stored-conversations.ts";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { errors } from "../errors/gateway-error.ts";
import type { AppDeps, AppEnv } from "../http/app-env.ts";
import { parseRequest } from "../openai/zod-to-error.ts";
import type { BatchService } from "./batch-service.ts";
import { fileObject, listObject } from "./openai-objects.ts";

/** The batch service, or the 400 that names what the operator has to set. */
export function batchServiceOf(deps: AppDeps): BatchService {
  if (deps.batch) return deps.batch;
  if (!deps.config.batch.bucket) throw errors.batchNotConfigured("BATCH_S3_BUCKET", "The Files and Batch APIs");
  throw errors.batchNotConfigured(
    "DATABASE_URL",
    "The Files and Batch APIs (they keep metadata in the gateway's database, and DATABASE_URL is none)",
  );
}

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).default(10_000),
  after: z.string().min(1).optional(),
  purpose: z.string().optional(),
  order: z.enum(["asc", "desc"]).default("desc"),
});

/** Room for the multipart envelope around the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

export function filesRoutes(deps: AppDeps): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  const maxBytes = deps.config.batch.maxFileBytes;

  r.post(
    "/files",
    bodyLimit({
      maxSize: maxBytes + MULTIPART_OVERHEAD,
      onError: () => {
        throw errors.bodyTooLarge(maxBytes);
      },
    }),
    async (c) => {
      const service = batchServiceOf(deps);
      const type = c.req.header("content-type") ?? "";
      if (!type.toLowerCase().startsWith("multipart/form-data")) {
        throw errors.invalidRequest(
          "Upload the file as multipart/form-data with the fields 'file' and 'purpose'.",
          "file",
          "unsupported_media_type",
        );
      }
      let form: Record<string, unknown>;
      try {
        form = await c.req.parseBody();
      } catch {
        throw errors.invalidRequest("The multipart body could not be read.", "file", "invalid_multipart");
      }
      const purpose = form.purpose;
      if (typeof purpose !== "string" || purpose === "")
        throw errors.invalidRequest("Missing required parameter: 'purpose'.", "purpose", "missing_required_parameter");
      if (purpose !== "batch")
        throw errors.invalidRequest(
          `Purpose '${purpose}' is not supported here: this gateway stores files for the Batch API only (purpose 'batch').`,
          "purpose",
        );
      const file = form.file;
      if (!(file instanceof File))
        throw errors.invalidRequest("Missing required parameter: 'file' (a file part).", "file", "missing_required_parameter");
      if (file.size > maxBytes) throw errors.bodyTooLarge(maxBytes);
      const stored = await service.uploadFile(keyIdOf(c), {
        filename: file.name || "upload.jsonl",
        purpose,
        content: Buffer.from(await file.arrayBuffer()),
      });
      c.get("log").fileId = stored.id;
      return c.json(fileObject(stored));
    },
  );

  r.get("/files", async (c) => {
    const q = parseRequest(listQuery, c.req.query());
    const { data, hasMore } = await batchServiceOf(deps).listFiles(keyIdOf(c), { limit: q.limit, after: q.after, purpose: q.purpose });
    const objects = data.map(fileObject);
    if (q.order === "asc") objects.reverse();
    return c.json(listObject(objects, hasMore));
  });

  r.get("/files/:id", async (c) => c.json(fileObject(await batchServiceOf(deps).getFile(c.req.param("id"), keyIdOf(c)))));

  r.get("/files/:id/content", async (c) => {
    const { file, content } = await batchServiceOf(deps).fileContent(c.req.param("id"), keyIdOf(c));
    return c.body(content, 200, { "content-type": "application/jsonl", "content-length": String(file.bytes) });
  });

  r.delete("/files/:id", async (c) => {
    const f = await batchServiceOf(deps).deleteFile(c.req.param("id"), keyIdOf(c));
    return c.json({ id: f.id, object: "file", deleted: true });
  });

  return r;
}
