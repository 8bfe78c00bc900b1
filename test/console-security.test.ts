// The console's security properties over HTTP (no browser needed): every route refuses without a
// session, state changes need the CSRF token and a same-origin request, a strict CSP on every
// answer, nothing loaded from another origin, the admin key never in a page, a log line or a
// header, sessions signed with the admin key (a changed key ends them; a replica with the same key
// accepts them), logout ends the session, bad input is a 4xx.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sessionKeys } from "../src/console/console-session.ts";
import { startFakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const ADMIN = "console-security-admin-key-0123456789";
const PAGES = [
  "/console",
  "/console/overview",
  "/console/overview?range=month",
  "/console/keys",
  "/console/usage",
  "/console/models",
  "/console/requests",
  "/console/playground",
];
const DATA = ["/console/usage.csv", "/console/requests/feed"];
const POSTS = [
  "/console/keys",
  "/console/keys/vk_0123456789ab",
  "/console/keys/vk_0123456789ab/rotate",
  "/console/keys/vk_0123456789ab/revoke",
  "/console/logout",
];

async function login(url: string, key = ADMIN): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/console/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: url },
    body: new URLSearchParams({ admin_key: key }).toString(),
  });
  assert.equal(res.status, 303, await res.text());
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const page = await (await fetch(`${url}/console/keys`, { headers: { cookie } })).text();
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(page)![1]!;
  return { cookie, csrf };
}

const form = (url: string, cookie: string, fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: "POST",
  redirect: "manual" as const,
  headers: { "content-type": "application/x-www-form-urlencoded", origin: url, cookie, ...headers },
  body: new URLSearchParams(fields).toString(),
});

