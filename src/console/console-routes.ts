// The operator console at /console: server-rendered pages (hono/html) over the same store, key
// service, catalog and pricing as the admin API, plus small scripts from this package. Served only
// when ADMIN_API_KEY is set (CONSOLE_ENABLED=false turns it off).
//   GET  /console/login, POST /console/login, POST /console/logout
//   GET  /console/{overview,keys,usage,models,requests,playground}
//   POST /console/keys, /console/keys/{id}, /console/keys/{id}/rotate, /console/keys/{id}/revoke
//   GET  /console/usage.csv, /console/requests/feed (JSON for live updates), /console/assets/{file}
// Every route but login and assets needs a session cookie; every POST needs the CSRF token and a
// same-origin request. Responses carry a strict Content-Security-Policy (this origin only).
import { Hono } from "hono";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { secureHeaders } from "hono/secure-headers";
import { constantTimeEquals } from "../auth/api-key-verifier.ts";
import { errors, GatewayError } from "../errors/gateway-error.ts";
import type { AppDeps, AppEnv } from "../http/app-env.ts";
import { keyToJson } from "../keys/key-json.ts";
import { budgetWindow } from "../keys/key-policy.ts";
import type { KeyRecord } from "../store/store.ts";
import { consoleAssets } from "./console-assets.ts";
import { sessionKeys } from "./console-session.ts";
import type { ConsoleSession } from "./console-session.ts";
import { keySpecFromForm } from "./key-form.ts";
import { modelRows } from "./model-rows.ts";
import { loadOverview, RANGES } from "./overview-data.ts";
import type { OverviewRange } from "./overview-data.ts";
import { keysPage } from "./pages/keys-page.ts";
import type { KeyRow } from "./pages/keys-page.ts";
import { layout } from "./pages/layout.ts";
import type { Html, LayoutProps } from "./pages/layout.ts";
import { loginPage } from "./pages/login-page.ts";
import { modelsPage } from "./pages/models-page.ts";
import { overviewPage } from "./pages/overview-page.ts";
import { playgroundPage } from "./pages/playground-page.ts";
import { requestRow, requestsPage } from "./pages/requests-page.ts";
import { usagePage } from "./pages/usage-page.ts";
import type { RecentFilter } from "./recent-requests.ts";
import { parseUsageFilter, usageCsv } from "./usage-data.ts";

type ConsoleEnv = { Variables: AppEnv["Variables"] & { consoleSession: ConsoleSession; csrf: string } };
type C = Context<ConsoleEnv>;

const COOKIE = "bgw_console";
const FORM_LIMIT = 64 * 1024;
const DONE: Record<string, string> = { updated: "Key saved.", revoked: "Key revoked: it no longer authenticates." };

const CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

/** Only console paths on this origin: an open redirect after login would be a phishing aid. */
function safeNext(next: unknown): string {
  if (typeof next !== "string" || !/^\/console(\/[A-Za-z0-9._~\-/?=&%]*)?$/.test(next)) return "/console/overview";
  // No dot segments, raw or encoded: "/console/../admin" would leave the console.
  return /(^|\/)\.|%2e|%2f|\/\//i.test(next) ? "/console/overview" : next;
}

const isHttps = (c: Context) =>
  new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() === "https";

