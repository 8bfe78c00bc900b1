// createApp(deps): the whole gateway as a fetch handler. No environment reads and no I/O here;
// entry points (Node server, Lambda) build the dependencies and hand them in.
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { errorHeaders, errors, toOpenAIErrorBody } from "./errors/gateway-error.ts";
import { toGatewayError } from "./errors/to-gateway-error.ts";
import type { AppDeps, AppEnv } from "./http/app-env.ts";
import { authenticate } from "./http/middleware/authenticate.ts";
import { debugBodies } from "./http/middleware/debug-bodies.ts";
import { requestContext } from "./http/middleware/request-context.ts";
import { traceRequests } from "./http/middleware/trace-requests.ts";
import { adminRoutes } from "./admin/admin-routes.ts";
import { consoleRoutes } from "./console/console-routes.ts";
import { rateLimitHeaders } from "./limits/rate-limit-headers-middleware.ts";
import { metricsRoutes } from "./metrics/metrics-route.ts";
import { chatCompletionsRoutes } from "./http/routes/chat-completions.ts";
import { embeddingsRoutes } from "./http/routes/embeddings.ts";
import { healthRoutes } from "./http/routes/health.ts";
import { imagesRoutes } from "./http/routes/images.ts";
import { messagesRoutes } from "./http/routes/messages.ts";
import { toAnthropicError } from "./anthropic/anthropic-errors.ts";
import { modelsRoutes } from "./http/routes/models.ts";
import { responsesRoutes } from "./http/routes/responses.ts";
import { storedResponsesRoutes } from "./http/routes/stored-responses.ts";
import { rerankRoutes } from "./http/routes/rerank.ts";
import { batchesRoutes } from "./batch/batches-routes.ts";
import { filesRoutes } from "./batch/files-routes.ts";

export type { AppDeps } from "./http/app-env.ts";

/** Every API route with its methods, so a known path with a wrong method answers 405, not 404. */
interface RouteModule {
  routes: Hono<AppEnv>;
  methods: Record<string, string[]>;
  /** Anthropic clients expect Anthropic's error shape, also for auth and validation errors. */
  errorFormat?: "anthropic";
}

function apiRoutes(deps: AppDeps): RouteModule[] {
  return [
    { routes: modelsRoutes(deps), methods: { "/models": ["GET"], "/models/:id{.+}": ["GET"] } },
    { routes: chatCompletionsRoutes(deps), methods: { "/chat/completions": ["POST"] } },
    { routes: responsesRoutes(deps), methods: { "/responses": ["POST"], "/responses/input_tokens": ["POST"] } },
    { routes: storedResponsesRoutes(deps), methods: { "/responses/:id": ["GET", "DELETE"], "/responses/:id/input_items": ["GET"] } },
    { routes: messagesRoutes(deps), methods: { "/messages": ["POST"], "/messages/count_tokens": ["POST"] }, errorFormat: "anthropic" },
    { routes: embeddingsRoutes(deps), methods: { "/embeddings": ["POST"] } },
    { routes: imagesRoutes(deps), methods: { "/images/generations": ["POST"] } },
    { routes: rerankRoutes(deps), methods: { "/rerank": ["POST"] } },
    { routes: filesRoutes(deps), methods: { "/files": ["GET", "POST"], "/files/:id": ["GET", "DELETE"], "/files/:id/content": ["GET"] } },
    { routes: batchesRoutes(deps), methods: { "/batches": ["GET", "POST"], "/batches/:id": ["GET"], "/batches/:id/cancel": ["POST"] } },
  ];
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { config, logger } = deps;
  const app = new Hono<AppEnv>();

  app.use(requestContext(logger, deps.observers));
  if (deps.tracing) app.use(traceRequests(deps.tracing));
  if (deps.bodyLogger) app.use(debugBodies(deps.bodyLogger));
  if (config.cors.allowedOrigins.length > 0) {
    app.use(
      cors({
        origin: config.cors.allowedOrigins.includes("*") ? "*" : config.cors.allowedOrigins,
        allowHeaders: ["authorization", "content-type", "x-api-key", "x-request-id", "anthropic-version", "anthropic-beta", "openai-beta"],
        exposeHeaders: ["x-request-id"],
        maxAge: 600,
      }),
    );
  }

  app.route("/", healthRoutes(deps));
  if (deps.metrics) app.route("/", metricsRoutes(deps.metrics, config.metrics));
  app.route("/admin", adminRoutes(deps));
  const consoleApp = consoleRoutes(deps);
  if (consoleApp) app.route("/console", consoleApp);

  const modules = apiRoutes(deps);
  for (const prefix of config.routes.prefixes) {
    const api = new Hono<AppEnv>();
    for (const m of modules) {
      if (!m.errorFormat) continue;
      for (const path of Object.keys(m.methods)) {
        api.use(path, async function anthropicErrors(c, next) {
          c.set("errorFormat", m.errorFormat!);
          c.header("request-id", c.get("requestId"));
          await next();
        });
      }
    }
    if (deps.auth) api.use(authenticate(deps.auth));
    if (deps.admission) api.use(rateLimitHeaders(deps.admission));
    for (const m of modules) api.route("/", m.routes);
    for (const m of modules) {
      for (const [path, allowed] of Object.entries(m.methods)) {
        api.all(path, (c) => {
          throw errors.methodNotAllowed(c.req.method, c.req.path, allowed);
        });
      }
    }
    app.route(prefix, api);
  }

  app.notFound((c) => {
    throw errors.unknownRoute(c.req.method, c.req.path);
  });

  app.onError((err, c) => {
    const requestId = c.get("requestId") ?? "unknown";
    const { error, unexpected } = toGatewayError(err, requestId);
    const fields = c.get("log");
    // The client left before the answer: the upstream call was aborted on its behalf. That is an
    // aborted request (recorded as such), not a gateway fault, and nobody reads the error body.
    const clientGone = c.req.raw.signal.aborted;
    if (clientGone && fields) fields.aborted = true;
    if (unexpected && !clientGone) logger.error({ requestId, err }, "unexpected error");
    if (fields && !clientGone) fields.errorType = error.code ?? error.type;
    for (const [k, v] of Object.entries(errorHeaders(error))) c.header(k, v);
    if (c.get("errorFormat") === "anthropic") {
      const { status, body } = toAnthropicError(error, requestId);
      return c.json(body, status as ContentfulStatusCode);
    }
    return c.json(toOpenAIErrorBody(error), error.status as ContentfulStatusCode);
  });

  return app;
}
