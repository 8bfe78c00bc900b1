// Stored Responses, scoped to the key that created them (another key gets 404, never 403):
//   GET    /v1/responses/{id}                 retrieve
//   DELETE /v1/responses/{id}                 delete
//   GET    /v1/responses/{id}/input_items     list the input items it was created from
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { errors } from "../../errors/gateway-error.ts";
import { zodToError } from "../../openai/zod-to-error.ts";
import { keyIdOf } from "../../pipeline/stored-conversations.ts";
import { visibleResponse } from "../../responses/responses-encoder.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";

const ENCRYPTED = "reasoning.encrypted_content";
const includeQuery = (c: Context<AppEnv>) => [...(c.req.queries("include") ?? []), ...(c.req.queries("include[]") ?? [])];

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(["asc", "desc"]).default("desc"),
  after: z.string().min(1).optional(),
  before: z.string().min(1).optional(),
});

export function storedResponsesRoutes(deps: AppDeps): Hono<AppEnv> {
  const { store } = deps.responses;
  const r = new Hono<AppEnv>();

  r.get("/responses/:id", async (c) => {
    c.get("log").endpoint = "responses.retrieve";
    if (c.req.query("stream") === "true")
      throw errors.invalidRequest("Streaming a stored response again is not supported by this gateway.", "stream", "unsupported_parameter");
    const found = await store.get(c.req.param("id"), keyIdOf(c));
    if (!found) throw errors.responseNotFound(c.req.param("id"));
    return c.json(visibleResponse(found.response, includeQuery(c).includes(ENCRYPTED)));
  });

  r.delete("/responses/:id", async (c) => {
    c.get("log").endpoint = "responses.delete";
    const id = c.req.param("id");
    if (!(await store.delete(id, keyIdOf(c)))) throw errors.responseNotFound(id);
    return c.json({ id, object: "response", deleted: true });
  });

  r.get("/responses/:id/input_items", async (c) => {
    c.get("log").endpoint = "responses.input_items";
    const q = ListQuery.safeParse(c.req.query());
    if (!q.success) throw zodToError(q.error);
    const page = await store.listInputItems(c.req.param("id"), keyIdOf(c), q.data);
    if (!page) throw errors.responseNotFound(c.req.param("id"));
    return c.json({ object: "list", ...page });
  });

  return r;
}