export function consoleRoutes(deps: AppDeps): Hono<AppEnv> | undefined {
  const adminKey = deps.config.admin.apiKey;
  if (!deps.config.console.enabled || !adminKey) return undefined;
  const keys = sessionKeys(adminKey, deps.config.console.sessionTtlMs);
  const assets = consoleAssets();
  const parts = deps.console;
  const r = new Hono<ConsoleEnv>();

  r.use(
    secureHeaders({
      contentSecurityPolicy: CSP,
      referrerPolicy: "no-referrer",
      xFrameOptions: "DENY",
      crossOriginResourcePolicy: "same-origin",
      crossOriginOpenerPolicy: "same-origin",
      strictTransportSecurity: false,
    }),
  );
  // Hono's own check: form posts from another origin (Origin / Sec-Fetch-Site) are refused.
  r.use(csrf());
  r.use(
    bodyLimit({
      maxSize: FORM_LIMIT,
      onError: () => {
        throw errors.invalidRequest(`Console forms are limited to ${FORM_LIMIT} bytes.`);
      },
    }),
  );

  const page = (c: C, props: Omit<LayoutProps, "csrf">, body: Html, status: 200 | 201 | 400 | 401 | 403 | 404 | 409 | 503 = 200) => {
    c.header("cache-control", "no-store");
    return c.html(layout({ ...props, csrf: c.var.csrf }, body), status);
  };

  r.get("/assets/:name", (c) => {
    const a = assets(c.req.param("name"));
    if (!a) throw errors.unknownRoute(c.req.method, c.req.path);
    if (c.req.header("if-none-match") === a.etag) return c.body(null, 304);
    c.header("content-type", a.type);
    c.header("etag", a.etag);
    c.header("cache-control", "public, max-age=300");
    return c.body(new Uint8Array(a.body));
  });

  const loginForm = (c: C, status: 200 | 401, next: string, flash?: string) => {
    c.header("cache-control", "no-store");
    return c.html(
      layout({ title: "Log in", page: "login", flash: flash ? { kind: "error", text: flash } : undefined }, loginPage(next)),
      status,
    );
  };
  r.get("/login", (c) => loginForm(c, 200, safeNext(c.req.query("next"))));
  r.post("/login", async (c) => {
    const form = await c.req.parseBody();
    const given = typeof form.admin_key === "string" ? form.admin_key : "";
    if (!given || !constantTimeEquals(given, adminKey)) {
      deps.logger.warn({ requestId: c.var.requestId }, "console login refused: wrong admin key");
      return loginForm(c, 401, safeNext(form.next), "Wrong admin key.");
    }
    const { cookie, session } = keys.issue();
    setCookie(c, COOKIE, cookie, {
      path: "/console",
      httpOnly: true,
      secure: isHttps(c),
      sameSite: "Strict",
      expires: new Date(session.expiresAt),
    });
    return c.redirect(safeNext(form.next), 303);
  });

  // Everything below needs a session; state changes need its CSRF token as well.
  r.use(async function consoleSession(c, next) {
    const session = keys.verify(getCookie(c, COOKIE));
    const method = c.req.method;
    if (!session) {
      if ((method === "GET" || method === "HEAD") && !c.req.path.endsWith(".csv") && !c.req.path.endsWith("/feed")) {
        return c.redirect(`/console/login?next=${encodeURIComponent(c.req.path)}`, 302);
      }
      throw errors.consoleSessionRequired();
    }
    if (method !== "GET" && method !== "HEAD") {
      const header = c.req.header("x-csrf-token");
      const form = header === undefined ? await c.req.parseBody() : undefined;
      const token = header ?? (typeof form?._csrf === "string" ? form._csrf : undefined);
      if (!keys.checkCsrf(session, token)) throw errors.consoleForbidden("missing or wrong CSRF token");
    }
    c.set("consoleSession", session);
    c.set("csrf", keys.csrfToken(session));
    c.set("principal", { keyId: "admin" });
    await next();
  });

  r.post("/logout", (c) => {
    keys.logout(c.var.consoleSession);
    deleteCookie(c, COOKIE, { path: "/console", secure: isHttps(c) });
    return c.redirect("/console/login", 303);
  });

  r.get("/", (c) => c.redirect("/console/overview", 302));

  const noStore = (c: C, title: string, p: LayoutProps["page"]) =>
    page(
      c,
      { title, page: p, flash: { kind: "error", text: "This page needs the store; the gateway runs with DATABASE_URL=none." } },
      "" as unknown as Html,
      503,
    );

  r.get("/overview", async (c) => {
    if (!deps.store) return noStore(c, "Overview", "overview");
    const q = c.req.query("range");
    const range: OverviewRange = (RANGES as readonly string[]).includes(q ?? "") ? (q as OverviewRange) : "day";
    return page(c, { title: "Overview", page: "overview", charts: true }, overviewPage(await loadOverview(deps.store, range)));
  });

  // Keys -----------------------------------------------------------------------------------------
  const keyRows = async (): Promise<KeyRow[]> => {
    const list = await deps.keys!.list();
    const now = Date.now();
    const throttled = new Map<string, number>();
    for (const e of parts?.recent.list({ status: "429" }, 0, parts.recent.capacity) ?? []) {
      if (e.keyId) throttled.set(e.keyId, (throttled.get(e.keyId) ?? 0) + 1);
    }
    return Promise.all(
      list.map(async (k: KeyRecord) => ({
        key: k,
        status: keyToJson(k, now).status,
        spend: await deps.store!.spendSince(k.id, budgetWindow(k.budget?.period ?? "month", now).start),
        throttled: throttled.get(k.id) ?? 0,
      })),
    );
  };
  const renderKeys = async (
    c: C,
    extra: { secret?: Parameters<typeof keysPage>[0]["secret"]; flash?: LayoutProps["flash"]; status?: 200 | 201 | 400 | 404 },
  ) =>
    page(
      c,
      { title: "Keys", page: "keys", flash: extra.flash },
      keysPage({ rows: await keyRows(), csrf: c.var.csrf, secret: extra.secret }),
      extra.status ?? 200,
    );
  const failure = (err: unknown) => {
    if (err instanceof GatewayError && err.status < 500)
      return { kind: "error" as const, text: err.message, status: err.status === 404 ? (404 as const) : (400 as const) };
    throw err;
  };

  r.get("/keys", async (c) => {
    if (!deps.keys) return noStore(c, "Keys", "keys");
    const done = DONE[c.req.query("done") ?? ""];
    return renderKeys(c, { flash: done ? { kind: "ok", text: done } : undefined });
  });
  r.post("/keys", async (c) => {
    if (!deps.keys) return noStore(c, "Keys", "keys");
    const parsed = keySpecFromForm(await c.req.parseBody(), "create");
    if ("error" in parsed) return renderKeys(c, { flash: { kind: "error", text: parsed.error }, status: 400 });
    try {
      const issued = await deps.keys.create(parsed.spec);
      deps.logger.info({ requestId: c.var.requestId, keyId: issued.key.id }, "console: key created");
      return renderKeys(c, {
        secret: { id: issued.key.id, name: issued.key.name, secret: issued.secret, rotated: false },
        flash: { kind: "ok", text: "Key created." },
        status: 201,
      });
    } catch (err) {
      const f = failure(err);
      return renderKeys(c, { flash: f, status: f.status });
    }
  });
  const keyId = (c: C) => {
    const id = c.req.param("id") ?? "";
    if (!/^vk_[0-9a-f]{12}$/.test(id)) throw errors.keyNotFound(id);
    return id;
  };
  r.post("/keys/:id", async (c) => {
    if (!deps.keys) return noStore(c, "Keys", "keys");
    const id = keyId(c);
    const parsed = keySpecFromForm(await c.req.parseBody(), "edit");
    if ("error" in parsed) return renderKeys(c, { flash: { kind: "error", text: parsed.error }, status: 400 });
    try {
      await deps.keys.update(id, parsed.spec);
    } catch (err) {
      const f = failure(err);
      return renderKeys(c, { flash: f, status: f.status });
    }
    deps.logger.info({ requestId: c.var.requestId, keyId: id }, "console: key updated");
    return c.redirect("/console/keys?done=updated", 303);
  });
  r.post("/keys/:id/rotate", async (c) => {
    if (!deps.keys) return noStore(c, "Keys", "keys");
    try {
      const issued = await deps.keys.rotate(keyId(c));
      deps.logger.info({ requestId: c.var.requestId, keyId: issued.key.id }, "console: key rotated");
      return renderKeys(c, {
        secret: { id: issued.key.id, name: issued.key.name, secret: issued.secret, rotated: true },
        flash: { kind: "ok", text: "Key rotated: the old secret no longer works." },
      });
    } catch (err) {
      const f = failure(err);
      return renderKeys(c, { flash: f, status: f.status });
    }
  });
  r.post("/keys/:id/revoke", async (c) => {
    if (!deps.keys) return noStore(c, "Keys", "keys");
    try {
      await deps.keys.revoke(keyId(c));
    } catch (err) {
      const f = failure(err);
      return renderKeys(c, { flash: f, status: f.status });
    }
    return c.redirect("/console/keys?done=revoked", 303);
  });

  // Usage ----------------------------------------------------------------------------------------
  r.get("/usage", async (c) => {
    if (!deps.store) return noStore(c, "Usage", "usage");
    const keysList = await deps.store.listKeys();
    try {
      const { filter, query } = parseUsageFilter(c.req.query());
      const rows = await deps.store.usageAggregate(query);
      return page(c, { title: "Usage", page: "usage", charts: true }, usagePage({ filter, rows, keys: keysList }));
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      const { filter } = parseUsageFilter({});
      return page(
        c,
        { title: "Usage", page: "usage", charts: true, flash: { kind: "error", text: (err as Error).message } },
        usagePage({ filter, rows: [], keys: keysList }),
        400,
      );
    }
  });
  r.get("/usage.csv", async (c) => {
    if (!deps.store) throw errors.invalidRequest("Usage needs a store; this gateway runs with DATABASE_URL=none.", null, "store_disabled");
    let parsed;
    try {
      parsed = parseUsageFilter(c.req.query());
    } catch (err) {
      throw errors.invalidRequest((err as Error).message);
    }
    const rows = await deps.store.usageAggregate(parsed.query);
    const f = parsed.filter;
    c.header("content-type", "text/csv; charset=utf-8");
    c.header("content-disposition", `attachment; filename="usage-by-${f.groupBy}-${f.from}-to-${f.to}.csv"`);
    c.header("cache-control", "no-store");
    return c.body(usageCsv(rows));
  });

  // Models, requests, playground -----------------------------------------------------------------
  r.get("/models", (c) => {
    const snapshot = deps.catalog.snapshot;
    const rows = snapshot && parts ? modelRows(snapshot, deps.config.models.aliases, parts.pricing, parts.region) : [];
    return page(
      c,
      { title: "Models", page: "models" },
      modelsPage({ rows, status: deps.catalog.status(), filter: (c.req.query("q") ?? "").slice(0, 200) }),
    );
  });

  const recentFilter = (c: C): RecentFilter => {
    const f: RecentFilter = {};
    for (const [name, field] of [
      ["key", "keyId"],
      ["model", "model"],
      ["status", "status"],
      ["endpoint", "endpoint"],
      ["request_id", "requestId"],
    ] as const) {
      const v = (c.req.query(name) ?? "").trim().slice(0, 300);
      if (v) f[field] = v;
    }
    return f;
  };
  const keyNames = async () => new Map((await deps.store?.listKeys())?.map((k) => [k.id, k.name]) ?? []);
  r.get("/requests", async (c) => {
    const filter = recentFilter(c);
    const rows = parts?.recent.list(filter, 0, 200) ?? [];
    return page(
      c,
      { title: "Requests", page: "requests" },
      requestsPage({ rows, filter, capacity: parts?.recent.capacity ?? 0, keyNames: await keyNames() }),
    );
  });
  r.get("/requests/feed", async (c) => {
    const after = Number(c.req.query("after") ?? 0);
    const rows = parts?.recent.list(recentFilter(c), Number.isSafeInteger(after) && after > 0 ? after : 0, 200) ?? [];
    const names = await keyNames();
    c.header("cache-control", "no-store");
    return c.json({ last: rows[0]?.seq ?? null, rows, html: rows.map((row) => requestRow(row, names).toString()).join("") });
  });
  r.get("/playground", (c) => page(c, { title: "Playground", page: "playground", scripts: ["playground.js"] }, playgroundPage()));

  r.all("*", (c) => {
    throw errors.unknownRoute(c.req.method, c.req.path);
  });

  // Mounted on the app, whose environment these routes extend.
  return r as unknown as Hono<AppEnv>;
}