describe("console security", () => {
  let fake: FakeBedrock;
  let gw: TestGateway;
  before(async () => {
    fake = await startFakeBedrock();
    gw = await startGateway({ fake, env: { ADMIN_API_KEY: ADMIN, USAGE_FLUSH_INTERVAL: "50ms" } });
  });
  after(async () => {
    await gw.close();
    await fake.close();
  });

  it("refuses every console route without a session", async () => {
    for (const path of PAGES) {
      const res = await fetch(gw.url + path, { redirect: "manual" });
      assert.equal(res.status, 302, path);
      assert.match(res.headers.get("location")!, /^\/console\/login\?next=/, path);
    }
    for (const path of DATA) {
      const res = await fetch(gw.url + path, { redirect: "manual" });
      assert.equal(res.status, 401, path);
      assert.equal(((await res.json()) as any).error.code, "console_session_required");
    }
    for (const path of POSTS) {
      const res = await fetch(gw.url + path, form(gw.url, "", { name: "x", _csrf: "x" }));
      assert.equal(res.status, 401, path);
    }
    // A client API key is not a session, and neither is the admin key as a header.
    for (const auth of [`Bearer ${ADMIN}`, "Bearer sk-test-gateway-key-0123456789"]) {
      const res = await fetch(`${gw.url}/console/requests/feed`, { headers: { authorization: auth } });
      assert.equal(res.status, 401);
    }
  });

  it("refuses forged, tampered and expired session cookies", async () => {
    const { cookie } = await login(gw.url);
    const value = cookie.slice("bgw_console=".length);
    const [id, exp, sig] = value.split(".");
    const forged = [`${id}.${Number(exp) + 1000}.${sig}`, `${id}.${exp}.${sig!.slice(0, -2)}AA`, "x.1.y", "", `${id}.${exp}`];
    for (const v of forged) {
      const res = await fetch(`${gw.url}/console/requests/feed`, { headers: { cookie: `bgw_console=${v}` } });
      assert.equal(res.status, 401, v);
    }
    const keys = sessionKeys(ADMIN, 1000);
    const { cookie: c } = keys.issue(Date.now() - 5000);
    assert.equal(keys.verify(c), undefined, "expired");
    assert.ok(keys.verify(keys.issue().cookie));
  });

  it("needs the CSRF token and a same-origin request for every state change", async () => {
    const { cookie, csrf } = await login(gw.url);
    const before = (await gw.runtime.deps.store!.listKeys()).length;
    for (const fields of [{ name: "no-token" }, { name: "wrong-token", _csrf: "A".repeat(43) }] as Record<string, string>[]) {
      const res = await fetch(`${gw.url}/console/keys`, form(gw.url, cookie, fields));
      assert.equal(res.status, 403);
      assert.equal(((await res.json()) as any).error.code, "csrf_check_failed");
    }
    // From another site (the browser says so in Origin / Sec-Fetch-Site): refused before anything else.
    const cross = await fetch(
      `${gw.url}/console/keys`,
      form(gw.url, cookie, { name: "cross", _csrf: csrf }, { origin: "https://evil.example" }),
    );
    assert.equal(cross.status, 403);
    const crossSite = await fetch(
      `${gw.url}/console/keys`,
      form(gw.url, cookie, { name: "cross", _csrf: csrf }, { origin: "", "sec-fetch-site": "cross-site" }),
    );
    assert.equal(crossSite.status, 403);
    assert.equal((await gw.runtime.deps.store!.listKeys()).length, before, "no key was created");
    // Another session's token is not this session's.
    const other = await login(gw.url);
    const mixed = await fetch(`${gw.url}/console/keys`, form(gw.url, cookie, { name: "mixed", _csrf: other.csrf }));
    assert.equal(mixed.status, 403);
    const ok = await fetch(`${gw.url}/console/keys`, form(gw.url, cookie, { name: "with-token", _csrf: csrf }));
    assert.equal(ok.status, 201);
    assert.equal((await gw.runtime.deps.store!.listKeys()).length, before + 1);
  });

  it("sends a strict Content-Security-Policy and loads nothing from another origin", async () => {
    const { cookie } = await login(gw.url);
    for (const path of [...PAGES.slice(1), "/console/login", "/console/assets/console.js", "/console/requests/feed"]) {
      const res = await fetch(gw.url + path, { headers: { cookie } });
      assert.equal(res.status, 200, path);
      const csp = res.headers.get("content-security-policy") ?? "";
      for (const d of [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
      ]) {
        assert.ok(csp.includes(d), `${path}: ${d} in ${csp}`);
      }
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/, path);
      assert.equal(res.headers.get("x-frame-options"), "DENY");
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      const body = await res.text();
      if (res.headers.get("content-type")?.startsWith("text/html")) {
        for (const m of body.matchAll(/\b(?:src|href|action)="([^"]*)"/g)) assert.match(m[1]!, /^(\/|#|data:,$)/, `${path}: ${m[0]}`);
        assert.doesNotMatch(body, /<script>(?!<)|\bstyle="|\bon[a-z]+="/, `${path}: no inline script, style or handler`);
      }
    }
  });

  it("never shows the admin key: not in pages, data, headers or logs", async () => {
    const { cookie, csrf } = await login(gw.url);
    await fetch(`${gw.url}/console/keys`, form(gw.url, cookie, { name: "leak-check", _csrf: csrf }));
    await fetch(`${gw.url}/console/login`, form(gw.url, "", { admin_key: `${ADMIN}-wrong` }));
    for (const path of [...PAGES, ...DATA, "/console/login"]) {
      const res = await fetch(gw.url + path, { headers: { cookie } });
      const all = JSON.stringify([...res.headers]) + (await res.text());
      assert.ok(!all.includes(ADMIN), path);
    }
    assert.ok(!gw.logText().includes(ADMIN), "not in the log");
    assert.ok(!gw.logText().includes(`${ADMIN}-wrong`), "a wrong attempt is not logged either");
  });

  it("ends the session on logout, also for a copy of the cookie", async () => {
    const { cookie, csrf } = await login(gw.url);
    const out = await fetch(`${gw.url}/console/logout`, form(gw.url, cookie, { _csrf: csrf }));
    assert.equal(out.status, 303);
    assert.match(out.headers.get("set-cookie")!, /bgw_console=;.*Max-Age=0/);
    assert.equal((await fetch(`${gw.url}/console/requests/feed`, { headers: { cookie } })).status, 401);
  });

  it("redirects only inside the console after login, and marks the cookie Secure behind HTTPS", async () => {
    for (const next of ["https://evil.example/", "//evil.example", "/admin/keys", "/console/../admin"]) {
      const res = await fetch(`${gw.url}/console/login`, form(gw.url, "", { admin_key: ADMIN, next }));
      assert.equal(res.headers.get("location"), "/console/overview", next);
    }
    const res = await fetch(
      `${gw.url}/console/login`,
      form(gw.url, "", { admin_key: ADMIN, next: "/console/usage?group_by=day" }, { "x-forwarded-proto": "https" }),
    );
    assert.equal(res.headers.get("location"), "/console/usage?group_by=day");
    assert.match(res.headers.get("set-cookie")!, /; Secure/);
    assert.match(res.headers.get("set-cookie")!, /HttpOnly/);
    assert.match(res.headers.get("set-cookie")!, /SameSite=Strict/);
  });

  it("answers bad input with 4xx, never a 500", async () => {
    const { cookie, csrf } = await login(gw.url);
    const cases: [string, RequestInit][] = [
      ["/console/usage?from=yesterday", { headers: { cookie } }],
      ["/console/usage.csv?group_by=nope", { headers: { cookie } }],
      ["/console/usage?from=2026-05-02&to=2026-05-01", { headers: { cookie } }],
      ["/console/keys/not-a-key/rotate", form(gw.url, cookie, { _csrf: csrf })],
      ["/console/keys/vk_0123456789ab/revoke", form(gw.url, cookie, { _csrf: csrf })],
      ["/console/keys", form(gw.url, cookie, { _csrf: csrf, name: "bad", rpm: "lots" })],
      ["/console/keys", form(gw.url, cookie, { _csrf: csrf, name: "bad", budget_usd: "-5" })],
      ["/console/keys", form(gw.url, cookie, { _csrf: csrf, name: "x".repeat(70_000) })],
      ["/console/assets/..%2F..%2Fpackage.json", { headers: { cookie } }],
      ["/console/nope", { headers: { cookie } }],
    ];
    for (const [path, init] of cases) {
      const res = await fetch(gw.url + path, init);
      assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
      assert.doesNotMatch(await res.text(), /at [A-Za-z]+ \(|node:internal/, path);
    }
  });

  it("is off without an admin key, or with CONSOLE_ENABLED=false", async () => {
    assert.equal((await fetch(`${gw.url}/console/login`)).status, 200);
    const plain = await startGateway({ fake });
    const disabled = await startGateway({ fake, env: { ADMIN_API_KEY: ADMIN, CONSOLE_ENABLED: "false" } });
    try {
      for (const g of [plain, disabled]) {
        const res = await fetch(`${g.url}/console/login`);
        assert.equal(res.status, 404);
        assert.equal(((await res.json()) as any).error.code, "unknown_url");
        assert.equal(g.runtime.deps.console, undefined, "no request list is kept either");
      }
    } finally {
      await plain.close();
      await disabled.close();
    }
  });

  it("ends every session when the admin key changes; a replica with the same key accepts it", async () => {
    const { cookie } = await login(gw.url);
    const replica = await startGateway({ fake, env: { ADMIN_API_KEY: ADMIN } });
    const rotated = await startGateway({ fake, env: { ADMIN_API_KEY: `${ADMIN}-rotated` } });
    try {
      assert.equal((await fetch(`${replica.url}/console/requests/feed`, { headers: { cookie } })).status, 200);
      assert.equal((await fetch(`${rotated.url}/console/requests/feed`, { headers: { cookie } })).status, 401);
      const page = await fetch(`${rotated.url}/console/keys`, { headers: { cookie }, redirect: "manual" });
      assert.equal(page.status, 302);
    } finally {
      await replica.close();
      await rotated.close();
    }
  });
});
