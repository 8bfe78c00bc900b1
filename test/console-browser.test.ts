// The operator console end to end in a real browser (Debian's Chromium through playwright-core):
// the real gateway on the Bedrock test double, a key created in the console and used by the real
// OpenAI SDK, its requests on the Requests page and in the Overview chart's data, RPM edited to 1
// and a 429 in the Playground, CSV export, rotate, revoke, logout. Screenshots of every page go
// to test-output/console/.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import type { Browser, Page } from "playwright-core";
import { launchChromium, screenshotPath } from "./helpers/browser.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const ADMIN = "console-admin-key-0123456789abcdef";
const MODEL = "amazon.nova-lite-v1:0";

async function until<T>(check: () => Promise<T | undefined | false>, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("operator console in Chromium", { timeout: 180_000 }, () => {
  let gw: TestGateway;
  let browser: Browser;
  let page: Page;
  let keyId = "";
  let secret = "";
  const client = (key: string) => new OpenAI({ baseURL: gw.baseURL, apiKey: key, maxRetries: 0 });

  before(async () => {
    gw = await startGateway({ env: { ADMIN_API_KEY: ADMIN, KEY_CACHE_TTL: "100ms", USAGE_FLUSH_INTERVAL: "100ms" } });
    gw.fake.setDefault(() => ({ content: [{ text: "Hello from the test double." }], usage: { inputTokens: 12, outputTokens: 7 } }));
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on("dialog", (d) => void d.accept());
  });
  after(async () => {
    await browser?.close();
    await gw?.close();
  });

  it("asks for the admin key and refuses a wrong one", async () => {
    const res = await page.goto(`${gw.url}/console`);
    assert.equal(res?.status(), 200);
    assert.match(page.url(), /\/console\/login\?next=/);
    await page.fill("#admin-key", "not-the-admin-key");
    await page.click("button[type=submit]");
    await page.waitForSelector(".flash.error");
    assert.equal(await page.textContent(".flash.error"), "Wrong admin key.");
    assert.match(page.url(), /\/console\/login$/);
    assert.doesNotMatch(await page.content(), /not-the-admin-key/);
    await page.screenshot({ path: screenshotPath("login-refused") });
  });

  it("logs in with the admin key: an HttpOnly, SameSite=Strict session cookie", async () => {
    await page.fill("#admin-key", ADMIN);
    await Promise.all([page.waitForURL(/\/console\/overview$/), page.click("button[type=submit]")]);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "bgw_console");
    assert.ok(session, "session cookie set");
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, "Strict");
    assert.ok(session.expires > Date.now() / 1000, "the cookie expires");
    assert.ok(!(await page.content()).includes(ADMIN), "the admin key is not in the page");
    assert.equal(await page.textContent("h1"), "Overview");
  });

  it("creates a key and shows its secret once, with a copy button", async () => {
    await page.goto(`${gw.url}/console/keys`);
    await page.fill("#name-new", "team-ml");
    await page.fill("#rpm-new", "100");
    await page.fill("#budget-new", "25");
    await page.fill("#metadata-new", "owner=ana");
    await Promise.all([page.waitForSelector("#new-secret"), page.click("form[action='/console/keys'] button[type=submit]")]);
    secret = await page.inputValue("#new-secret");
    assert.match(secret, /^sk-bgw-/);
    keyId = (await page.textContent(".secret h2 code"))!.trim();
    assert.match(keyId, /^vk_[0-9a-f]{12}$/);
    await page.click("button[data-copy=new-secret]");
    assert.match((await page.textContent("button[data-copy=new-secret]"))!, /Copied|Ctrl\+C/);
    const row = page.locator(`tr[data-key-id="${keyId}"]`);
    assert.match((await row.textContent())!, /team-ml[\s\S]*owner=ana[\s\S]*active/);
    // Reloading the list never shows it again.
    await page.goto(`${gw.url}/console/keys`);
    assert.equal(await page.locator("#new-secret").count(), 0);
    assert.ok(!(await page.content()).includes(secret));
  });

  it("shows the key's requests on the Requests page (live) and in the Overview chart's data", async () => {
    const sdk = client(secret);
    const first = await sdk.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
    assert.equal(first.choices[0]!.message.content, "Hello from the test double.");
    const stream = await sdk.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: "user", content: "stream" }] });
    for await (const _ of stream) void _;

    await page.goto(`${gw.url}/console/requests`);
    const rows = page.locator(`#requests tbody tr`, { hasText: keyId });
    assert.equal(await rows.count(), 2);
    // A request sent while the page is open appears by itself (polling the feed).
    await sdk.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "third" }] });
    await until(async () => (await rows.count()) === 3);
    const text = (await rows.first().textContent())!;
    assert.match(text, /chat\.completions/);
    assert.match(text, new RegExp(MODEL.replaceAll(".", "\\.")));
    assert.match(text, /200/);
    assert.match(text, /12 \/ 7/);
    await page.screenshot({ path: screenshotPath("requests"), fullPage: true });

    // Usage records are written in batches; the hour view reads them.
    await until(async () => (await gw.runtime.deps.store!.usageRecords({ from: 0, to: Date.now() + 1000, keyId })).length === 3);
    await page.goto(`${gw.url}/console/overview?range=hour`);
    await page.waitForFunction(
      () => (globalThis as any).Chart?.getChart((globalThis as any).document.getElementById("chart-requests")) !== undefined,
    );
    const charted = await page.evaluate(() => {
      const chart = (globalThis as any).Chart.getChart((globalThis as any).document.getElementById("chart-requests"));
      return { requests: chart.data.datasets[0].data.reduce((a: number, b: number) => a + b, 0), type: chart.config.type };
    });
    assert.deepEqual(charted, { requests: 3, type: "bar" });
    assert.match((await page.locator("table", { hasText: "Top keys" }).textContent())!, /team-ml/);
    assert.equal(await page.textContent("#total-requests"), "3");
  });

  it("runs a streamed chat in the playground, then answers 429 once the key's RPM is edited to 1", async () => {
    await page.goto(`${gw.url}/console/playground`);
    await page.fill("#pg-key", secret);
    await page.click("#pg-load");
    await until(async () => (await page.locator("#pg-model option").count()) > 1);
    await page.selectOption("#pg-model", MODEL);
    await page.click("#pg-send");
    await until(async () => (await page.textContent("#pg-cost")) !== "—");
    assert.equal(await page.textContent("#pg-status"), "200");
    assert.equal(await page.textContent("#pg-output"), "Hello from the test double.");
    assert.equal(await page.textContent("#pg-tokens"), "12 / 7");
    assert.match((await page.textContent("#pg-cost"))!, /^\$0\.0000\d+$/);
    assert.match((await page.textContent("#pg-ttft"))!, /^\d+ ms$/);
    await page.screenshot({ path: screenshotPath("playground"), fullPage: true });

    await page.goto(`${gw.url}/console/keys`);
    const row = page.locator(`tr[data-key-id="${keyId}"]`);
    await row.locator("summary", { hasText: "Edit" }).click();
    await row.locator(`#rpm-${keyId}`).fill("1");
    await Promise.all([page.waitForURL(/done=updated/), row.locator("button", { hasText: "Save" }).click()]);
    assert.match((await page.locator(`tr[data-key-id="${keyId}"]`).textContent())!, /\b1\b/);
    await new Promise((r) => setTimeout(r, 300)); // the gateway's key cache (KEY_CACHE_TTL=100ms)

    await page.goto(`${gw.url}/console/playground`);
    await page.fill("#pg-key", secret);
    await page.click("#pg-load");
    await until(async () => (await page.locator("#pg-model option").count()) > 1);
    await page.selectOption("#pg-model", MODEL);
    let status = "";
    for (let i = 0; i < 3 && !status.startsWith("429"); i++) {
      await page.click("#pg-send");
      status = await until(async () => {
        const s = (await page.textContent("#pg-status"))!;
        return s !== "sending…" && (await page.isEnabled("#pg-send")) ? s : undefined;
      });
    }
    assert.match(status, /^429 rate_limit_exceeded/);
    await page.screenshot({ path: screenshotPath("playground-429"), fullPage: true });
    await page.goto(`${gw.url}/console/keys`);
    assert.match((await page.locator(`tr[data-key-id="${keyId}"] td`).nth(6).textContent())!, /[1-9]/, "recent 429s counted");
  });

  it("shows usage by model with a chart and exports it as CSV", async () => {
    await until(async () => (await gw.runtime.deps.store!.usageRecords({ from: 0, to: Date.now() + 1000, keyId })).length >= 5);
    await page.goto(`${gw.url}/console/usage?group_by=model&key=${keyId}`);
    const table = (await page.locator("table").textContent())!;
    assert.match(table, new RegExp(MODEL.replaceAll(".", "\\.")));
    await page.waitForFunction(
      () => (globalThis as any).Chart?.getChart((globalThis as any).document.getElementById("chart-usage")) !== undefined,
    );
    await page.screenshot({ path: screenshotPath("usage"), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv-export")]);
    const csv = readFileSync(await download.path(), "utf8").split("\r\n");
    assert.equal(
      csv[0],
      "group,name,requests,errors,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests,mean_latency_ms",
    );
    const line = csv.find((l) => l.startsWith(MODEL))!;
    assert.ok(line, "the model's row is exported");
    const cells = line.split(",");
    assert.ok(Number(cells[2]) >= 5, `requests in ${line}`);
    assert.ok(Number(cells[8]) > 0, "priced");
  });

  it("lists the catalog on the Models page with the refresh's health", async () => {
    await page.goto(`${gw.url}/console/models`);
    assert.match((await page.textContent("#catalog-status"))!, /Catalog\s+healthy/);
    const row = page.locator("table.models tr", { hasText: "amazon.nova-lite-v1:0" }).first();
    assert.match((await row.textContent())!, /amazon[\s\S]*chat[\s\S]*\$0\.06[\s\S]*\$0\.24[\s\S]*\/v1\/chat\/completions/);
    await page.screenshot({ path: screenshotPath("models") });
  });

  it("rotates the key (old secret refused, new one works) and revokes it", async () => {
    await page.goto(`${gw.url}/console/keys`);
    await page.locator(`tr[data-key-id="${keyId}"] button`, { hasText: "Rotate" }).click();
    await page.waitForSelector("#new-secret");
    const rotated = await page.inputValue("#new-secret");
    assert.notEqual(rotated, secret);
    await new Promise((r) => setTimeout(r, 300));
    await assert.rejects(client(secret).models.list(), (e: any) => e.status === 401);
    assert.ok((await client(rotated).models.list()).data.length > 0);

    await page.goto(`${gw.url}/console/keys`);
    await Promise.all([page.waitForURL(/done=revoked/), page.locator(`tr[data-key-id="${keyId}"] button`, { hasText: "Revoke" }).click()]);
    assert.match((await page.locator(`tr[data-key-id="${keyId}"]`).textContent())!, /revoked/);
    await new Promise((r) => setTimeout(r, 300));
    await assert.rejects(client(rotated).models.list(), (e: any) => e.status === 401);
  });

  it("takes screenshots of the overview and keys pages", async () => {
    await page.goto(`${gw.url}/console/overview?range=hour`);
    await page.waitForFunction(
      () => (globalThis as any).Chart?.getChart((globalThis as any).document.getElementById("chart-cost")) !== undefined,
    );
    await page.screenshot({ path: screenshotPath("overview"), fullPage: true });
    await page.goto(`${gw.url}/console/keys`);
    await page.screenshot({ path: screenshotPath("keys"), fullPage: true });
  });

  it("logs out: the session no longer opens any page", async () => {
    const cookie = (await page.context().cookies()).find((c) => c.name === "bgw_console")!;
    await Promise.all([page.waitForURL(/\/console\/login$/), page.click("header .logout button")]);
    await page.goto(`${gw.url}/console/keys`);
    assert.match(page.url(), /\/console\/login\?next=%2Fconsole%2Fkeys$/);
    // The old cookie value, replayed, is refused too.
    const replay = await fetch(`${gw.url}/console/requests/feed`, { headers: { cookie: `bgw_console=${cookie.value}` } });
    assert.equal(replay.status, 401);
  });
});
