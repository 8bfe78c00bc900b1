// The pipeline of the single-answer endpoints (embeddings, images, rerank): the same policy as a
// conversation, in the same order — read body → parse → resolve the model of the right kind →
// ADMISSION on the resolved model → the endpoint's Bedrock work (bounded by the client's
// connection) → its log fields (usage, counts) → the JSON answer.
import type { Context } from "hono";
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";
import type { SendOptions } from "../bedrock/transport/bedrock-http.ts";
import { reportServed } from "../http/served-by.ts";
import type { AppDeps, AppEnv } from "../http/app-env.ts";
import { asObject, readJsonBody } from "../http/read-json-body.ts";
import { estimateBodyTokens } from "../limits/estimate-body-tokens.ts";
import type { LogFields } from "../logging/request-record.ts";
import type { ModelKind } from "../models/build-catalog.ts";
import type { ResolvedModel } from "../models/resolve-model.ts";
import { resolveModel } from "../models/resolve-model.ts";

const CATALOG_WAIT_MS = 3000;

export interface InvokeEndpoint<Req> {
  /** The access log's endpoint name. */
  endpoint: string;
  kind: ModelKind;
  /** Validates the body (throws a 400 naming the field). */
  parse(raw: Record<string, unknown>): Req;
  model(req: Req): string | null | undefined;
  /** The parts of the request the admission token estimate reads. */
  estimateParts(req: Req): unknown;
  /** The Bedrock work; what it reports goes into the request's log fields. */
  run(
    runtime: BedrockRuntime,
    req: Req,
    model: ResolvedModel,
    signal: AbortSignal,
    onServed: SendOptions["onServed"],
  ): Promise<{ body: unknown; log: Partial<LogFields> }>;
}

export async function runInvoke<Req>(c: Context<AppEnv>, deps: AppDeps, ep: InvokeEndpoint<Req>): Promise<Response> {
  const log = c.get("log");
  log.endpoint = ep.endpoint;
  const req = ep.parse(asObject(await readJsonBody(c, deps.config.server.maxRequestBodyBytes)));
  const requested = ep.model(req);
  if (requested) log.model = requested;
  const model = resolveModel(await deps.catalog.ready(CATALOG_WAIT_MS), requested ?? undefined, ep.kind, deps.config.models);
  Object.assign(log, { model: model.requested, bedrockModel: model.bedrockId, baseModelId: model.baseModelId });
  await deps.admission?.admit(c, { model, estimatedInputTokens: estimateBodyTokens(ep.estimateParts(req)) });
  // What served the call (region, target): response headers, log fields, usage record.
  const out = await ep.run(deps.runtime, req, model, c.req.raw.signal, reportServed(c));
  Object.assign(log, out.log);
  return c.json(out.body);
}
